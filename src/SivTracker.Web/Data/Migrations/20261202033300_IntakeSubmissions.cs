using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class IntakeSubmissions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "intake_submission_id",
                table: "stored_files",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "intake_open",
                table: "organisations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "intake_submissions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    given_names = table.Column<string>(type: "text", nullable: false),
                    family_name = table.Column<string>(type: "text", nullable: true),
                    native_name = table.Column<string>(type: "text", nullable: true),
                    date_of_birth = table.Column<string>(type: "text", nullable: true),
                    phone = table.Column<string>(type: "text", nullable: true),
                    email = table.Column<string>(type: "text", nullable: true),
                    program = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    employer_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    employer = table.Column<string>(type: "text", nullable: true),
                    service_start = table.Column<DateOnly>(type: "date", nullable: true),
                    service_end = table.Column<DateOnly>(type: "date", nullable: true),
                    message = table.Column<string>(type: "text", nullable: true),
                    proof_hash = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_intake_submissions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_stored_files_intake_submission_id",
                table: "stored_files",
                column: "intake_submission_id",
                filter: "intake_submission_id is not null");

            migrationBuilder.CreateIndex(
                name: "ix_intake_submissions_organisation_id_status_submitted_at",
                table: "intake_submissions",
                columns: new[] { "organisation_id", "status", "submitted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_intake_submissions_proof_hash",
                table: "intake_submissions",
                column: "proof_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "intake_submissions");

            migrationBuilder.DropIndex(
                name: "ix_stored_files_intake_submission_id",
                table: "stored_files");

            migrationBuilder.DropColumn(
                name: "intake_submission_id",
                table: "stored_files");

            migrationBuilder.DropColumn(
                name: "intake_open",
                table: "organisations");
        }
    }
}
