using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class QueueAndSweepIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_organisation_id_review_sort_id",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "ix_document_items_medical_received",
                table: "document_items",
                columns: new[] { "case_id", "status_on" },
                filter: "kind = 'Medical' and status in ('Received', 'Verified') and status_on is not null");

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_review_sort_id",
                table: "cases",
                columns: new[] { "organisation_id", "review_sort", "id" },
                filter: "review_urgency is not null and limit_reached_on is null");

            // Ids made in SQL ordered by time, like the app's (Guid.CreateVersion7): the sweep's new flags and
            // notifications then go to the right-hand end of their primary key, not to a random page of it each.
            // A version 4 id with its first 48 bits replaced by the Unix time in milliseconds and its version set to 7.
            migrationBuilder.Sql("""
                create function uuid_v7() returns uuid language sql volatile parallel safe as $$
                    select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                        placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6),
                        52, 1), 53, 1), 'hex')::uuid
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("drop function uuid_v7();");

            migrationBuilder.DropIndex(
                name: "ix_document_items_medical_received",
                table: "document_items");

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
