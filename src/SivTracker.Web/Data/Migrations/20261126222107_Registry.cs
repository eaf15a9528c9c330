using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Registry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "merged_into_id",
                table: "persons",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "search_name",
                table: "persons",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "tazkira_lookup",
                table: "persons",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "lookup",
                table: "passports",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "lookup",
                table: "contact_channels",
                type: "character varying(320)",
                maxLength: 320,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "person_history",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    other_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    fields = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_history", x => x.id);
                    table.ForeignKey(
                        name: "fk_person_history_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_person_history_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_persons_merged_into_id",
                table: "persons",
                column: "merged_into_id");

            migrationBuilder.CreateIndex(
                name: "ix_persons_organisation_id_tazkira_lookup",
                table: "persons",
                columns: new[] { "organisation_id", "tazkira_lookup" });

            migrationBuilder.CreateIndex(
                name: "ix_persons_organisation_id_updated_at_id",
                table: "persons",
                columns: new[] { "organisation_id", "updated_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_persons_search_name",
                table: "persons",
                column: "search_name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_passports_organisation_id_lookup",
                table: "passports",
                columns: new[] { "organisation_id", "lookup" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_channels_organisation_id_lookup",
                table: "contact_channels",
                columns: new[] { "organisation_id", "lookup" });

            migrationBuilder.CreateIndex(
                name: "ix_person_history_organisation_id",
                table: "person_history",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "ix_person_history_person_id_at",
                table: "person_history",
                columns: new[] { "person_id", "at" });

            migrationBuilder.AddForeignKey(
                name: "fk_persons_persons_merged_into_id",
                table: "persons",
                column: "merged_into_id",
                principalTable: "persons",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_persons_persons_merged_into_id",
                table: "persons");

            migrationBuilder.DropTable(
                name: "person_history");

            migrationBuilder.DropIndex(
                name: "ix_persons_merged_into_id",
                table: "persons");

            migrationBuilder.DropIndex(
                name: "ix_persons_organisation_id_tazkira_lookup",
                table: "persons");

            migrationBuilder.DropIndex(
                name: "ix_persons_organisation_id_updated_at_id",
                table: "persons");

            migrationBuilder.DropIndex(
                name: "ix_persons_search_name",
                table: "persons");

            migrationBuilder.DropIndex(
                name: "ix_passports_organisation_id_lookup",
                table: "passports");

            migrationBuilder.DropIndex(
                name: "ix_contact_channels_organisation_id_lookup",
                table: "contact_channels");

            migrationBuilder.DropColumn(
                name: "merged_into_id",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "search_name",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "tazkira_lookup",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "lookup",
                table: "passports");

            migrationBuilder.DropColumn(
                name: "lookup",
                table: "contact_channels");
        }
    }
}
