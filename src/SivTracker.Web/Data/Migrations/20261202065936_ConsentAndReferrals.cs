using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ConsentAndReferrals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "accepts_referrals",
                table: "organisations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "directory_description",
                table: "organisations",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "listed_in_directory",
                table: "organisations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "consents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    recipient_organisation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    method = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    given_on = table.Column<DateOnly>(type: "date", nullable: false),
                    valid_until = table.Column<DateOnly>(type: "date", nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recorded_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    note = table.Column<string>(type: "text", nullable: true),
                    withdrawn_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    withdrawn_by_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_consents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "referrals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    to_organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    consent_id = table.Column<Guid>(type: "uuid", nullable: false),
                    mode = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    linked = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    program = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    stage_code = table.Column<string>(type: "text", nullable: false),
                    family_size = table.Column<int>(type: "integer", nullable: false),
                    service_records = table.Column<int>(type: "integer", nullable: false),
                    notes = table.Column<int>(type: "integer", nullable: false),
                    message = table.Column<string>(type: "text", nullable: true),
                    packet = table.Column<string>(type: "text", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    decline_reason = table.Column<string>(type: "text", nullable: true),
                    received_case_id = table.Column<Guid>(type: "uuid", nullable: true),
                    received_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_referrals", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_consents_person_id",
                table: "consents",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_referrals_consent_id",
                table: "referrals",
                column: "consent_id");

            migrationBuilder.CreateIndex(
                name: "ix_referrals_from_organisation_id_sent_at",
                table: "referrals",
                columns: new[] { "from_organisation_id", "sent_at" });

            migrationBuilder.CreateIndex(
                name: "ix_referrals_received_case_id",
                table: "referrals",
                column: "received_case_id",
                filter: "received_case_id is not null");

            migrationBuilder.CreateIndex(
                name: "ix_referrals_to_organisation_id_status_sent_at",
                table: "referrals",
                columns: new[] { "to_organisation_id", "status", "sent_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "consents");

            migrationBuilder.DropTable(
                name: "referrals");

            migrationBuilder.DropColumn(
                name: "accepts_referrals",
                table: "organisations");

            migrationBuilder.DropColumn(
                name: "directory_description",
                table: "organisations");

            migrationBuilder.DropColumn(
                name: "listed_in_directory",
                table: "organisations");
        }
    }
}
