using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <summary>
    /// Each case's due day moves from the case row to a table beside it: the triggers that make a case due then never
    /// change the case row, so a note, a contact or a passport leaves the case's version (its xmin) alone.
    /// </summary>
    public partial class SweepDueCases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("drop trigger cases_sweep_due on cases; drop function sweep_due_case();");
            migrationBuilder.DropIndex(
                name: "ix_cases_organisation_id_sweep_due_on",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "sweep_due_on",
                table: "cases");

            migrationBuilder.CreateTable(
                name: "sweep_due_cases",
                columns: table => new
                {
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    due_on = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sweep_due_cases", x => x.case_id);
                    table.ForeignKey(
                        name: "fk_sweep_due_cases_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sweep_due_cases_organisation_id_due_on",
                table: "sweep_due_cases",
                columns: new[] { "organisation_id", "due_on" });

            migrationBuilder.Sql(DueBesideTheCase);
            foreach (var (operation, transitions) in new[] { ("insert", "new table as changed"), ("update", "old table as before_rows new table as changed") })
            {
                migrationBuilder.Sql($"create trigger cases_sweep_due_{operation} after {operation} on cases referencing {transitions} " +
                    $"for each statement execute function sweep_due_cases_{operation}();");
            }
            migrationBuilder.Sql("insert into sweep_due_cases (case_id, organisation_id) select id, organisation_id from cases");
        }

        /// <summary>The same triggers as in SweepDueOn, now writing the table beside the case.</summary>
        private const string DueBesideTheCase = """
            create or replace function sweep_due_by_case() returns trigger language plpgsql as $$
            begin
                update sweep_due_cases d set due_on = null
                from (select distinct case_id from changed) x
                where d.case_id = x.case_id and d.due_on is not null;
                return null;
            end $$;

            create or replace function sweep_due_by_person() returns trigger language plpgsql as $$
            begin
                update sweep_due_cases d set due_on = null
                from cases c, (select distinct coalesce(p.principal_id, p.id) as principal from changed x join persons p on p.id = x.person_id) x
                where c.principal_id = x.principal and d.case_id = c.id and d.due_on is not null;
                return null;
            end $$;

            create or replace function sweep_due_by_family() returns trigger language plpgsql as $$
            begin
                update sweep_due_cases d set due_on = null
                from cases c, (select coalesce(o.principal_id, o.id) as principal, coalesce(n.principal_id, n.id) as now_principal
                               from before_rows o join changed n on n.id = o.id
                               where (o.principal_id, o.merged_into_id) is distinct from (n.principal_id, n.merged_into_id)) x
                where c.principal_id in (x.principal, x.now_principal) and d.case_id = c.id and d.due_on is not null;
                return null;
            end $$;

            create or replace function sweep_due_all() returns trigger language plpgsql as $$
            begin
                update sweep_due_cases set due_on = null where due_on is not null;
                return null;
            end $$;

            -- A new case is due at once, however it arrived (a page, the import, a referral, bulk COPY).
            create function sweep_due_cases_insert() returns trigger language plpgsql as $$
            begin
                insert into sweep_due_cases (case_id, organisation_id) select id, organisation_id from changed on conflict do nothing;
                return null;
            end $$;

            -- A change to any column a condition reads makes the case due.
            create function sweep_due_cases_update() returns trigger language plpgsql as $$
            begin
                update sweep_due_cases d set due_on = null
                from before_rows o join changed n on n.id = o.id
                where d.case_id = n.id and d.due_on is not null
                    and (n.clock_state, n.government_days, n.paused_days, n.limit_days, n.clock_computed_for, n.current_stage_code,
                         n.current_stage_entered_on, n.high_risk, n.program, n.principal_id)
                        is distinct from
                        (o.clock_state, o.government_days, o.paused_days, o.limit_days, o.clock_computed_for, o.current_stage_code,
                         o.current_stage_entered_on, o.high_risk, o.program, o.principal_id);
                return null;
            end $$;
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                drop trigger cases_sweep_due_insert on cases; drop trigger cases_sweep_due_update on cases;
                drop function sweep_due_cases_insert(); drop function sweep_due_cases_update();
                """);
            migrationBuilder.DropTable(
                name: "sweep_due_cases");

            migrationBuilder.AddColumn<DateOnly>(
                name: "sweep_due_on",
                table: "cases",
                type: "date",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_sweep_due_on",
                table: "cases",
                columns: new[] { "organisation_id", "sweep_due_on" });
            migrationBuilder.Sql(SweepDueOn.DueOnChange.Replace("create function", "create or replace function"));
            migrationBuilder.Sql("create trigger cases_sweep_due before update on cases for each row execute function sweep_due_case();");
        }
    }
}
