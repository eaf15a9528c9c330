using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PersonIdempotencyKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "idempotency_key",
                table: "persons",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_persons_organisation_id_idempotency_key",
                table: "persons",
                columns: new[] { "organisation_id", "idempotency_key" },
                unique: true,
                filter: "idempotency_key is not null");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_persons_organisation_id_idempotency_key",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "idempotency_key",
                table: "persons");
        }
    }
}
