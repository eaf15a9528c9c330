using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class LettersAndCalendarFeeds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "calendar_feed_hash",
                table: "users",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "calendar_feed_issued_at",
                table: "users",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "letter_templates",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_letter_templates", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_users_calendar_feed_hash",
                table: "users",
                column: "calendar_feed_hash",
                unique: true,
                filter: "calendar_feed_hash is not null");

            migrationBuilder.CreateIndex(
                name: "ix_letter_templates_organisation_id_kind",
                table: "letter_templates",
                columns: new[] { "organisation_id", "kind" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "letter_templates");

            migrationBuilder.DropIndex(
                name: "ix_users_calendar_feed_hash",
                table: "users");

            migrationBuilder.DropColumn(
                name: "calendar_feed_hash",
                table: "users");

            migrationBuilder.DropColumn(
                name: "calendar_feed_issued_at",
                table: "users");
        }
    }
}
