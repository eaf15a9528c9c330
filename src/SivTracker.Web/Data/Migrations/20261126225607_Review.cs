using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Review : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "snoozed_until",
                table: "case_flags",
                type: "date",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "review_actions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    assignee_id = table.Column<Guid>(type: "uuid", nullable: true),
                    flag_id = table.Column<Guid>(type: "uuid", nullable: true),
                    date = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_actions", x => x.id);
                    table.ForeignKey(
                        name: "fk_review_actions_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_review_actions_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_caseworker_id",
                table: "cases",
                columns: new[] { "organisation_id", "caseworker_id" });

            migrationBuilder.CreateIndex(
                name: "ix_case_flags_open_by_case",
                table: "case_flags",
                column: "case_id",
                filter: "cleared_on is null");

            migrationBuilder.CreateIndex(
                name: "ix_review_actions_case_id_at",
                table: "review_actions",
                columns: new[] { "case_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_review_actions_organisation_id",
                table: "review_actions",
                column: "organisation_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "review_actions");

            migrationBuilder.DropIndex(
                name: "ix_cases_organisation_id_caseworker_id",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "ix_case_flags_open_by_case",
                table: "case_flags");

            migrationBuilder.DropColumn(
                name: "snoozed_until",
                table: "case_flags");
        }
    }
}
