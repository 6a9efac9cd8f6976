using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Provisioning.Configuration;
using Marketplace.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Provisioning.Broker.Connections;

/// <summary>
/// A vendor's connections to its Open Service Brokers: URL and authentication (HTTP Basic or OAuth 2 client credentials),
/// secrets encrypted with the platform's Data Protection key ring and never given out, every change audited without them.
/// The conformance check, "Verbindung prüfen" and every provisioning call resolve an offering's broker here.
/// </summary>
public sealed class BrokerConnections(Database database, AuditTrail audit, ConfigSecrets secrets, OsbClient osb, IOptions<ProvisioningOptions> options,
    TimeProvider clock) : Catalog.Availability.IBrokerStatusPages
{
    private sealed class Row
    {
        public string Id { get; init; } = "";
        public string VendorId { get; init; } = "";
        public string Name { get; init; } = "";
        public string BrokerUrl { get; init; } = "";
        public string AuthKind { get; init; } = "";
        public string? Username { get; init; }
        public string? SecretProtected { get; init; }
        public string? NextSecretProtected { get; init; }
        public string? TokenUrl { get; init; }
        public string? Scope { get; init; }
        public DateTimeOffset? LastCheckedAt { get; init; }
        public long? LastCheckPassed { get; init; }
        public string? LastCheckFindings { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public string? StatusUrl { get; init; }
    }

    public const string ObjectType = "broker-connection";

    public async Task<IReadOnlyList<BrokerConnectionView>> ListAsync(string vendorId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Row>(BrokerConnectionSql.OfVendor, new { vendorId })).Select(View).ToList();
    }

    public async Task<BrokerConnectionView> GetAsync(string vendorId, string id, CancellationToken ct = default) => View(await RowAsync(vendorId, id, ct));

    public async Task<BrokerConnectionView> CreateAsync(string vendorId, string actorUserId, BrokerConnectionInput input, CancellationToken ct = default)
    {
        Validate(input, creating: true);
        var now = clock.GetUtcNow();
        // Encrypt before the transaction: the first encryption may write a new key to the database's key ring.
        var row = new Row
        {
            Id = Guid.NewGuid().ToString("N"), VendorId = vendorId, Name = input.Name!.Trim(), BrokerUrl = input.BrokerUrl!.Trim(), AuthKind = input.AuthKind!,
            Username = input.Username!.Trim(), SecretProtected = secrets.ProtectText(input.Secret!),
            NextSecretProtected = input.NextSecret is { Length: > 0 } next ? secrets.ProtectText(next) : null,
            TokenUrl = OAuth(input) ? input.TokenUrl!.Trim() : null, Scope = OAuth(input) ? Blank(input.Scope) : null, CreatedAt = now, UpdatedAt = now,
            StatusUrl = Blank(input.StatusUrl),
        };
        await using var work = await Work.BeginAsync(database, audit, ct);
        await RefuseTakenNameAsync(work, row);
        await work.Connection.ExecuteAsync(BrokerConnectionSql.Insert, row, work.Transaction);
        work.Audit(new AuditEntry(actorUserId, vendorId, "broker-connection.created", ObjectType, row.Id, null, AuditView(row)));
        await work.CommitAsync(ct);
        Forget(vendorId);
        return View(row);
    }

    public async Task<BrokerConnectionView> UpdateAsync(string vendorId, string id, string actorUserId, BrokerConnectionInput input, CancellationToken ct = default)
    {
        Validate(input, creating: false);
        var protectedSecret = input.Secret is { Length: > 0 } s ? secrets.ProtectText(s) : null;
        var protectedNext = input.NextSecret is { Length: > 0 } n ? secrets.ProtectText(n) : null;
        await using var work = await Work.BeginAsync(database, audit, ct);
        var before = await work.Connection.QuerySingleOrDefaultAsync<Row>(BrokerConnectionSql.ById, new { vendorId, id }, work.Transaction)
                     ?? throw new NotFoundException("broker connection", id);
        var after = new Row
        {
            Id = before.Id, VendorId = vendorId, Name = input.Name!.Trim(), BrokerUrl = input.BrokerUrl!.Trim(), AuthKind = input.AuthKind!,
            Username = input.Username!.Trim(), SecretProtected = protectedSecret ?? before.SecretProtected,
            NextSecretProtected = protectedNext ?? (input.DiscardNextSecret ? null : before.NextSecretProtected),
            TokenUrl = OAuth(input) ? input.TokenUrl!.Trim() : null, Scope = OAuth(input) ? Blank(input.Scope) : null,
            LastCheckedAt = before.LastCheckedAt, LastCheckPassed = before.LastCheckPassed, LastCheckFindings = before.LastCheckFindings,
            CreatedAt = before.CreatedAt, UpdatedAt = clock.GetUtcNow(), StatusUrl = Blank(input.StatusUrl),
        };
        await RefuseTakenNameAsync(work, after);
        await work.Connection.ExecuteAsync(BrokerConnectionSql.Update, after, work.Transaction);
        var changes = AuditView(after);
        changes["secretReplaced"] = protectedSecret is not null;
        changes["nextSecretAdded"] = protectedNext is not null;
        changes["nextSecretDiscarded"] = protectedNext is null && input.DiscardNextSecret && before.NextSecretProtected is not null;
        work.Audit(new AuditEntry(actorUserId, vendorId, "broker-connection.updated", ObjectType, id, AuditView(before), changes));
        await work.CommitAsync(ct);
        Forget(vendorId);
        return View(after);
    }

    /// <summary>The status pages vendors declared on their connections (public addresses; no secret is read).</summary>
    public async Task<IReadOnlyDictionary<(string VendorId, string Connection), string>> DeclaredAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Row>(new CommandDefinition(BrokerConnectionSql.StatusPages, cancellationToken: ct)))
            .ToDictionary(r => (r.VendorId, r.Name), r => r.StatusUrl!);
    }

    public async Task DeleteAsync(string vendorId, string id, string actorUserId, CancellationToken ct = default)
    {
        await using var work = await Work.BeginAsync(database, audit, ct);
        var before = await work.Connection.QuerySingleOrDefaultAsync<Row>(BrokerConnectionSql.ById, new { vendorId, id }, work.Transaction)
                     ?? throw new NotFoundException("broker connection", id);
        await work.Connection.ExecuteAsync(BrokerConnectionSql.Delete, new { vendorId, id }, work.Transaction);
        work.Audit(new AuditEntry(actorUserId, vendorId, "broker-connection.deleted", ObjectType, id, AuditView(before), null));
        await work.CommitAsync(ct);
        Forget(vendorId);
    }

    /// <summary>
    /// "Verbindung prüfen": reads the broker's catalogue with the connection's credentials and records each finding. A next
    /// secret is tried as well; when the broker accepts it, it becomes the secret and the old one is gone.
    /// </summary>
    public async Task<ConnectionCheck> CheckAsync(string vendorId, string id, string actorUserId, CancellationToken ct = default)
    {
        var row = await RowAsync(vendorId, id, ct);
        var identity = new OriginatingIdentity(options.Value.Platform, actorUserId);
        var findings = new List<ConnectionFinding>();
        var current = await osb.CatalogAsync(Endpoint(row, next: false), identity, ct);
        var passed = Interpret(current, RequestOf(row), findings);
        var promoted = false;
        if (row.NextSecretProtected is { } next)
        {
            var withNext = await osb.CatalogAsync(Endpoint(row, next: true), identity, ct);
            if (withNext.Transport == OsbTransport.Answered && withNext.Status == 200)
            {
                await using var c = await database.OpenAsync(ct);
                promoted = await c.ExecuteAsync(BrokerConnectionSql.Promote, new { vendorId, id, next, at = clock.GetUtcNow() }) == 1;
                if (!passed)
                {
                    findings.Clear();
                    passed = Interpret(withNext, RequestOf(row), findings);
                }
                if (promoted) findings.Add(new ConnectionFinding(FindingCodes.NextSecretPromoted, true, RequestOf(row) + " → HTTP 200"));
            }
            else findings.Add(new ConnectionFinding(FindingCodes.NextSecretRefused, false, Describe(withNext, RequestOf(row))));
        }
        var check = new ConnectionCheck(passed, clock.GetUtcNow(), findings);
        await using var work = await Work.BeginAsync(database, audit, ct);
        await work.Connection.ExecuteAsync(BrokerConnectionSql.RecordCheck,
            new { vendorId, id, at = check.CheckedAt, passed = passed ? 1 : 0, findings = JsonSerializer.Serialize(findings, Json) }, work.Transaction);
        work.Audit(new AuditEntry(actorUserId, vendorId, "broker-connection.checked", ObjectType, id, null, new JsonObject
        {
            ["passed"] = passed, ["nextSecretPromoted"] = promoted,
            ["findings"] = new JsonArray(findings.Select(f => (JsonNode)new JsonObject { ["code"] = f.Code, ["passed"] = f.Passed }).ToArray()),
        }));
        await work.CommitAsync(ct);
        if (promoted) Forget(vendorId);
        return check;
    }

    /// <summary>
    /// The endpoint of a vendor's named connection, secrets revealed for the call (and the next secret as fallback);
    /// null when the vendor has no such connection.
    /// </summary>
    public async Task<BrokerEndpoint?> EndpointAsync(System.Data.Common.DbConnection c, string vendorId, string name)
    {
        // Every job run needs the endpoint: kept for a few seconds; a change made in this process applies at once, one
        // made by another process within those seconds.
        var key = vendorId + "#" + name;
        if (_endpoints.TryGetValue(key, out var cached) && Environment.TickCount64 - cached.At < 5_000) return cached.Endpoint;
        var row = await c.QuerySingleOrDefaultAsync<Row>(BrokerConnectionSql.ByName, new { vendorId, name });
        var endpoint = row is null ? null : Endpoint(row, next: false) with { NextAuth = row.NextSecretProtected is null ? null : Auth(row, next: true) };
        _endpoints[key] = (endpoint, Environment.TickCount64);
        return endpoint;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (BrokerEndpoint? Endpoint, long At)> _endpoints = new(StringComparer.Ordinal);

    private void Forget(string vendorId)
    {
        foreach (var key in _endpoints.Keys.Where(k => k.StartsWith(vendorId + "#", StringComparison.Ordinal))) _endpoints.TryRemove(key, out _);
    }

    /// <summary>"GET https://broker/v2/catalog": how findings name the request; a URL never carries credentials here.</summary>
    public static string RequestOf(string brokerUrl) => "GET " + brokerUrl.TrimEnd('/') + "/v2/catalog";

    private static string RequestOf(Row row) => RequestOf(row.BrokerUrl);

    /// <summary>Turns the catalogue answer into findings; true when the catalogue was read.</summary>
    internal static bool Interpret(OsbResponse response, string request, List<ConnectionFinding> findings)
    {
        if (response.Transport != OsbTransport.Answered)
        {
            findings.Add(new ConnectionFinding(response.AuthRefused ? FindingCodes.TokenRefused : FindingCodes.Unreachable, false, Describe(response, request)));
            return false;
        }
        switch (response.Status)
        {
            case 401 or 403:
                findings.Add(new ConnectionFinding(FindingCodes.CredentialsRefused, false, $"{request} → HTTP {response.Status}"));
                return false;
            case 412:
                findings.Add(new ConnectionFinding(FindingCodes.VersionRefused, false, $"{request} → HTTP 412 ({response.Description})"));
                return false;
            case not 200:
                findings.Add(new ConnectionFinding(FindingCodes.BadStatus, false, $"{request} → HTTP {response.Status}"));
                return false;
        }
        if (response.Body?["services"] is not JsonArray services)
        {
            findings.Add(new ConnectionFinding(FindingCodes.NotJson, false, $"{request} → HTTP 200"));
            return false;
        }
        findings.Add(new ConnectionFinding(FindingCodes.CatalogRead, true, $"{request} → HTTP 200"));
        if (services.Count == 0) findings.Add(new ConnectionFinding(FindingCodes.NoServices, false, request));
        foreach (var service in services.OfType<JsonObject>().Take(50))
            findings.Add(new ConnectionFinding(FindingCodes.Service, true,
                $"{Text(service["name"])} ({Text(service["id"])}): {(service["plans"] as JsonArray)?.Count ?? 0} Plan(s)"));
        return services.Count > 0;
    }

    private static string Describe(OsbResponse response, string request) => response.Transport == OsbTransport.Answered
        ? $"{request} → HTTP {response.Status}"
        : $"{request}: {response.TransportError}";

    private BrokerEndpoint Endpoint(Row row, bool next) =>
        new(row.VendorId, new Uri(row.BrokerUrl.EndsWith('/') ? row.BrokerUrl : row.BrokerUrl + "/"), Auth(row, next));

    private BrokerAuth Auth(Row row, bool next) =>
        new(row.AuthKind, row.Username, (next ? row.NextSecretProtected : row.SecretProtected) is { } p ? secrets.UnprotectText(p) : null, row.TokenUrl, row.Scope);

    private async Task<Row> RowAsync(string vendorId, string id, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Row>(BrokerConnectionSql.ById, new { vendorId, id }) ?? throw new NotFoundException("broker connection", id);
    }

    private static async Task RefuseTakenNameAsync(Work work, Row row)
    {
        if (await work.Connection.ExecuteScalarAsync<long>(BrokerConnectionSql.NameTaken, new { vendorId = row.VendorId, name = row.Name, id = row.Id }, work.Transaction) > 0)
            throw new RequestValidationException([FieldError.Coded("name", "broker.name-taken", "Diesen Namen trägt schon eine Ihrer Verbindungen.")]);
    }

    private static void Validate(BrokerConnectionInput input, bool creating)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(input.Name) || !System.Text.RegularExpressions.Regex.IsMatch(input.Name.Trim(), "^[a-z0-9]+(-[a-z0-9]+)*$") || input.Name.Trim().Length > 60)
            errors.Add(FieldError.Coded("name", "broker.name-format", "Kleinbuchstaben, Ziffern und Bindestriche, höchstens 60 Zeichen (so nennt die Angebotsbeschreibung die Verbindung)."));
        UrlErrors("brokerUrl", input.BrokerUrl, required: true, errors);
        if (input.AuthKind is not (BrokerAuth.Basic or BrokerAuth.OAuthClientCredentials))
            errors.Add(FieldError.Coded("authKind", "broker.auth-kind", "„basic“ (HTTP Basic) oder „oauth“ (OAuth 2 Client Credentials)."));
        if (string.IsNullOrWhiteSpace(input.Username) || input.Username.Length > 200 || input.Username.Contains(':') && input.AuthKind == BrokerAuth.Basic)
            errors.Add(FieldError.Coded("username", "broker.username", "Benutzername bzw. Client-ID angeben (ohne Doppelpunkt, höchstens 200 Zeichen)."));
        if (creating && string.IsNullOrEmpty(input.Secret))
            errors.Add(FieldError.Coded("secret", "broker.secret-missing", "Passwort bzw. Client-Secret angeben."));
        foreach (var (field, value) in new[] { ("secret", input.Secret), ("nextSecret", input.NextSecret) })
            if (value is { Length: > 1000 }) errors.Add(FieldError.TooLong(field, 1000));
        if (OAuth(input)) UrlErrors("tokenUrl", input.TokenUrl, required: true, errors);
        UrlErrors("statusUrl", input.StatusUrl, required: false, errors);
        if (input.Scope is { Length: > 500 }) errors.Add(FieldError.TooLong("scope", 500));
        if (errors.Count > 0) throw new RequestValidationException(errors);
    }

    /// <summary>An absolute http(s) URL without credentials, query or fragment: credentials belong in the connection's secret fields.</summary>
    internal static void UrlErrors(string field, string? value, bool required, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors.Add(FieldError.Coded(field, "broker.url-missing", "Eine Adresse (https://…) angeben."));
            return;
        }
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || value.Length > 2000)
            errors.Add(FieldError.Coded(field, "broker.url-invalid", "Eine vollständige Adresse mit https:// angeben."));
        else if (uri.UserInfo.Length > 0)
            errors.Add(FieldError.Coded(field, "broker.url-credentials", "Zugangsdaten gehören nicht in die Adresse: Benutzername und Passwort in die eigenen Felder eintragen."));
        else if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            errors.Add(FieldError.Coded(field, "broker.url-query", "Die Adresse darf keine Parameter (?…) oder Anker (#…) enthalten."));
    }

    private static bool OAuth(BrokerConnectionInput input) => input.AuthKind == BrokerAuth.OAuthClientCredentials;

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static BrokerConnectionView View(Row r) => new(r.Id, r.VendorId, r.Name, r.BrokerUrl, r.AuthKind, r.Username, r.SecretProtected is not null,
        r.NextSecretProtected is not null, r.TokenUrl, r.Scope, r.LastCheckedAt, r.LastCheckPassed is null ? null : r.LastCheckPassed == 1,
        r.LastCheckFindings is null ? [] : JsonSerializer.Deserialize<List<ConnectionFinding>>(r.LastCheckFindings, Json) ?? [], r.CreatedAt, r.UpdatedAt, r.StatusUrl);

    /// <summary>What the audit trail records of a connection: everything but the secrets, of which only whether they are set.</summary>
    private static JsonObject AuditView(Row r) => new()
    {
        ["name"] = r.Name, ["brokerUrl"] = r.BrokerUrl, ["authKind"] = r.AuthKind, ["username"] = r.Username, ["tokenUrl"] = r.TokenUrl, ["scope"] = r.Scope,
        ["statusUrl"] = r.StatusUrl,
        ["secretSet"] = r.SecretProtected is not null, ["nextSecretSet"] = r.NextSecretProtected is not null,
    };
}
