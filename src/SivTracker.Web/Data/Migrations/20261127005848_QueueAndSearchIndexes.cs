using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class QueueAndSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_case_flags_open_by_case",
                table: "case_flags");

            migrationBuilder.AddColumn<int>(
                name: "review_urgency",
                table: "cases",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "review_sort",
                table: "cases",
                type: "bigint",
                nullable: true,
                computedColumnSql: "review_urgency::bigint * 1000000 - coalesce(days_over, -1)",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_review_sort_id",
                table: "cases",
                columns: new[] { "organisation_id", "review_sort", "id" },
                filter: "review_urgency is not null");

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_review_urgency",
                table: "cases",
                columns: new[] { "organisation_id", "review_urgency" },
                filter: "review_urgency is not null");

            migrationBuilder.CreateIndex(
                name: "ix_case_flags_case_id",
                table: "case_flags",
                column: "case_id");

            // Search: every folded word of a name (exact pass) and case references typed in any case.
            migrationBuilder.Sql("create index ix_persons_search_words on persons using gin (string_to_array(search_name, ' '))");
            migrationBuilder.Sql("create index ix_cases_organisation_id_upper_reference on cases (organisation_id, upper(reference))");
            migrationBuilder.Sql($"""
                update cases c set review_urgency = u.urgency
                from (select case_id, min({SivTracker.Web.Background.DeadlineSweep.QueueUrgencySql}) as urgency
                      from case_flags where cleared_on is null group by case_id) u
                where c.id = u.case_id
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("drop index ix_persons_search_words");
            migrationBuilder.Sql("drop index ix_cases_organisation_id_upper_reference");

            migrationBuilder.DropIndex(
                name: "ix_cases_organisation_id_review_sort_id",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "ix_cases_organisation_id_review_urgency",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "ix_case_flags_case_id",
                table: "case_flags");

            migrationBuilder.DropColumn(
                name: "review_sort",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "review_urgency",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "ix_case_flags_open_by_case",
                table: "case_flags",
                column: "case_id",
                filter: "cleared_on is null");
        }
    }
}
