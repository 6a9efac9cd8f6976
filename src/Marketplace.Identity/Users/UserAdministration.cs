using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Audit;
using Marketplace.Identity.Access;
using Marketplace.Identity.Email;
using Marketplace.Identity.Organisations;
using Marketplace.Identity.Stores;
using Marketplace.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Users;

/// <summary>An invitation to join an organisation with a role; the link in the mail carries a token of which only the hash is stored.</summary>
public sealed record Invitation
{
    public string Id { get; init; } = "";
    public string OrganisationId { get; init; } = "";
    public string Email { get; init; } = "";
    public string Role { get; init; } = "";
    public string InvitedBy { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? AcceptedAt { get; init; }
    public string? AcceptedUserId { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>A member of an organisation as its admin sees it.</summary>
public sealed record OrganisationMember(string Id, string Email, string DisplayName, string Role, bool TwoFactorEnabled, bool LockedOut);

/// <summary>
/// Users of an organisation: invitations by e-mail, accepting them (with a password or an external login), roles,
/// removal. Identity's tables change through EF Core, in one transaction with the Dapper rows and the audit entry.
/// </summary>
public sealed class UserAdministration(
    IdentityStoreContext db, UserManager<MarketplaceUser> users, AuditTrail audit, Database database, IEmailSender mail,
    OrganisationStore organisations, TimeProvider clock, UserTokens tokens)
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(14);

    public async Task<IReadOnlyList<OrganisationMember>> MembersAsync(string organisationId, CancellationToken ct = default)
    {
        var rows = await (from u in db.Users
                          where u.OrganisationId == organisationId
                          join ur in db.UserRoles on u.Id equals ur.UserId into urs
                          from ur in urs.DefaultIfEmpty()
                          join r in db.Roles on ur.RoleId equals r.Id into rs
                          from r in rs.DefaultIfEmpty()
                          select new { u.Id, u.Email, u.DisplayName, Role = r.Name, u.TwoFactorEnabled, u.LockoutEnd }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return rows.OrderBy(r => r.DisplayName, StringComparer.CurrentCulture)
            .Select(r => new OrganisationMember(r.Id, r.Email ?? "", r.DisplayName, r.Role ?? "", r.TwoFactorEnabled, r.LockoutEnd > now)).ToList();
    }

    public async Task<IReadOnlyList<Invitation>> OpenInvitationsAsync(string organisationId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Invitation>(new CommandDefinition(IdentitySql.OpenInvitationsOf,
            new { id = organisationId, now = clock.GetUtcNow() }, cancellationToken: ct))).ToList();
    }

    /// <summary>Invites someone into the organisation with a role that fits it and mails them the link; returns the invitation and its token.</summary>
    public async Task<(Invitation Invitation, string Token)> InviteAsync(string organisationId, string email, string role, Actor actor, string acceptUrlBase, CancellationToken ct = default)
    {
        var org = await organisations.GetAsync(organisationId, ct) ?? throw new KeyNotFoundException(organisationId);
        email = email.Trim();
        var errors = new List<FieldError>();
        if (!System.Net.Mail.MailAddress.TryCreate(email, out _)) errors.Add(FieldError.Coded("email", "user.email-invalid", "Eine gültige E-Mail-Adresse ist erforderlich."));
        else if (await users.FindByEmailAsync(email) is not null) errors.Add(FieldError.Coded("email", "user.email-taken", "Es gibt schon einen Benutzer mit dieser E-Mail-Adresse."));
        if (!Roles.FitsOrganisation(role, org.Kind)) errors.Add(Roles.NotInOrganisation("role", org.Kind));
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        var invitation = new Invitation
        {
            Id = "inv-" + Guid.NewGuid().ToString("N"), OrganisationId = org.Id, Email = email, Role = role, InvitedBy = actor.UserId,
            CreatedAt = now, ExpiresAt = now + InvitationLifetime,
        };
        await using (var c = await database.OpenAsync(ct))
        await using (var tx = await c.BeginTransactionAsync(ct))
        {
            await c.ExecuteAsync(IdentitySql.InsertInvitation, new
            {
                invitation.Id, invitation.OrganisationId, invitation.Email, invitation.Role, tokenHash = HashToken(token),
                invitation.InvitedBy, invitation.CreatedAt, invitation.ExpiresAt,
            }, tx);
            await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "invitation.created", "invitation", invitation.Id,
                null, new JsonObject { ["organisation"] = org.Id, ["email"] = email, ["role"] = role }));
            await tx.CommitAsync(ct);
        }
        var link = $"{acceptUrlBase.TrimEnd('/')}/konto/einladung?token={token}";
        await mail.SendAsync(email, $"Einladung: {org.Name} auf dem Marktplatz kommunale Onlinedienste",
            $"Guten Tag,\n\nSie wurden eingeladen, {org.Name} auf dem Marktplatz kommunale Onlinedienste als {role} zu vertreten.\n" +
            $"Nehmen Sie die Einladung bis {now + InvitationLifetime:dd.MM.yyyy} an:\n\n{link}\n\n" +
            "Haben Sie diese Einladung nicht erwartet, ignorieren Sie diese Nachricht.\n", ct);
        return (invitation, token);
    }

    /// <summary>The open, unexpired invitation a token belongs to, or null.</summary>
    public async Task<Invitation?> FindInvitationAsync(string token, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Invitation>(new CommandDefinition(IdentitySql.OpenInvitationByTokenHash,
            new { tokenHash = HashToken(token), now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task<bool> RevokeInvitationAsync(string organisationId, string invitationId, Actor actor, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var changed = await c.ExecuteAsync(IdentitySql.RevokeInvitation, new { id = invitationId, org = organisationId, at = clock.GetUtcNow() }, tx);
        if (changed == 0) return false;
        await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "invitation.revoked", "invitation", invitationId, null, null));
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Accepts an invitation: creates the user in the invitation's organisation and role, with a password or linked to an
    /// external login (or both). Fails with the field at fault when the token is unknown, used or expired.
    /// </summary>
    public async Task<MarketplaceUser> AcceptInvitationAsync(string token, string displayName, string? password, UserLoginInfo? externalLogin, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(displayName)) throw RequestValidationException.Coded("displayName", "user.name-missing", "Ihr Name ist erforderlich.");
        if (password is null && externalLogin is null) throw RequestValidationException.Coded("password", "user.password-missing", "Ein Passwort ist erforderlich.");
        return await db.InTransactionAsync(async (c, tx) =>
        {
            var invitation = await c.QuerySingleOrDefaultAsync<Invitation>(IdentitySql.OpenInvitationByTokenHash,
                new { tokenHash = HashToken(token), now = clock.GetUtcNow() }, tx)
                ?? throw RequestValidationException.Coded("token", "invitation.unknown", "Diese Einladung ist unbekannt, schon verwendet oder abgelaufen.");
            var user = new MarketplaceUser
            {
                UserName = invitation.Email, Email = invitation.Email, EmailConfirmed = true, OrganisationId = invitation.OrganisationId,
                DisplayName = displayName.Trim(),
            };
            Check(password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password), "password");
            Check(await users.AddToRoleAsync(user, invitation.Role), "role");
            if (externalLogin is not null) Check(await users.AddLoginAsync(user, externalLogin), "externalLogin");
            await c.ExecuteAsync(IdentitySql.AcceptInvitation, new { id = invitation.Id, at = clock.GetUtcNow(), userId = user.Id }, tx);
            await audit.AppendAsync(c, tx, new AuditEntry(user.Id, invitation.OrganisationId, "user.created", "user", user.Id, null,
                UserSnapshot(user, invitation.Role, externalLogin?.LoginProvider, invitation.Id)));
            return user;
        }, ct);
    }

    /// <summary>Creates a user directly (seeding, configured external-login rules); the role must fit the organisation.</summary>
    public async Task<MarketplaceUser> CreateUserAsync(string organisationId, string email, string displayName, string role, string? password,
        UserLoginInfo? externalLogin, Actor actor, CancellationToken ct = default)
    {
        var org = await organisations.GetAsync(organisationId, ct) ?? throw RequestValidationException.Coded("organisationId", "organisation.unknown", "Unbekannte Organisation.");
        if (!Roles.FitsOrganisation(role, org.Kind)) throw new RequestValidationException([Roles.NotInOrganisation("role", org.Kind)]);
        return await db.InTransactionAsync(async (c, tx) =>
        {
            var user = new MarketplaceUser { UserName = email, Email = email, EmailConfirmed = true, OrganisationId = org.Id, DisplayName = displayName };
            Check(password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password), "password");
            Check(await users.AddToRoleAsync(user, role), "role");
            if (externalLogin is not null) Check(await users.AddLoginAsync(user, externalLogin), "externalLogin");
            await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId == "system" ? user.Id : actor.UserId, actor.OrganisationId ?? org.Id,
                "user.created", "user", user.Id, null, UserSnapshot(user, role, externalLogin?.LoginProvider, null)));
            return user;
        }, ct);
    }

    /// <summary>Gives a member of the organisation another role of the same organisation kind; the last admin keeps theirs.</summary>
    public async Task<bool> ChangeRoleAsync(string organisationId, string userId, string role, Actor actor, CancellationToken ct = default)
    {
        var org = await organisations.GetAsync(organisationId, ct) ?? throw new KeyNotFoundException(organisationId);
        if (!Roles.FitsOrganisation(role, org.Kind)) throw new RequestValidationException([Roles.NotInOrganisation("role", org.Kind)]);
        var user = await users.FindByIdAsync(userId);
        if (user is null || user.OrganisationId != organisationId) return false;
        var current = (await users.GetRolesAsync(user)).FirstOrDefault() ?? "";
        if (current == role) return true;
        if (Roles.OrganisationAdmins.Contains(current) && await AdminCountAsync(organisationId, ct) <= 1)
            throw RequestValidationException.Coded("role", "role.last-admin", "Der letzte Admin der Organisation behält die Admin-Rolle.");
        await db.InTransactionAsync(async (c, tx) =>
        {
            if (current.Length > 0) Check(await users.RemoveFromRoleAsync(user, current), "role");
            Check(await users.AddToRoleAsync(user, role), "role");
            // A new security stamp signs the user's cookies out of the old role at the next validation.
            Check(await users.UpdateSecurityStampAsync(user), "role");
            // Bearer tokens carry the old role: they stop now, not when they expire.
            await tokens.RevokeInTransactionAsync(user.Id, ct);
            await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "user.role-changed", "user", user.Id,
                new JsonObject { ["role"] = current }, new JsonObject { ["role"] = role }));
            return true;
        }, ct);
        tokens.ForgetCached();
        return true;
    }

    /// <summary>Removes a member from the organisation (deletes the account); not oneself and not the last admin.</summary>
    public async Task<bool> RemoveAsync(string organisationId, string userId, Actor actor, CancellationToken ct = default)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null || user.OrganisationId != organisationId) return false;
        if (user.Id == actor.UserId) throw RequestValidationException.Coded("userId", "user.remove-self", "Sie können sich nicht selbst entfernen.");
        var role = (await users.GetRolesAsync(user)).FirstOrDefault() ?? "";
        if (Roles.OrganisationAdmins.Contains(role) && await AdminCountAsync(organisationId, ct) <= 1)
            throw RequestValidationException.Coded("userId", "user.remove-last-admin", "Der letzte Admin der Organisation kann nicht entfernt werden.");
        await db.InTransactionAsync(async (c, tx) =>
        {
            await tokens.RevokeInTransactionAsync(user.Id, ct);
            Check(await users.DeleteAsync(user), "userId");
            await audit.AppendAsync(c, tx, new AuditEntry(actor.UserId, actor.OrganisationId, "user.removed", "user", user.Id,
                UserSnapshot(user, role, null, null), null));
            return true;
        }, ct);
        tokens.ForgetCached();
        return true;
    }

    /// <summary>
    /// Switches the user's second factor on (returning fresh recovery codes) or off (forgetting the authenticator key),
    /// with its audit entry in the same transaction.
    /// </summary>
    public async Task<IReadOnlyList<string>> SetSecondFactorAsync(MarketplaceUser user, bool enabled, CancellationToken ct = default) =>
        await db.InTransactionAsync<IReadOnlyList<string>>(async (c, tx) =>
        {
            Check(await users.SetTwoFactorEnabledAsync(user, enabled), "code");
            IReadOnlyList<string> codes = enabled ? (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [] : [];
            if (!enabled) Check(await users.ResetAuthenticatorKeyAsync(user), "code");
            await audit.AppendAsync(c, tx, new AuditEntry(user.Id, user.OrganisationId,
                enabled ? "user.second-factor-enabled" : "user.second-factor-disabled", "user", user.Id, null, null));
            return codes;
        }, ct);

    private async Task<int> AdminCountAsync(string organisationId, CancellationToken ct) =>
        await (from u in db.Users
               where u.OrganisationId == organisationId
               join ur in db.UserRoles on u.Id equals ur.UserId
               join r in db.Roles on ur.RoleId equals r.Id
               where Roles.OrganisationAdmins.Contains(r.Name!)
               select u.Id).CountAsync(ct);

    private void Check(IdentityResult result, string field)
    {
        if (result.Succeeded) return;
        // Identity names the problem by code: user name and e-mail errors belong to the e-mail field, not to the one asked about.
        throw new RequestValidationException(result.Errors.Select(e => Coded(e,
            e.Code.Contains("Email", StringComparison.Ordinal) || e.Code.Contains("UserName", StringComparison.Ordinal) ? "email" : field)).ToList());
    }

    /// <summary>Identity's error as a coded field error: its description is English only, its code is stable.</summary>
    private FieldError Coded(IdentityError e, string field) => e.Code switch
    {
        nameof(IdentityErrorDescriber.PasswordTooShort) => FieldError.Coded(field, "password.too-short",
            $"Das Passwort braucht mindestens {users.Options.Password.RequiredLength} Zeichen.", users.Options.Password.RequiredLength),
        nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) => FieldError.Coded(field, "password.unique-chars",
            $"Das Passwort braucht mindestens {users.Options.Password.RequiredUniqueChars} verschiedene Zeichen.", users.Options.Password.RequiredUniqueChars),
        nameof(IdentityErrorDescriber.PasswordRequiresDigit) => FieldError.Coded(field, "password.digit", "Das Passwort braucht mindestens eine Ziffer (0–9)."),
        nameof(IdentityErrorDescriber.PasswordRequiresLower) => FieldError.Coded(field, "password.lower", "Das Passwort braucht mindestens einen Kleinbuchstaben (a–z)."),
        nameof(IdentityErrorDescriber.PasswordRequiresUpper) => FieldError.Coded(field, "password.upper", "Das Passwort braucht mindestens einen Großbuchstaben (A–Z)."),
        nameof(IdentityErrorDescriber.PasswordRequiresNonAlphanumeric) => FieldError.Coded(field, "password.symbol",
            "Das Passwort braucht mindestens ein Zeichen, das weder Buchstabe noch Ziffer ist."),
        nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName) =>
            FieldError.Coded(field, "user.email-taken", "Es gibt schon einen Benutzer mit dieser E-Mail-Adresse."),
        nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) =>
            FieldError.Coded(field, "user.email-invalid", "Eine gültige E-Mail-Adresse ist erforderlich."),
        nameof(IdentityErrorDescriber.LoginAlreadyAssociated) => FieldError.Coded(field, "user.login-taken",
            "Dieses Konto beim Anmeldedienst gehört schon einem anderen Benutzer."),
        _ => FieldError.Coded(field, "user.change-refused", $"Die Änderung wurde abgelehnt ({e.Code}).", e.Code),
    };

    private static JsonObject UserSnapshot(MarketplaceUser user, string role, string? externalProvider, string? invitationId) => new()
    {
        ["email"] = user.Email, ["displayName"] = user.DisplayName, ["organisation"] = user.OrganisationId, ["role"] = role,
        ["externalProvider"] = externalProvider, ["invitation"] = invitationId,
    };

    internal static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
