using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class SweepMedicalIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_document_items_medical_received",
                table: "document_items",
                columns: new[] { "case_id", "status_on" },
                filter: "kind = 'Medical' and status in ('Received', 'Verified') and status_on is not null");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_document_items_medical_received",
                table: "document_items");
        }
    }
}
