using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CaseListOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_cases_list_running",
                table: "cases",
                columns: new[] { "organisation_id", "limit_reached_on", "id" },
                filter: "limit_reached_on is not null");

            migrationBuilder.CreateIndex(
                name: "ix_cases_list_unstarted",
                table: "cases",
                columns: new[] { "organisation_id", "id" },
                filter: "limit_days is null");

            // Paused and stopped clocks by their days left, which stand still (CaseListOrder reads it by this expression).
            migrationBuilder.Sql("""
                create index ix_cases_list_settled on cases (organisation_id, (limit_days - government_days), id)
                    where limit_reached_on is null and limit_days is not null
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("drop index ix_cases_list_settled;");

            migrationBuilder.DropIndex(
                name: "ix_cases_list_running",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "ix_cases_list_unstarted",
                table: "cases");
        }
    }
}
