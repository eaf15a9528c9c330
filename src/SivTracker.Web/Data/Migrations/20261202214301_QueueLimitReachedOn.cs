using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class QueueLimitReachedOn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_organisation_id_days_over_id",
                table: "cases");

            migrationBuilder.AddColumn<DateOnly>(
                name: "limit_reached_on",
                table: "cases",
                type: "date",
                nullable: true,
                computedColumnSql: "case when clock_state = 'Running' then clock_computed_for + (limit_days - government_days) end",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_review_urgency_limit_reached_on_id",
                table: "cases",
                columns: new[] { "organisation_id", "review_urgency", "limit_reached_on", "id" },
                filter: "review_urgency is not null and limit_reached_on is not null");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_organisation_id_review_urgency_limit_reached_on_id",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "limit_reached_on",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_days_over_id",
                table: "cases",
                columns: new[] { "organisation_id", "days_over", "id" },
                filter: "clock_state in ('Running','Paused')");
        }
    }
}
