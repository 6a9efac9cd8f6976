using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// The Accept-Language header matched by language as well as by culture: a browser or client asking for "en-US" or "en"
/// reads English (en-GB here), "de-AT" German. ASP.NET Core's own provider only falls back from a culture to its parent
/// ("en-US" to "en"), so without this every English reader outside Britain got German.
/// </summary>
public sealed class AcceptLanguageByLanguage(IReadOnlyList<CultureInfo> cultures) : RequestCultureProvider
{
    // As ASP.NET Core's provider: a header with many entries is read no further than this.
    private const int MaximumValuesToTry = 5;

    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var values = httpContext.Request.GetTypedHeaders().AcceptLanguage;
        foreach (var value in values.Take(MaximumValuesToTry).OrderByDescending(v => v.Quality ?? 1))
        {
            if (value.Value.Value is not { Length: > 0 } tag || tag == "*" || value.Quality == 0) continue;
            var language = tag.Split('-')[0];
            var match = cultures.FirstOrDefault(c => c.Name.Equals(tag, StringComparison.OrdinalIgnoreCase))
                ?? cultures.FirstOrDefault(c => c.TwoLetterISOLanguageName.Equals(language, StringComparison.OrdinalIgnoreCase));
            if (match is not null) return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(match.Name));
        }
        return NullProviderCultureResult;
    }
}
