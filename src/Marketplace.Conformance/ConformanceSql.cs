namespace Marketplace.Conformance;

/// <summary>The conformance module's SQL, in one place for review. Portable across the three engines.</summary>
internal static class ConformanceSql
{
    // Standards and policy

    public const string Policy = "SELECT scope, scope_id, standard_id, reason FROM required_standards";

    public const string InsertPolicyRule = "INSERT INTO required_standards (scope, scope_id, standard_id, reason) VALUES (@Scope, @ScopeId, @StandardId, @Reason)";

    // Offerings and versions

    private const string HeadColumns = """
        offering_id, vendor_id, lifecycle, published_version, latest_version, created_at, updated_at
        """;

    public const string Head = $"SELECT {HeadColumns} FROM offering_heads WHERE offering_id = @id";

    public const string HeadsOfVendor = $"SELECT {HeadColumns} FROM offering_heads WHERE vendor_id = @vendorId ORDER BY offering_id";

    public const string PublishedHeads = $"SELECT {HeadColumns} FROM offering_heads WHERE published_version IS NOT NULL AND lifecycle <> 'retired' ORDER BY offering_id";

    public const string InsertHead = """
        INSERT INTO offering_heads (offering_id, vendor_id, lifecycle, published_version, latest_version, created_at, updated_at)
        VALUES (@OfferingId, @VendorId, @Lifecycle, @PublishedVersion, @LatestVersion, @CreatedAt, @UpdatedAt)
        """;

    /// <summary>Moves the head only from the state the caller read: a concurrent change makes this touch no row.</summary>
    public const string UpdateHead = """
        UPDATE offering_heads SET lifecycle = @Lifecycle, published_version = @PublishedVersion, latest_version = @LatestVersion, updated_at = @UpdatedAt
        WHERE offering_id = @OfferingId AND updated_at = @ExpectedUpdatedAt
        """;

    private const string VersionColumns = """
        offering_id, version, vendor_id, state, origin, document_json, content_hash, created_at, created_by, submitted_at, decided_at,
        decided_by, decision_reason, published_at
        """;

    public const string Versions = $"SELECT {VersionColumns} FROM offering_versions WHERE offering_id = @id ORDER BY version DESC";

    public const string Version = $"SELECT {VersionColumns} FROM offering_versions WHERE offering_id = @id AND version = @version";

    public const string InsertVersion = """
        INSERT INTO offering_versions (offering_id, version, vendor_id, state, origin, document_json, content_hash, created_at, created_by,
            submitted_at, decided_at, decided_by, decision_reason, published_at)
        VALUES (@OfferingId, @Version, @VendorId, @State, @Origin, @DocumentJson, @ContentHash, @CreatedAt, @CreatedBy,
            @SubmittedAt, @DecidedAt, @DecidedBy, @DecisionReason, @PublishedAt)
        """;

    /// <summary>
    /// Changes a version only in the state the caller saw, so two concurrent transitions cannot both succeed.
    /// A published version is never the target: its document is immutable, only its state moves to superseded.
    /// </summary>
    public const string UpdateVersion = """
        UPDATE offering_versions SET state = @State, document_json = @DocumentJson, content_hash = @ContentHash, submitted_at = @SubmittedAt,
            decided_at = @DecidedAt, decided_by = @DecidedBy, decision_reason = @DecisionReason, published_at = @PublishedAt
        WHERE offering_id = @OfferingId AND version = @Version AND state = @ExpectedState AND state <> 'published' AND state <> 'superseded'
        """;

    public const string Supersede = "UPDATE offering_versions SET state = 'superseded' WHERE offering_id = @id AND version = @version AND state = 'published'";

    /// <summary>Submitted versions waiting for an auditor, without their documents beyond the name.</summary>
    public const string SubmittedVersions = "SELECT offering_id, version, vendor_id, document_json, submitted_at FROM offering_versions WHERE state = 'submitted'";

    // Checks, evidence, status

    private const string CheckColumns = """
        standard_id, standard_version, criterion_id, outcome, detail, raw_evidence, checked_at
        """;

    public const string Checks = $"SELECT {CheckColumns} FROM conformance_checks WHERE offering_id = @id AND offering_version = @version";

    public const string DeleteCheck = """
        DELETE FROM conformance_checks
        WHERE offering_id = @offering_id AND offering_version = @offering_version AND standard_id = @standard_id
          AND standard_version = @standard_version AND criterion_id = @criterion_id
        """;

    public const string InsertCheck = """
        INSERT INTO conformance_checks (offering_id, offering_version, standard_id, standard_version, criterion_id, outcome, detail, raw_evidence, checked_at)
        VALUES (@offering_id, @offering_version, @standard_id, @standard_version, @criterion_id, @outcome, @detail, @raw_evidence, @checked_at)
        """;

    private const string EvidenceColumns = """
        id, offering_id, vendor_id, standard_id, standard_version, criterion_id, evidence_type, issuer, issued_on, expires_on, file_name,
        content_type, sha256, size_bytes, origin, state, uploaded_at, uploaded_by, decided_at, decided_by, decision_reason
        """;

    public const string EvidenceOfOffering = $"SELECT {EvidenceColumns} FROM conformance_evidence WHERE offering_id = @id ORDER BY uploaded_at, id";

    public const string EvidenceById = $"SELECT {EvidenceColumns} FROM conformance_evidence WHERE id = @id";

    public const string EvidenceQueue = $"SELECT {EvidenceColumns} FROM conformance_evidence WHERE state = 'submitted' ORDER BY uploaded_at, id";

    public const string EvidenceHashes = "SELECT id, content_hash FROM conformance_evidence WHERE origin = 'catalog'";

    public const string InsertEvidence = """
        INSERT INTO conformance_evidence (id, offering_id, vendor_id, standard_id, standard_version, criterion_id, evidence_type, issuer, issued_on,
            expires_on, file_name, content_type, sha256, size_bytes, origin, state, uploaded_at, uploaded_by, decided_at, decided_by, decision_reason, content_hash)
        VALUES (@Id, @OfferingId, @VendorId, @StandardId, @StandardVersion, @CriterionId, @EvidenceType, @Issuer, @IssuedOn,
            @ExpiresOn, @FileName, @ContentType, @Sha256, @SizeBytes, @Origin, @State, @UploadedAt, @UploadedBy, @DecidedAt, @DecidedBy, @DecisionReason, @ContentHash)
        """;

    public const string DeleteEvidence = "DELETE FROM conformance_evidence WHERE id = @id";

    public const string InsertEvidenceFile = "INSERT INTO conformance_evidence_files (evidence_id, content) VALUES (@evidence_id, @content)";

    public const string EvidenceFile = "SELECT content FROM conformance_evidence_files WHERE evidence_id = @id";

    public const string DecideEvidence = """
        UPDATE conformance_evidence SET state = @state, decided_at = @decided_at, decided_by = @decided_by, decision_reason = @decision_reason
        WHERE id = @id AND state = 'submitted'
        """;

    public const string Statuses = """
        SELECT standard_id, standard_version, status, required, reason, checked_at, valid_until
        FROM conformance_status WHERE offering_id = @id AND offering_version = @version ORDER BY standard_id
        """;

    public const string DeleteStatuses = "DELETE FROM conformance_status WHERE offering_id = @id AND offering_version = @version";

    public const string InsertStatus = """
        INSERT INTO conformance_status (offering_id, offering_version, standard_id, standard_version, status, required, reason, checked_at, valid_until, updated_at)
        VALUES (@offering_id, @offering_version, @standard_id, @standard_version, @status, @required, @reason, @checked_at, @valid_until, @updated_at)
        """;

    // The daily job

    public const string ClaimJobDay = "INSERT INTO conformance_job_runs (run_on, started_at, finished_at, summary) VALUES (@run_on, @started_at, NULL, NULL)";

    public const string JobDayTaken = "SELECT COUNT(*) FROM conformance_job_runs WHERE run_on = @run_on";

    public const string FinishJobDay = "UPDATE conformance_job_runs SET finished_at = @finished_at, summary = @summary WHERE run_on = @run_on";

    // Published versions, for the SLA and sub-processor histories.
    public const string SlaPublishedVersions = """
        SELECT version, published_at, document_json
        FROM offering_versions WHERE offering_id = @id AND published_at IS NOT NULL ORDER BY published_at, version
        """;

    public const string SubProcessorPublishedVersions = """
        SELECT version, published_at, document_json
        FROM offering_versions WHERE offering_id = @id AND published_at IS NOT NULL ORDER BY version
        """;
    public const string VersionDocument = "SELECT document_json FROM offering_versions WHERE offering_id = @id AND version = @version";

    // The policies imported from the catalogue.
    public const string DeletePolicy = "DELETE FROM required_standards";
    public const string AvailabilityPolicy = "SELECT breach_is_finding, reason FROM conformance_availability_policy WHERE policy_id = 'conformance'";
    public const string DeleteAvailabilityPolicy = "DELETE FROM conformance_availability_policy";
    public const string InsertAvailabilityPolicy = """
        INSERT INTO conformance_availability_policy (policy_id, breach_is_finding, reason, imported_at) VALUES ('conformance', @BreachIsFinding, @Reason, @ImportedAt)
        """;
}
