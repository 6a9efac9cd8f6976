using System.Security.Claims;

namespace Marketplace.Identity.External;

/// <summary>One external OpenID Connect provider from configuration (Identity:ExternalProviders:&lt;name&gt;).</summary>
public sealed class ExternalProviderOptions
{
    public string DisplayName { get; set; } = "";
    public string Authority { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string? ClientSecret { get; set; }
    public List<string> Scopes { get; set; } = ["openid", "profile", "email"];
    /// <summary>Rules that link a first-time user to an organisation and role by a claim the provider asserts.</summary>
    public List<ExternalLinkRule> Rules { get; set; } = [];
}

/// <summary>
/// "A user whose token carries claim <see cref="Claim"/> = <see cref="Value"/> joins <see cref="Organisation"/> as
/// <see cref="Role"/>". E-mail claims are refused: an address (or its domain) alone never links anyone.
/// </summary>
public sealed class ExternalLinkRule
{
    public string Claim { get; set; } = "";
    public string Value { get; set; } = "";
    public string Organisation { get; set; } = "";
    public string Role { get; set; } = "";
}

/// <summary>Decides whether a first-time external user may be linked, by a configured rule; invitations are the other way.</summary>
public static class ExternalLinking
{
    /// <summary>Claims that carry an e-mail address (or look like one); no rule may match on them.</summary>
    public static readonly IReadOnlySet<string> EmailLikeClaims = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "email", "emails", "email_verified", "upn", "preferred_username", "unique_name", ClaimTypes.Email, ClaimTypes.Upn,
    };

    public static string SchemeOf(string providerName) => "external-" + providerName;

    /// <summary>Problems with the configured rules; the host refuses to start while there are any.</summary>
    public static IEnumerable<string> Validate(string providerName, ExternalProviderOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Authority)) yield return $"{providerName}: Authority is required.";
        if (string.IsNullOrWhiteSpace(options.ClientId)) yield return $"{providerName}: ClientId is required.";
        foreach (var rule in options.Rules)
        {
            if (string.IsNullOrWhiteSpace(rule.Claim) || string.IsNullOrWhiteSpace(rule.Value))
                yield return $"{providerName}: a rule needs Claim and Value.";
            else if (EmailLikeClaims.Contains(rule.Claim))
                yield return $"{providerName}: a rule may not match on the e-mail claim '{rule.Claim}'; use a group, tenant or role claim, or invite the user.";
            if (!Access.Roles.All.Contains(rule.Role)) yield return $"{providerName}: unknown role '{rule.Role}'.";
            if (string.IsNullOrWhiteSpace(rule.Organisation)) yield return $"{providerName}: a rule names its Organisation.";
        }
    }

    /// <summary>The first rule whose claim the external principal carries with exactly the configured value.</summary>
    public static ExternalLinkRule? Match(ExternalProviderOptions options, ClaimsPrincipal external) =>
        options.Rules.FirstOrDefault(r => !EmailLikeClaims.Contains(r.Claim)
                                          && external.FindAll(r.Claim).Any(c => string.Equals(c.Value, r.Value, StringComparison.Ordinal)));
}
