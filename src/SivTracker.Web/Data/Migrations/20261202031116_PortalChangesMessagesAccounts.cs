using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PortalChangesMessagesAccounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "from_applicant",
                table: "stored_files",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "portal_accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sign_in_number = table.Column<string>(type: "text", nullable: false),
                    passphrase_hash = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    failed_attempts = table.Column<int>(type: "integer", nullable: false),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    disabled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_portal_accounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "portal_changes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    field = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    proposed = table.Column<string>(type: "text", nullable: true),
                    previous = table.Column<string>(type: "text", nullable: true),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    decision = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_portal_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "portal_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_applicant = table.Column<bool>(type: "boolean", nullable: false),
                    author_id = table.Column<Guid>(type: "uuid", nullable: true),
                    body = table.Column<string>(type: "text", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    read_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_portal_messages", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_portal_accounts_person_id",
                table: "portal_accounts",
                column: "person_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_portal_accounts_sign_in_number",
                table: "portal_accounts",
                column: "sign_in_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_portal_changes_organisation_id_decision_submitted_at",
                table: "portal_changes",
                columns: new[] { "organisation_id", "decision", "submitted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_portal_changes_person_id",
                table: "portal_changes",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_portal_messages_organisation_id_from_applicant_read_at",
                table: "portal_messages",
                columns: new[] { "organisation_id", "from_applicant", "read_at" });

            migrationBuilder.CreateIndex(
                name: "ix_portal_messages_person_id_sent_at",
                table: "portal_messages",
                columns: new[] { "person_id", "sent_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "portal_accounts");

            migrationBuilder.DropTable(
                name: "portal_changes");

            migrationBuilder.DropTable(
                name: "portal_messages");

            migrationBuilder.DropColumn(
                name: "from_applicant",
                table: "stored_files");
        }
    }
}
