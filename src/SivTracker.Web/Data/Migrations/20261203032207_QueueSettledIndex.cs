using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class QueueSettledIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_organisation_id_review_sort_id",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_review_sort_id",
                table: "cases",
                columns: new[] { "organisation_id", "review_sort", "id" },
                filter: "review_urgency is not null and limit_reached_on is null");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_organisation_id_review_sort_id",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_review_sort_id",
                table: "cases",
                columns: new[] { "organisation_id", "review_sort", "id" },
                filter: "review_urgency is not null");
        }
    }
}
