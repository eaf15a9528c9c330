using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <summary>
    /// A stored clock's figures on a given day, for queries: the twins of CaseClock's rules, held equal by
    /// ClockOnReadTests. Plain SQL and immutable, so the planner inlines them into the statements that call them.
    /// </summary>
    public partial class ClocksOnRead : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                create function clock_government_days(state text, government integer, computed_for date, today date) returns integer
                    language sql immutable parallel safe
                    as $$ select government + case when state = 'Running' and computed_for < today then today - computed_for else 0 end $$;

                create function clock_paused_days(state text, paused integer, computed_for date, today date) returns integer
                    language sql immutable parallel safe
                    as $$ select paused + case when state = 'Paused' and computed_for < today then today - computed_for else 0 end $$;

                create function clock_days_over(state text, government integer, limit_days integer, computed_for date, today date) returns integer
                    language sql immutable parallel safe
                    as $$ select case when clock_government_days(state, government, computed_for, today) > limit_days
                                      then clock_government_days(state, government, computed_for, today) - limit_days end $$;

                create function clock_projected_breach_on(state text, government integer, limit_days integer, computed_for date, today date) returns date
                    language sql immutable parallel safe
                    as $$ select case when state = 'Running' and limit_days >= clock_government_days(state, government, computed_for, today)
                                      then computed_for + (limit_days - government) end $$;

                create function clock_past_limit_since(state text, government integer, limit_days integer, computed_for date, past_limit_since date, today date) returns date
                    language sql immutable parallel safe
                    as $$ select coalesce(past_limit_since,
                                      case when state = 'Running' and clock_government_days(state, government, computed_for, today) > limit_days
                                           then computed_for + (limit_days + 1 - government) end) $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                drop function clock_past_limit_since(text, integer, integer, date, date, date);
                drop function clock_projected_breach_on(text, integer, integer, date, date);
                drop function clock_days_over(text, integer, integer, date, date);
                drop function clock_paused_days(text, integer, date, date);
                drop function clock_government_days(text, integer, date, date);
                """);
        }
    }
}
