using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <summary>The day each case is next due for the sweep, and the triggers that make it due when its inputs change.</summary>
    public partial class SweepDueOn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "sweep_due_on",
                table: "cases",
                type: "date",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_sweep_due_on",
                table: "cases",
                columns: new[] { "organisation_id", "sweep_due_on" });

            // What makes a case due: a change to anything a deadline condition reads. Triggers, so the pages, the API,
            // the import, the set-based recompute and bulk COPY cannot miss one; per statement, so a bulk load pays once.
            migrationBuilder.Sql(DueOnChange);
            foreach (var (table, function) in Watched)
            {
                foreach (var (operation, transition) in new[] { ("insert", "new"), ("update", "new"), ("delete", "old") })
                {
                    migrationBuilder.Sql($"create trigger {table}_sweep_due_{operation} after {operation} on {table} " +
                        $"referencing {transition} table as changed for each statement execute function {function}();");
                }
            }
            migrationBuilder.Sql("""
                create trigger persons_sweep_due after update on persons referencing old table as before_rows new table as changed
                    for each statement execute function sweep_due_by_family();
                create trigger stages_sweep_due after insert or update or delete on stages for each statement execute function sweep_due_all();
                create trigger cases_sweep_due before update on cases for each row execute function sweep_due_case();
                -- The settings the last sweep decided with: different settings make every case due.
                create table sweep_settings (fingerprint text not null);
                """);
        }

        private static readonly (string Table, string Function)[] Watched =
        [
            ("stage_events", "sweep_due_by_case"), ("case_notes", "sweep_due_by_case"), ("document_items", "sweep_due_by_case"),
            ("contact_channels", "sweep_due_by_person"), ("passports", "sweep_due_by_person"),
        ];

        internal const string DueOnChange = """
            create function sweep_due_case() returns trigger language plpgsql as $$
            begin
                if (new.clock_state, new.government_days, new.paused_days, new.limit_days, new.clock_computed_for, new.current_stage_code,
                    new.current_stage_entered_on, new.high_risk, new.program, new.principal_id)
                   is distinct from
                   (old.clock_state, old.government_days, old.paused_days, old.limit_days, old.clock_computed_for, old.current_stage_code,
                    old.current_stage_entered_on, old.high_risk, old.program, old.principal_id) then
                    new.sweep_due_on := null;
                end if;
                return new;
            end $$;

            create function sweep_due_by_case() returns trigger language plpgsql as $$
            begin
                update cases c set sweep_due_on = null
                from (select distinct case_id from changed) x
                where c.id = x.case_id and c.sweep_due_on is not null;
                return null;
            end $$;

            -- Passports and contacts belong to people; the cases they count for are their family's.
            create function sweep_due_by_person() returns trigger language plpgsql as $$
            begin
                update cases c set sweep_due_on = null
                from (select distinct coalesce(p.principal_id, p.id) as principal from changed x join persons p on p.id = x.person_id) x
                where c.principal_id = x.principal and c.sweep_due_on is not null;
                return null;
            end $$;

            -- A person joining or leaving a family, or merged into another, changes whose passports a case counts.
            create function sweep_due_by_family() returns trigger language plpgsql as $$
            begin
                update cases c set sweep_due_on = null
                from (select coalesce(o.principal_id, o.id) as principal, coalesce(n.principal_id, n.id) as now_principal
                      from before_rows o join changed n on n.id = o.id
                      where (o.principal_id, o.merged_into_id) is distinct from (n.principal_id, n.merged_into_id)) x
                where c.principal_id in (x.principal, x.now_principal) and c.sweep_due_on is not null;
                return null;
            end $$;

            -- The catalog decides which stages are open and which stop the clock.
            create function sweep_due_all() returns trigger language plpgsql as $$
            begin
                update cases set sweep_due_on = null where sweep_due_on is not null;
                return null;
            end $$;
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, _) in Watched)
            {
                foreach (var operation in new[] { "insert", "update", "delete" })
                {
                    migrationBuilder.Sql($"drop trigger {table}_sweep_due_{operation} on {table};");
                }
            }
            migrationBuilder.Sql("""
                drop trigger persons_sweep_due on persons;
                drop trigger stages_sweep_due on stages;
                drop trigger cases_sweep_due on cases;
                drop table sweep_settings;
                drop function sweep_due_case(); drop function sweep_due_by_case(); drop function sweep_due_by_person();
                drop function sweep_due_by_family(); drop function sweep_due_all();
                """);
            migrationBuilder.DropIndex(
                name: "ix_cases_organisation_id_sweep_due_on",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "sweep_due_on",
                table: "cases");
        }
    }
}
