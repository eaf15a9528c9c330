using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SivTracker.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateTable(
                name: "organisations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    slug = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_organisations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "stages",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    clock_owner = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    sort_order = table.Column<int>(type: "integer", nullable: false),
                    is_terminal = table.Column<bool>(type: "boolean", nullable: false),
                    in_ds157 = table.Column<bool>(type: "boolean", nullable: false),
                    in_legacy = table.Column<bool>(type: "boolean", nullable: false),
                    in_s1059 = table.Column<bool>(type: "boolean", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stages", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "persons",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    given_names = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    family_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    father_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    native_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    clan_or_tribe = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    date_of_birth = table.Column<DateOnly>(type: "date", nullable: true),
                    date_of_birth_precision = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    place_of_birth = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    sex = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    tazkira_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    tazkira_number = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    tazkira_volume = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    tazkira_page = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    tazkira_register = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    current_country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    current_province = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    safety_status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    safety_notes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    relationship = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    principal_id = table.Column<Guid>(type: "uuid", nullable: true),
                    marriage_date = table.Column<DateOnly>(type: "date", nullable: true),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_persons", x => x.id);
                    table.ForeignKey(
                        name: "fk_persons_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_persons_persons_principal_id",
                        column: x => x.principal_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "cases",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    reference = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    principal_id = table.Column<Guid>(type: "uuid", nullable: false),
                    program = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    step_model = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    step_model_override_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    current_stage_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    current_stage_entered_on = table.Column<DateOnly>(type: "date", nullable: true),
                    caseworker_id = table.Column<Guid>(type: "uuid", nullable: true),
                    priority = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    high_risk = table.Column<bool>(type: "boolean", nullable: false),
                    high_risk_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    clock_state = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    clock_started_on = table.Column<DateOnly>(type: "date", nullable: true),
                    government_days = table.Column<int>(type: "integer", nullable: false),
                    paused_days = table.Column<int>(type: "integer", nullable: false),
                    limit_days = table.Column<int>(type: "integer", nullable: true),
                    days_over = table.Column<int>(type: "integer", nullable: true),
                    projected_breach_on = table.Column<DateOnly>(type: "date", nullable: true),
                    clock_computed_for = table.Column<DateOnly>(type: "date", nullable: true),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cases", x => x.id);
                    table.ForeignKey(
                        name: "fk_cases_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_cases_persons_principal_id",
                        column: x => x.principal_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_cases_stages_current_stage_code",
                        column: x => x.current_stage_code,
                        principalTable: "stages",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "contact_channels",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    value = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    last_successful_contact_on = table.Column<DateOnly>(type: "date", nullable: true),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_channels", x => x.id);
                    table.ForeignKey(
                        name: "fk_contact_channels_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_contact_channels_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "passports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    expires_on = table.Column<DateOnly>(type: "date", nullable: true),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_passports", x => x.id);
                    table.ForeignKey(
                        name: "fk_passports_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_passports_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "person_aliases",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    spelling = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_aliases", x => x.id);
                    table.ForeignKey(
                        name: "fk_person_aliases_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_person_aliases_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "service_records",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    employer_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    employer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    prime_contract_number = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    subcontract_number = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    role = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true),
                    location = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    supervisor_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    supervisor_email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    supervisor_email_verified = table.Column<bool>(type: "boolean", nullable: false),
                    supervisor_is_us_citizen = table.Column<bool>(type: "boolean", nullable: true),
                    hr_letter_obtained = table.Column<bool>(type: "boolean", nullable: false),
                    recommendation_letter_obtained = table.Column<bool>(type: "boolean", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_records", x => x.id);
                    table.ForeignKey(
                        name: "fk_service_records_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_service_records_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "case_notes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    body = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_case_notes", x => x.id);
                    table.ForeignKey(
                        name: "fk_case_notes_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_case_notes_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "case_numbers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    number = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    assigned_on = table.Column<DateOnly>(type: "date", nullable: true),
                    is_current = table.Column<bool>(type: "boolean", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_case_numbers", x => x.id);
                    table.ForeignKey(
                        name: "fk_case_numbers_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_case_numbers_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "document_items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    status_on = table.Column<DateOnly>(type: "date", nullable: true),
                    unavailability_statement = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_document_items_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_document_items_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_document_items_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "stage_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_stage_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    to_stage_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    effective_on = table.Column<DateOnly>(type: "date", nullable: false),
                    recorded_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    corrects_event_id = table.Column<Guid>(type: "uuid", nullable: true),
                    idempotency_key = table.Column<Guid>(type: "uuid", nullable: true),
                    voided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    voided_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    void_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stage_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_stage_events_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_stage_events_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_stage_events_stages_from_stage_code",
                        column: x => x.from_stage_code,
                        principalTable: "stages",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_stage_events_stages_to_stage_code",
                        column: x => x.to_stage_code,
                        principalTable: "stages",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_case_notes_case_id",
                table: "case_notes",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "ix_case_notes_organisation_id",
                table: "case_notes",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "ix_case_numbers_case_id",
                table: "case_numbers",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "ix_case_numbers_organisation_id",
                table: "case_numbers",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "ix_case_numbers_organisation_id_number",
                table: "case_numbers",
                columns: new[] { "organisation_id", "number" });

            migrationBuilder.CreateIndex(
                name: "ix_cases_current_stage_code",
                table: "cases",
                column: "current_stage_code");

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id",
                table: "cases",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_current_stage_code",
                table: "cases",
                columns: new[] { "organisation_id", "current_stage_code" });

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_days_over_id",
                table: "cases",
                columns: new[] { "organisation_id", "days_over", "id" },
                filter: "clock_state in ('Running','Paused')");

            migrationBuilder.CreateIndex(
                name: "ix_cases_organisation_id_reference",
                table: "cases",
                columns: new[] { "organisation_id", "reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cases_principal_id",
                table: "cases",
                column: "principal_id");

            migrationBuilder.CreateIndex(
                name: "ix_contact_channels_organisation_id",
                table: "contact_channels",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "ix_contact_channels_person_id",
                table: "contact_channels",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_document_items_case_id_person_id_kind",
                table: "document_items",
                columns: new[] { "case_id", "person_id", "kind" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_document_items_organisation_id",
                table: "document_items",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "ix_document_items_person_id",
                table: "document_items",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_organisations_slug",
                table: "organisations",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_passports_organisation_id",
                table: "passports",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "ix_passports_person_id",
                table: "passports",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_person_aliases_organisation_id",
                table: "person_aliases",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "ix_person_aliases_person_id",
                table: "person_aliases",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_persons_organisation_id",
                table: "persons",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "ix_persons_organisation_id_family_name_given_names_id",
                table: "persons",
                columns: new[] { "organisation_id", "family_name", "given_names", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_persons_principal_id",
                table: "persons",
                column: "principal_id");

            migrationBuilder.CreateIndex(
                name: "ix_service_records_organisation_id",
                table: "service_records",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "ix_service_records_person_id_role",
                table: "service_records",
                columns: new[] { "person_id", "role" });

            migrationBuilder.CreateIndex(
                name: "ix_stage_events_case_id_effective_on",
                table: "stage_events",
                columns: new[] { "case_id", "effective_on" });

            migrationBuilder.CreateIndex(
                name: "ix_stage_events_from_stage_code",
                table: "stage_events",
                column: "from_stage_code");

            migrationBuilder.CreateIndex(
                name: "ix_stage_events_idempotency_key",
                table: "stage_events",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_stage_events_organisation_id",
                table: "stage_events",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "ix_stage_events_to_stage_code",
                table: "stage_events",
                column: "to_stage_code");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_notes");

            migrationBuilder.DropTable(
                name: "case_numbers");

            migrationBuilder.DropTable(
                name: "contact_channels");

            migrationBuilder.DropTable(
                name: "document_items");

            migrationBuilder.DropTable(
                name: "passports");

            migrationBuilder.DropTable(
                name: "person_aliases");

            migrationBuilder.DropTable(
                name: "service_records");

            migrationBuilder.DropTable(
                name: "stage_events");

            migrationBuilder.DropTable(
                name: "cases");

            migrationBuilder.DropTable(
                name: "persons");

            migrationBuilder.DropTable(
                name: "stages");

            migrationBuilder.DropTable(
                name: "organisations");
        }
    }
}
