using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The audit trail is append-only in the database itself, whoever connects: no UPDATE, DELETE or TRUNCATE.
            migrationBuilder.Sql("""
                create function audit_events_append_only() returns trigger language plpgsql as $$
                begin
                    raise exception 'audit_events is append-only: % refused', tg_op;
                end
                $$;
                create trigger audit_events_no_update_or_delete before update or delete on audit_events
                    for each row execute function audit_events_append_only();
                create trigger audit_events_no_truncate before truncate on audit_events
                    for each statement execute function audit_events_append_only();
                """);

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                drop trigger if exists audit_events_no_update_or_delete on audit_events;
                drop trigger if exists audit_events_no_truncate on audit_events;
                drop function if exists audit_events_append_only();
                """);

        }
    }
}
