using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class LanguagesAndDisplay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "language",
                table: "users",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "persian_digits",
                table: "users",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "solar_hijri_dates",
                table: "users",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "name_dari",
                table: "stages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "name_pashto",
                table: "stages",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "language",
                table: "users");

            migrationBuilder.DropColumn(
                name: "persian_digits",
                table: "users");

            migrationBuilder.DropColumn(
                name: "solar_hijri_dates",
                table: "users");

            migrationBuilder.DropColumn(
                name: "name_dari",
                table: "stages");

            migrationBuilder.DropColumn(
                name: "name_pashto",
                table: "stages");
        }
    }
}
