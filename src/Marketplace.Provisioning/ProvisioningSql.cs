using Marketplace.Storage;

namespace Marketplace.Provisioning;

/// <summary>All SQL of the provisioning module: parameterised, portable; engine differences only through <see cref="ISqlDialect"/>.</summary>
internal static class ProvisioningSql
{

    // The Merkliste.
    public const string BasketItems = """
        SELECT offering_id, plan_id, add_on_ids, added_at
        FROM basket_items WHERE municipality_ags = @ags AND user_id = @userId ORDER BY added_at, offering_id
        """;
    public const string InsertBasketItem = """
        INSERT INTO basket_items (municipality_ags, user_id, offering_id, plan_id, add_on_ids, added_at)
        VALUES (@ags, @userId, @offeringId, @planId, @addOnIds, @addedAt)
        """;
    public const string UpdateBasketItem = """
        UPDATE basket_items SET plan_id = @planId, add_on_ids = @addOnIds
        WHERE municipality_ags = @ags AND user_id = @userId AND offering_id = @offeringId
        """;
    public const string DeleteBasketItem = "DELETE FROM basket_items WHERE municipality_ags = @ags AND user_id = @userId AND offering_id = @offeringId";

    // Land defaults.
    public const string LandDefaultsOf = """
        SELECT offering_id, land_code, source_kind, source_org_id, values_json, updated_by, updated_at
        FROM land_config_defaults WHERE offering_id = @offeringId AND land_code = @landCode
        """;

    // Subscriptions.
    public const string InsertSubscription = """
        INSERT INTO subscriptions (id, municipality_ags, offering_id, vendor_id, plan_id, state, created_at, updated_at)
        VALUES (@Id, @ags, @offering, @vendor, @plan, @state, @now, @now)
        """;
    public static readonly IReadOnlyList<string> SubscriptionInsertColumns =
        ["id", "municipality_ags", "offering_id", "vendor_id", "plan_id", "state", "created_at", "updated_at"];
    public static readonly IReadOnlyList<string> ProvisioningInsertColumns =
        ["subscription_id", "order_id", "rollout_id", "fulfilment", "instance_id", "config_json", "pending_json", "dashboard_url", "notes", "failure_reason", "failed_job_id"];
    public static readonly IReadOnlyList<string> EventInsertColumns =
        ["subscription_id", "seq", "occurred_at", "kind", "from_state", "to_state", "actor_user_id", "message"];
    public static readonly IReadOnlyList<string> JobInsertColumns =
        ["id", "kind", "subscription_id", "broker_key", "state", "phase", "payload_json", "run_at", "runs", "failures", "max_failures",
         "lease_owner", "lease_token", "lease_expires_at", "last_error", "created_at", "finished_at"];
    public const string InsertProvisioning = """
        INSERT INTO subscription_provisioning (subscription_id, order_id, rollout_id, fulfilment, instance_id, config_json, pending_json,
            dashboard_url, notes, failure_reason, failed_job_id)
        VALUES (@Id, @OrderId, @RolloutId, @Fulfilment, @instance, @config, @pending, NULL, NULL, NULL, NULL)
        """;
    public const string RenewSubscription = "UPDATE subscriptions SET plan_id = @plan, state = @requested, updated_at = @now WHERE id = @id AND state = @cancelled";
    public const string RenewProvisioning = """
        UPDATE subscription_provisioning SET order_id = @OrderId, rollout_id = @RolloutId, fulfilment = @Fulfilment, instance_id = @instance,
            config_json = @config, pending_json = @pending, dashboard_url = NULL, notes = NULL, failure_reason = NULL, failed_job_id = NULL,
            broker_instance = NULL, failure_class = NULL
        WHERE subscription_id = @id
        """;
    public const string InsertSetupFee = "INSERT INTO subscription_setup_fees (subscription_id, extra_id, due_at) VALUES (@Id, @fee, NULL)";
    public const string Transition = "UPDATE subscriptions SET state = @to, updated_at = @now WHERE id = @id AND state = @from";
    public const string StateOf = "SELECT state FROM subscriptions WHERE id = @id";
    public const string InsertEvent = """
        INSERT INTO subscription_events (subscription_id, seq, occurred_at, kind, from_state, to_state, actor_user_id, message)
        SELECT @id, COALESCE(MAX(seq), 0) + 1, @now, @kind, @from, @to, @actor, @message FROM subscription_events WHERE subscription_id = @id
        """;
    public const string SetFailure = """
        UPDATE subscription_provisioning SET failure_reason = @reason, failed_job_id = @jobId, failure_class = @failureClass WHERE subscription_id = @id
        """;
    /// <summary>The subscription's live job, if any: what it is doing and how often it failed so far.</summary>
    public const string LiveJobOf = """
        SELECT kind, phase, failures FROM provisioning_jobs
        WHERE subscription_id = @id AND state IN ('queued', 'running', 'polling')
        """;
    public const string NewInstanceId = "UPDATE subscription_provisioning SET instance_id = @instance, dashboard_url = NULL WHERE subscription_id = @id AND instance_id = @previous";
    public const string SetPending = "UPDATE subscription_provisioning SET pending_json = @pending WHERE subscription_id = @id";
    public const string SetDashboard = """
        UPDATE subscription_provisioning SET dashboard_url = COALESCE(@dashboardUrl, dashboard_url), notes = COALESCE(@notes, notes)
        WHERE subscription_id = @id
        """;
    /// <summary>Makes a pending change live: the plan (read by billing), the configuration if it changed, and no change pending.</summary>
    public const string ApplyPending = """
        UPDATE subscription_provisioning SET config_json = COALESCE(@config, config_json), pending_json = NULL WHERE subscription_id = @id;
        UPDATE subscriptions SET plan_id = @plan WHERE id = @id
        """;
    public const string BillingPeriods = "SELECT seq, plan_id, addon_ids, valid_to FROM subscription_billing_periods WHERE subscription_id = @id ORDER BY seq DESC";
    public const string CloseBillingPeriod = "UPDATE subscription_billing_periods SET valid_to = @now WHERE subscription_id = @id AND valid_to IS NULL";
    public const string OpenPeriod = """
        INSERT INTO subscription_billing_periods (subscription_id, seq, plan_id, addon_ids, valid_from, valid_to)
        VALUES (@id, @seq, @plan, @addOns, @now, NULL)
        """;
    public const string SetupFeesDue = "UPDATE subscription_setup_fees SET due_at = @now WHERE subscription_id = @id AND due_at IS NULL";

    private const string SubscriptionColumns = """
        s.id, s.municipality_ags, s.offering_id, s.vendor_id, s.plan_id,
        s.state, s.created_at, s.updated_at, p.order_id, p.rollout_id,
        p.fulfilment, p.instance_id, p.config_json, p.pending_json,
        p.dashboard_url, p.notes, p.failure_reason, p.failed_job_id,
        p.broker_instance, p.failure_class
        """;
    public const string SubscriptionById = $"SELECT {SubscriptionColumns} FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id WHERE s.id = @id";
    public const string SubscriptionOfMunicipality = $"SELECT {SubscriptionColumns} FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id WHERE s.municipality_ags = @ags AND s.offering_id = @offeringId";
    public const string SubscriptionsOfMunicipality = $"SELECT {SubscriptionColumns} FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id WHERE s.municipality_ags = @ags ORDER BY s.created_at, s.id";
    public const string SubscriptionsOfOrder = $"SELECT {SubscriptionColumns} FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id WHERE p.order_id = @orderId ORDER BY s.offering_id";
    public const string ManualTasksOfVendor = $"""
        SELECT {SubscriptionColumns} FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id
        LEFT JOIN orders o ON o.id = p.order_id
        WHERE s.vendor_id = @vendorId AND p.fulfilment = 'manual' AND s.state IN ('requested', 'updating', 'deprovisioning')
          AND (o.id IS NULL OR o.state = 'placed')
        ORDER BY s.updated_at, s.id
        """;
    public const string Timeline = """
        SELECT subscription_id, seq, occurred_at, kind, from_state, to_state,
               actor_user_id, message
        FROM subscription_events WHERE subscription_id = @id ORDER BY seq
        """;
    public const string SubscriptionsOfVendor = $"SELECT {SubscriptionColumns} FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id WHERE s.vendor_id = @vendorId ORDER BY s.updated_at DESC, s.id";
    public const string CurrentAddOns = "SELECT addon_ids FROM subscription_billing_periods WHERE subscription_id = @id AND valid_to IS NULL";

    // Jobs.
    public const string InsertBrokerIfAbsent = """
        INSERT INTO vendor_brokers (vendor_id, auth_kind, username, secret_protected, token_url, scope, max_concurrency, updated_at)
        SELECT @vendor, 'none', NULL, NULL, NULL, NULL, @max, @now WHERE NOT EXISTS (SELECT 1 FROM vendor_brokers WHERE vendor_id = @vendor)
        """;
    public const string InsertJob = """
        INSERT INTO provisioning_jobs (id, kind, subscription_id, broker_key, state, phase, payload_json, run_at, runs, failures, max_failures,
            lease_owner, lease_token, lease_expires_at, last_error, created_at, finished_at)
        VALUES (@id, @Kind, @SubscriptionId, @BrokerKey, @state, @Phase, @PayloadJson, @runAt, 0, 0, @max, NULL, NULL, NULL, NULL, @now, NULL)
        """;
    /// <summary>
    /// Brokers with work due. Asked per broker with EXISTS, which stops at the first due job in the index: a DISTINCT over
    /// the due jobs reads all of them, ten thousand at the start of a large rollout, on every claim.
    /// </summary>
    public const string BrokersWithDueJobs = """
        SELECT b.vendor_id FROM vendor_brokers b
        WHERE EXISTS (SELECT 1 FROM provisioning_jobs j WHERE j.broker_key = b.vendor_id AND j.state = 'queued' AND j.run_at <= @now)
           OR EXISTS (SELECT 1 FROM provisioning_jobs j WHERE j.broker_key = b.vendor_id AND j.state = 'polling' AND j.run_at <= @now)
           OR EXISTS (SELECT 1 FROM provisioning_jobs j WHERE j.broker_key = b.vendor_id AND j.state = 'running' AND j.lease_expires_at < @now)
        """;

    public static string LockBroker(ISqlDialect d) =>
        $"SELECT max_concurrency FROM vendor_brokers {d.ClaimTableHint} WHERE vendor_id = @broker {d.ClaimTrailingClause}";

    /// <summary>Slots in use at a broker: jobs running (also with an expired lease: their broker call may still be under way) or polling.</summary>
    public const string BusySlots = "SELECT COUNT(*) FROM provisioning_jobs WHERE broker_key = @broker AND state IN ('running', 'polling')";

    private const string JobColumns = """
        id, kind, subscription_id, broker_key, state, phase,
        payload_json, run_at, runs, failures, max_failures,
        lease_owner, lease_token, lease_expires_at, last_error,
        created_at, finished_at
        """;

    public static string ClaimHoldingSlot(ISqlDialect d) => $"""
        SELECT {JobColumns} FROM provisioning_jobs {d.ClaimTableHint}
        WHERE broker_key = @broker AND ((state = 'polling' AND run_at <= @now) OR (state = 'running' AND lease_expires_at < @now))
        ORDER BY run_at {d.Page("limit", "offset")} {d.ClaimTrailingClause}
        """;

    public static string ClaimQueued(ISqlDialect d) => $"""
        SELECT {JobColumns} FROM provisioning_jobs {d.ClaimTableHint}
        WHERE broker_key = @broker AND state = 'queued' AND run_at <= @now
        ORDER BY run_at {d.Page("limit", "offset")} {d.ClaimTrailingClause}
        """;

    public const string LeaseJob = """
        UPDATE provisioning_jobs SET state = 'running', runs = runs + 1, lease_owner = @owner, lease_token = @token, lease_expires_at = @until
        WHERE id = @id
        """;
    public const string InsertAttempt = """
        INSERT INTO provisioning_job_attempts (job_id, run_no, worker_id, phase, started_at, finished_at, outcome, detail)
        VALUES (@jobId, @runNo, @workerId, @Phase, @now, NULL, NULL, NULL)
        """;
    public const string CloseAttempt = """
        UPDATE provisioning_job_attempts SET finished_at = @now, outcome = @outcome, detail = @detail
        WHERE job_id = @jobId AND run_no = @runNo AND finished_at IS NULL
        """;
    /// <summary>Gives up this process's leases at shutdown: other processes take the jobs over at once instead of after the lease.</summary>
    public const string ReleaseLeases = "UPDATE provisioning_jobs SET lease_expires_at = @expired WHERE lease_owner = @owner AND state = 'running'";
    /// <summary>Renews only the jobs the process still runs: a job whose run ended without a stored result keeps no lease alive.</summary>
    public static string RenewLeases(ISqlDialect d) => $"""
        UPDATE provisioning_jobs SET lease_expires_at = @until
        WHERE lease_owner = @owner AND state = 'running' AND lease_expires_at >= @now AND id {d.InList("ids")}
        """;
    /// <summary>Ends a run whose result could not be stored: the job goes to the dead letter with the reason.</summary>
    public const string EndUnstorable = """
        UPDATE provisioning_jobs SET state = 'dead', last_error = @error, finished_at = @now, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
        WHERE id = @id AND lease_token = @token AND state = 'running'
        """;
    public const string FinishJob = """
        UPDATE provisioning_jobs SET state = @state, phase = @phase, payload_json = @payload, run_at = @runAt, failures = @failures,
            last_error = @error, finished_at = @finished, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
        WHERE id = @id AND lease_token = @token AND state = 'running'
        """;
    public const string RequeueJob = """
        UPDATE provisioning_jobs SET state = 'queued', failures = 0, run_at = @now, finished_at = NULL, phase = @phase, payload_json = @payload
        WHERE id = @id AND state IN ('dead', 'failed')
        """;
    public const string JobById = $"SELECT {JobColumns} FROM provisioning_jobs WHERE id = @id";
    public const string JobsOfSubscription = $"SELECT {JobColumns} FROM provisioning_jobs WHERE subscription_id = @id ORDER BY created_at, id";
    /// <summary>
    /// A dead job is closed once its subscription has moved on: a newer job of the same subscription exists (a cancellation,
    /// a change, a new order). Only the open ones are the dead letter a person has to look at.
    /// </summary>
    private const string NewerJobExists = """
        EXISTS (SELECT 1 FROM provisioning_jobs n WHERE n.subscription_id = j.subscription_id AND n.id <> j.id AND n.created_at >= j.created_at)
        """;
    public static string DeadJobs(ISqlDialect d) =>
        $"SELECT {JobColumns} FROM provisioning_jobs j WHERE j.state = 'dead' AND NOT {NewerJobExists} ORDER BY j.finished_at, j.id {d.Page("limit", "offset")}";
    public const string OpenDeadJobs = $"SELECT COUNT(*) FROM provisioning_jobs j WHERE j.state = 'dead' AND NOT {NewerJobExists}";
    public const string NewerJobsOf = $"""
        SELECT {JobColumns} FROM provisioning_jobs WHERE subscription_id = @subscriptionId AND id <> @id AND created_at >= @createdAt
        ORDER BY created_at DESC, id
        """;
    public const string AttemptsOf = """
        SELECT job_id, run_no, worker_id, phase, started_at, finished_at,
               outcome, detail
        FROM provisioning_job_attempts WHERE job_id = @jobId ORDER BY run_no
        """;
    /// <summary>Live jobs that delete at a broker: deprovisioning, and provisioning jobs in orphan mitigation.</summary>
    public const string PendingCleanups = """
        SELECT COUNT(*) FROM provisioning_jobs
        WHERE state IN ('queued', 'running', 'polling') AND (kind IN ('deprovision', 'unbind') OR phase IN ('mitigate', 'mitigate-poll'))
        """;
    public const string CleanupPendingOf = """
        SELECT COUNT(*) FROM provisioning_jobs
        WHERE subscription_id = @id AND state IN ('queued', 'running', 'polling') AND (kind = 'deprovision' OR phase IN ('mitigate', 'mitigate-poll'))
        """;
    /// <summary>'none': the broker holds no instance of the subscription (it refused to create one, or confirmed its deletion); NULL: it may.</summary>
    public const string SetBrokerInstance = "UPDATE subscription_provisioning SET broker_instance = @value WHERE subscription_id = @id";
    public const string PendingJobs = "SELECT COUNT(*) FROM provisioning_jobs WHERE state IN ('queued', 'running', 'polling')";

    // Brokers.
    public const string VendorBroker = """
        SELECT vendor_id, auth_kind, username, secret_protected,
               token_url, scope, max_concurrency
        FROM vendor_brokers WHERE vendor_id = @vendorId
        """;

    // Data Protection key ring.

    // Orders.
    public const string ApprovalThreshold = "SELECT approval_threshold_cents FROM municipality_order_settings WHERE municipality_ags = @ags";
    public const string InsertOrder = """
        INSERT INTO orders (id, municipality_ags, idempotency_key, request_hash, kind, bundle_id, state, monthly_cost_cents, ordered_by, ordered_at,
            decided_by, decided_at, decision_reason)
        VALUES (@id, @ags, @key, @hash, @kind, @bundleId, @state, @cost, @user, @now, NULL, NULL, NULL)
        """;
    private const string OrderColumns = """
        id, municipality_ags, idempotency_key, request_hash, kind,
        bundle_id, state, monthly_cost_cents, ordered_by, ordered_at,
        decided_by, decided_at, decision_reason
        """;
    public const string OrderById = $"SELECT {OrderColumns} FROM orders WHERE id = @id";
    public const string OrderByKey = $"SELECT {OrderColumns} FROM orders WHERE municipality_ags = @ags AND idempotency_key = @key";
    public static string OrdersOfMunicipality(ISqlDialect d) =>
        $"SELECT {OrderColumns} FROM orders WHERE municipality_ags = @ags ORDER BY ordered_at DESC, id {d.Page("limit", "offset")}";
    /// <summary>Orders with at least one subscription of the vendor's offerings.</summary>
    public static string OrdersOfVendor(ISqlDialect d) => $"""
        SELECT {OrderColumns} FROM orders WHERE id IN (
            SELECT p.order_id FROM subscription_provisioning p JOIN subscriptions s ON s.id = p.subscription_id WHERE s.vendor_id = @vendorId)
        ORDER BY ordered_at DESC, id {d.Page("limit", "offset")}
        """;
    public const string SubscriptionIdsOfOrderForVendor = """
        SELECT p.subscription_id FROM subscription_provisioning p JOIN subscriptions s ON s.id = p.subscription_id
        WHERE p.order_id = @orderId AND s.vendor_id = @vendorId ORDER BY p.subscription_id
        """;
    public const string SubscriptionIdsOfOrder = "SELECT subscription_id FROM subscription_provisioning WHERE order_id = @orderId ORDER BY subscription_id";
    /// <summary>The order under an idempotency key and its subscription ids, in one round trip (a replay answers from these).</summary>
    public const string OrderAndSubscriptionIdsByKey = OrderByKey + ";\n" + """
        SELECT p.subscription_id FROM subscription_provisioning p JOIN orders o ON o.id = p.order_id
        WHERE o.municipality_ags = @ags AND o.idempotency_key = @key ORDER BY p.subscription_id
        """;
    public const string DecideOrder = """
        UPDATE orders SET state = @state, decided_by = @user, decided_at = @now, decision_reason = @reason WHERE id = @id AND state = @awaiting
        """;
    public const string OrderStateOf = "SELECT state FROM orders WHERE id = @id";

    // Rollouts.
    public const string SubscriptionsOfOffering = $"SELECT {SubscriptionColumns} FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id WHERE s.offering_id = @offeringId";
    public const string InsertRollout = """
        INSERT INTO rollouts (id, offering_id, plan_id, addon_ids, organisation_id, created_by, created_at, total)
        VALUES (@id, @offering, @plan, @addOns, @org, @user, @now, @total)
        """;
    public const string InsertRolloutSkip = """
        INSERT INTO rollout_skips (rollout_id, municipality_ags, code, reason, violations_json) VALUES (@rolloutId, @ags, @code, @reason, @violations)
        """;
    public const string RolloutSkips = "SELECT municipality_ags, code, reason, violations_json FROM rollout_skips WHERE rollout_id = @id ORDER BY municipality_ags";
    public const string RolloutById = "SELECT offering_id, created_at, total FROM rollouts WHERE id = @id";
    public const string RolloutOrganisation = "SELECT organisation_id FROM rollouts WHERE id = @id";
    public static string RolloutsOfOrganisation(ISqlDialect d) => $"""
        SELECT id, offering_id, plan_id, created_by, created_at, total
        FROM rollouts WHERE organisation_id = @org ORDER BY created_at DESC, id {d.Page("limit", "offset")}
        """;
    public const string RolloutCounts = """
        SELECT s.state, COUNT(*) FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id
        WHERE p.rollout_id = @id GROUP BY s.state
        """;
    public static string RolloutFailures(ISqlDialect d) => $"""
        SELECT s.municipality_ags AS Ags, s.id AS SubscriptionId, p.failure_reason AS Reason
        FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id
        WHERE p.rollout_id = @id AND s.state = 'failed' ORDER BY s.municipality_ags {d.Page("limit", "offset")}
        """;
    public const string RolloutItemStates = """
        SELECT s.municipality_ags AS Ags, s.state FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id
        WHERE p.rollout_id = @id
        """;
    public const string AllRolloutFailures = """
        SELECT s.municipality_ags AS Ags, s.id AS SubscriptionId, p.failure_reason AS Reason
        FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id
        WHERE p.rollout_id = @id AND s.state = 'failed' ORDER BY s.municipality_ags
        """;
    public const string FailedOfRollout = $"SELECT {SubscriptionColumns} FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id WHERE p.rollout_id = @id AND s.state = 'failed'";

    // Queue figures for metrics and the health check: jobs per state, and the oldest job that is due but not running.
    public const string JobCountsByState = "SELECT state, COUNT(*) AS Count FROM provisioning_jobs GROUP BY state";
    public const string OldestDueJob = """
        SELECT MIN(run_at) FROM provisioning_jobs
        WHERE (state IN ('queued', 'polling') AND run_at <= @now) OR (state = 'running' AND lease_expires_at < @now)
        """;
    /// <summary>Subscriptions of rollouts still under way, per state (a rollout counts while any of its subscriptions is not settled).</summary>
    public const string OpenRolloutStates = """
        SELECT s.state, COUNT(*) AS Count
        FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id
        WHERE p.rollout_id IS NOT NULL AND s.state IN ('requested', 'provisioning', 'updating', 'failed')
        GROUP BY s.state
        """;
    // What other modules read of orders and subscriptions (SubscriptionRecords).
    public const string OrderMunicipality = "SELECT municipality_ags FROM orders WHERE id = @id";
    public const string SubscriptionHead = "SELECT municipality_ags, offering_id FROM subscriptions WHERE id = @id";
    public const string LiveSubscriptionsOfOffering = """
        SELECT id, municipality_ags FROM subscriptions WHERE offering_id = @offeringId AND state <> 'cancelled' ORDER BY municipality_ags, id
        """;

    // A municipality has or had an offering when a subscription of it reached "active" (so a cancelled or suspended one
    // counts, a request that failed or was rejected before activation does not). The state test covers subscriptions
    // whose timeline predates the provisioning module.
    public const string HadLiveSubscription = """
        SELECT COUNT(*) FROM subscriptions s
        WHERE s.municipality_ags = @ags AND s.offering_id = @offering
          AND (s.state IN ('active', 'updating', 'suspended', 'deprovisioning')
               OR EXISTS (SELECT 1 FROM subscription_events e WHERE e.subscription_id = s.id AND e.to_state = 'active'))
        """;

    public const string OfferingsOfOrder = """
        SELECT DISTINCT s.offering_id FROM subscriptions s JOIN subscription_provisioning p ON p.subscription_id = s.id WHERE p.order_id = @order
        """;

    // Offerings Y held by municipalities that also hold one of the offerings X, counted per distinct municipality; only
    // those with at least @minimum municipalities behind them, so that no one municipality's orders can be read off.
    // Failed and cancelled subscriptions do not count: they are not what a municipality now uses.
    public static string CoSubscribed(ISqlDialect d) => $"""
        SELECT y.offering_id, COUNT(DISTINCT y.municipality_ags) AS Municipalities
        FROM subscriptions x JOIN subscriptions y ON y.municipality_ags = x.municipality_ags
        WHERE x.offering_id {d.InList("offerings")} AND NOT (y.offering_id {d.InList("offerings")})
          AND x.state NOT IN ('failed', 'cancelled') AND y.state NOT IN ('failed', 'cancelled')
        GROUP BY y.offering_id
        HAVING COUNT(DISTINCT y.municipality_ags) >= @minimum
        ORDER BY Municipalities DESC, y.offering_id {d.Page("limit", "offset")}
        """;

    // Per subscription of the offering: when it was first requested, when it first became active, whether it ever failed.
    // Newest subscriptions first and at most @limit of them.
    public static string ProvisioningOutcomes(ISqlDialect d) => $"""
        SELECT s.id AS SubscriptionId,
               MIN(CASE WHEN e.to_state = 'requested' THEN e.occurred_at END) AS RequestedAt,
               MIN(CASE WHEN e.to_state = 'active' THEN e.occurred_at END) AS ActivatedAt,
               MAX(CASE WHEN e.to_state = 'failed' THEN 1 ELSE 0 END) AS Failed
        FROM subscriptions s JOIN subscription_events e ON e.subscription_id = s.id
        WHERE s.offering_id = @offering
        GROUP BY s.id, s.created_at
        ORDER BY s.created_at DESC, s.id {d.Page("limit", "offset")}
        """;

    // What billing reads of a month (SubscriptionRecords): the billable history overlapping [from, to) and the setup fees
    // due in it, for every municipality or one. ISO text compares as time.
    public const string BilledPeriodsOverlapping = """
        SELECT s.id AS SubscriptionId, s.municipality_ags, s.offering_id, p.seq, p.plan_id, p.addon_ids, p.valid_from, p.valid_to
        FROM subscription_billing_periods p
        JOIN subscriptions s ON s.id = p.subscription_id
        WHERE p.valid_from < @to AND (p.valid_to IS NULL OR p.valid_to >= @from)
        """;

    public const string SetupFeesDueBetween = """
        SELECT f.subscription_id, s.municipality_ags, s.offering_id, s.plan_id, f.extra_id, f.due_at
        FROM subscription_setup_fees f
        JOIN subscriptions s ON s.id = f.subscription_id
        WHERE f.due_at IS NOT NULL AND f.due_at >= @from AND f.due_at < @to
        """;

    public const string BilledPeriodsOverlappingOfMunicipality = BilledPeriodsOverlapping + " AND s.municipality_ags = @ags";

    public const string SetupFeesDueBetweenOfMunicipality = SetupFeesDueBetween + " AND s.municipality_ags = @ags";

    public static string BilledPeriodsOf(ISqlDialect d) => $"""
        SELECT s.id AS SubscriptionId, s.municipality_ags, s.offering_id, p.seq, p.plan_id, p.addon_ids, p.valid_from, p.valid_to
        FROM subscription_billing_periods p
        JOIN subscriptions s ON s.id = p.subscription_id
        WHERE p.subscription_id {d.InList("ids")}
        """;

    /// <summary>What usage ingestion checks a batch against: the vendor's subscriptions among the batch's, one row per stretch of billable history.</summary>
    public static string VendorSubscriptionPeriods(ISqlDialect d) => $"""
        SELECT s.id AS SubscriptionId, s.offering_id, p.plan_id, p.valid_from, p.valid_to
        FROM subscriptions s
        LEFT JOIN subscription_billing_periods p ON p.subscription_id = s.id
        WHERE s.id {d.InList("ids")} AND s.vendor_id = @vendorId
        """;

    public const string OfferingsOfVendorSubscriptions = "SELECT id, offering_id FROM subscriptions WHERE vendor_id = @vendorId";
}
