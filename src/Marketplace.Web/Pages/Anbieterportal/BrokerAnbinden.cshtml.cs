using System.Reflection;
using Marketplace.Catalog;
using Marketplace.Identity.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Marketplace.Web.Pages.Anbieterportal;

/// <summary>"Broker anbinden": docs/broker-anbinden.md (embedded at build time), rendered for the vendor, so portal and repository say the same.</summary>
[Authorize(Policy = Policies.VendorUser)]
public sealed class BrokerAnbindenModel : PageModel
{
    private static readonly Lazy<string> Html = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("broker-anbinden.md")
                           ?? throw new InvalidOperationException("docs/broker-anbinden.md is not embedded");
        using var reader = new StreamReader(stream);
        return new MarkdownRenderer().ToSafeHtml(reader.ReadToEnd());
    });

    public string Document => Html.Value;

    public void OnGet() { }
}
