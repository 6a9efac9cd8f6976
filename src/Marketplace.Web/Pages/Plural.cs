using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Pages;

/// <summary>
/// Texts that name a count: "1 Gemeinde", "2 Gemeinden". The resources hold "Key.one" and "Key.other" (German and English
/// have these two forms); the count is argument {0}.
/// </summary>
public static class Plural
{
    public static LocalizedString Count(this IStringLocalizer texts, string key, long count, params object[] more) =>
        texts[$"{key}.{(count == 1 ? "one" : "other")}", [Format.Number(count), .. more]];
}
