using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using Marketplace.Audit;
using Marketplace.Catalog.Municipalities;
using Marketplace.Catalog.Queries;
using Marketplace.Identity.Access;
using Marketplace.Storage;

namespace Marketplace.Identity.Organisations;

/// <summary>Reads and changes organisations (Dapper); every change appends its audit entry in the same transaction.</summary>
public sealed partial class OrganisationStore(Database database, AuditTrail audit, MunicipalityDirectory municipalities, CatalogRepository catalogue,
    TimeProvider clock)
{
    public static readonly string[] BundlerTypes = ["land", "it-dienstleister"];

    public async Task<Organisation?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Organisation>(new CommandDefinition(IdentitySql.OrganisationById, new { id }, cancellationToken: ct));
    }

    public async Task<Organisation?> GetByAgsAsync(string ags, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await GetByAgsAsync(c, null, ags, ct);
    }

    /// <summary>The municipality's organisation on the caller's connection, inside its transaction when it has one (billing reads its invoice address so).</summary>
    public Task<Organisation?> GetByAgsAsync(DbConnection c, DbTransaction? tx, string ags, CancellationToken ct = default) =>
        c.QuerySingleOrDefaultAsync<Organisation>(new CommandDefinition(IdentitySql.OrganisationByAgs, new { ags }, tx, cancellationToken: ct));

    public async Task<Organisation?> GetByVendorAsync(string vendorId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Organisation>(new CommandDefinition(IdentitySql.OrganisationByVendor, new { vendorId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Organisation>> ListAsync(string? kind = null, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var sql = kind is null ? IdentitySql.AllOrganisations : IdentitySql.OrganisationsOfKind;
        return (await c.QueryAsync<Organisation>(new CommandDefinition(sql, new { kind }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<OrganisationContact>> ContactsAsync(string id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<OrganisationContact>(new CommandDefinition(IdentitySql.ContactsOf, new { id }, cancellationToken: ct))).ToList();
    }

    /// <summary>Registers an organisation after checking what its kind requires; the AGS and vendor id must exist in the catalogue data.</summary>
    public async Task<Organisation> CreateAsync(NewOrganisation n, Actor actor, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, FieldError>();
        // The catalogue's facts first: its reference data changes only with an import.
        var municipality = n.Kind == OrganisationKinds.Municipality && n.MunicipalityAgs is not null ? await municipalities.GetAsync(n.MunicipalityAgs, ct) : null;
        var vendor = n.Kind == OrganisationKinds.Vendor && n.VendorId is not null ? await catalogue.VendorAsync(n.VendorId, ct) : null;
        var landKnown = n.Kind != OrganisationKinds.Bundler || n.LandCode is null || await municipalities.LandExistsAsync(n.LandCode, ct);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var org = new Organisation { Kind = n.Kind, Name = n.Name?.Trim() ?? "", CreatedAt = now, UpdatedAt = now };
        switch (n.Kind)
        {
            case OrganisationKinds.Municipality:
                if (municipality is null) { errors["municipalityAgs"] = FieldError.Coded("municipalityAgs", "organisation.unknown-ags", "Unbekannter AGS: Es gibt keine solche Kommune."); break; }
                if (await c.QuerySingleOrDefaultAsync<Organisation>(IdentitySql.OrganisationByAgs, new { ags = n.MunicipalityAgs }, tx) is not null)
                    errors["municipalityAgs"] = FieldError.Coded("municipalityAgs", "organisation.municipality-registered", "Diese Kommune ist schon registriert.");
                if (n.Billing is { } b) AddBillingErrors(b, errors);
                org = org with
                {
                    Id = n.Id ?? $"municipality-{n.MunicipalityAgs}", MunicipalityAgs = n.MunicipalityAgs, LandCode = municipality.LandCode,
                    Name = org.Name.Length > 0 ? org.Name : municipality.Name,
                    LeitwegId = n.Billing?.LeitwegId, BillingRecipient = n.Billing?.Recipient, BillingStreet = n.Billing?.Street,
                    BillingPostalCode = n.Billing?.PostalCode, BillingCity = n.Billing?.City,
                };
                break;
            case OrganisationKinds.Vendor:
                if (vendor is null) { errors["vendorId"] = FieldError.Coded("vendorId", "organisation.unknown-vendor", "Unbekannter Anbieter: Es gibt ihn nicht im Katalog."); break; }
                if (await c.QuerySingleOrDefaultAsync<Organisation>(IdentitySql.OrganisationByVendor, new { vendorId = n.VendorId }, tx) is not null)
                    errors["vendorId"] = FieldError.Coded("vendorId", "organisation.vendor-registered", "Dieser Anbieter ist schon registriert.");
                org = org with
                {
                    Id = n.Id ?? $"vendor-{n.VendorId}", VendorId = n.VendorId, Name = org.Name.Length > 0 ? org.Name : vendor.Value.Name,
                    LegalName = n.LegalName ?? vendor.Value.Name, VatId = n.VatId ?? vendor.Value.VatId, TaxNumber = n.TaxNumber,
                };
                if (org.VatId is { Length: > 0 } vat && !VatIdPattern().IsMatch(vat)) errors["vatId"] = VatIdInvalid;
                break;
            case OrganisationKinds.Bundler:
                if (n.BundlerType is null || !BundlerTypes.Contains(n.BundlerType)) errors["bundlerType"] = FieldError.Coded("bundlerType", "one-of", $"eines von: {string.Join(", ", BundlerTypes)}", string.Join(", ", BundlerTypes));
                if (!landKnown) errors["landCode"] = FieldError.Coded("landCode", "organisation.unknown-land", "Unbekannter Länderschlüssel.");
                if (n.BundlerType == "land" && n.LandCode is null) errors["landCode"] = FieldError.Coded("landCode", "organisation.land-required", "Ein Land, das bündelt, nennt seinen Länderschlüssel.");
                org = org with { Id = n.Id ?? $"bundler-{Guid.NewGuid():N}"[..20], BundlerType = n.BundlerType, LandCode = n.LandCode };
                break;
            case OrganisationKinds.Platform:
                org = org with { Id = n.Id ?? $"platform-{Guid.NewGuid():N}"[..21] };
                break;
            default:
                errors["kind"] = FieldError.Coded("kind", "one-of", $"eines von: {string.Join(", ", OrganisationKinds.All)}", string.Join(", ", OrganisationKinds.All));
                break;
        }
        if (org.Name.Length == 0 && !errors.ContainsKey("kind") && !errors.ContainsKey("municipalityAgs") && !errors.ContainsKey("vendorId"))
            errors["name"] = FieldError.Required("name");
        if (errors.Count > 0) throw new RequestValidationException([.. errors.Values]);

        await c.ExecuteAsync(IdentitySql.InsertOrganisation, org, tx);
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "organisation.created", "organisation", org.Id,
            null, AuditTrail.Snapshot(org)));
        await tx.CommitAsync(ct);
        return org;
    }

    /// <summary>Sets a municipality's Leitweg-ID and invoice address.</summary>
    public async Task<Organisation> UpdateBillingAsync(string organisationId, BillingDetails billing, Actor actor, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, FieldError>();
        AddBillingErrors(billing, errors);
        if (errors.Count > 0) throw new RequestValidationException([.. errors.Values]);
        return await ChangeAsync(organisationId, "organisation.billing-changed", actor, async (c, tx, now) =>
            await c.ExecuteAsync(IdentitySql.UpdateBilling, new
            {
                id = organisationId, billing.LeitwegId, billing.Recipient, billing.Street, billing.PostalCode, billing.City, now,
            }, tx), ct);
    }

    /// <summary>Sets a vendor's legal name, VAT id or tax number and its contacts.</summary>
    public async Task<Organisation> UpdateVendorDetailsAsync(string organisationId, VendorDetails details, Actor actor, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, FieldError>();
        if (string.IsNullOrWhiteSpace(details.LegalName)) errors["legalName"] = FieldError.Required("legalName");
        if (string.IsNullOrWhiteSpace(details.VatId) && string.IsNullOrWhiteSpace(details.TaxNumber)) errors["vatId"] = FieldError.Coded("vatId", "organisation.vat-or-tax-number", "Eine USt-IdNr. oder eine Steuernummer ist erforderlich.");
        else if (details.VatId is { Length: > 0 } vat && !VatIdPattern().IsMatch(vat)) errors["vatId"] = VatIdInvalid;
        for (var i = 0; i < details.Contacts.Count; i++)
            if (string.IsNullOrWhiteSpace(details.Contacts[i].Name) || !details.Contacts[i].Email.Contains('@'))
                errors[$"contacts[{i}]"] = FieldError.Coded($"contacts[{i}]", "organisation.contact-incomplete", "Ein Kontakt braucht einen Namen und eine E-Mail-Adresse.");
        if (errors.Count > 0) throw new RequestValidationException([.. errors.Values]);
        return await ChangeAsync(organisationId, "organisation.vendor-details-changed", actor, async (c, tx, now) =>
        {
            await c.ExecuteAsync(IdentitySql.UpdateVendorDetails, new { id = organisationId, details.LegalName, details.VatId, details.TaxNumber, now }, tx);
            await c.ExecuteAsync(IdentitySql.DeleteContacts, new { id = organisationId }, tx);
            var position = 0;
            foreach (var contact in details.Contacts)
                await c.ExecuteAsync(IdentitySql.InsertContact, new { id = organisationId, position = position++, contact.Role, contact.Name, contact.Email, contact.Phone }, tx);
        }, ct);
    }

    private async Task<Organisation> ChangeAsync(string organisationId, string action, Actor actor, Func<DbConnection, DbTransaction, DateTimeOffset, Task> change, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var before = await c.QuerySingleOrDefaultAsync<Organisation>(IdentitySql.OrganisationById, new { id = organisationId }, tx)
                     ?? throw new KeyNotFoundException(organisationId);
        await change(c, tx, clock.GetUtcNow());
        var after = await c.QuerySingleAsync<Organisation>(IdentitySql.OrganisationById, new { id = organisationId }, tx);
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, action, "organisation", organisationId,
            AuditTrail.Snapshot(before), AuditTrail.Snapshot(after)));
        await tx.CommitAsync(ct);
        return after;
    }

    private static void AddBillingErrors(BillingDetails b, Dictionary<string, FieldError> errors)
    {
        if (!LeitwegId.IsValid(b.LeitwegId))
            errors["leitwegId"] = FieldError.Coded("leitwegId", "organisation.leitweg-id",
                "Eine Leitweg-ID sieht aus wie 09162000-0001-54 (Grobadressierung, optional Feinadressierung, Prüfziffer); die Prüfziffern müssen stimmen (ISO 7064 MOD 97-10).");
        if (string.IsNullOrWhiteSpace(b.Recipient)) errors["recipient"] = FieldError.Required("recipient");
        if (string.IsNullOrWhiteSpace(b.Street)) errors["street"] = FieldError.Required("street");
        if (!PostalCodePattern().IsMatch(b.PostalCode ?? "")) errors["postalCode"] = FieldError.Coded("postalCode", "organisation.postal-code", "Eine deutsche Postleitzahl hat fünf Ziffern.");
        if (string.IsNullOrWhiteSpace(b.City)) errors["city"] = FieldError.Required("city");
    }

    private static readonly FieldError VatIdInvalid = FieldError.Coded("vatId", "organisation.vat-id", "Eine deutsche USt-IdNr. ist DE mit neun Ziffern.");

    [GeneratedRegex(@"^DE\d{9}$")]
    private static partial Regex VatIdPattern();

    [GeneratedRegex(@"^\d{5}$")]
    private static partial Regex PostalCodePattern();
}
