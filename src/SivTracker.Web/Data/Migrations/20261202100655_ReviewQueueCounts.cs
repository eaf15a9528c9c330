using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReviewQueueCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "review_queue_counts",
                columns: table => new
                {
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    urgency = table.Column<int>(type: "integer", nullable: false),
                    cases = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_queue_counts", x => new { x.organisation_id, x.urgency });
                });

            // Databases swept before the counts existed start from the urgencies the last sweep left.
            migrationBuilder.Sql("""
                insert into review_queue_counts (organisation_id, urgency, cases)
                select organisation_id, review_urgency, count(*)::int from cases where review_urgency is not null group by 1, 2;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "review_queue_counts");
        }
    }
}
