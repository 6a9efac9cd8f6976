namespace Marketplace.Provisioning.Subscriptions;

/// <summary>
/// The one rule for a subscription's dashboard link, which a broker or a vendor supplies and the municipality clicks:
/// an absolute https address, or http only where <see cref="ProvisioningOptions.AllowHttpDashboardUrls"/> is set (development).
/// Anything else (javascript:, data:, relative paths) is neither stored nor rendered.
/// </summary>
public static class DashboardUrls
{
    public static bool Accepts(string? url, bool allowHttp) =>
        url is { Length: > 0 and <= 2048 } && Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Host.Length > 0
        && (u.Scheme == Uri.UriSchemeHttps || (allowHttp && u.Scheme == Uri.UriSchemeHttp));

    /// <summary>Whether a stored link may be rendered as a link (rows stored before the rule are checked again).</summary>
    public static bool Renderable(string? url) => Accepts(url, allowHttp: true);
}
