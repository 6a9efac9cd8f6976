using System.Globalization;

namespace Marketplace.Billing.Pricing;

/// <summary>
/// Integer-cent arithmetic in EUR and the rounding rules of the price model. The rules, in the order they apply:
/// <list type="number">
/// <item>Catalogue prices are whole cents, net of VAT.</item>
/// <item>An invoice line is rounded once, to whole cents: quantity × unit price ÷ price base (days charged ÷ days in the
/// month or year for add-ons, 1 otherwise), halves away from zero ("kaufmännisches Runden"). Tier prices are whole
/// cents, so usage lines are exact.</item>
/// <item>Line amounts are summed exactly into the net total; nothing is rounded again.</item>
/// <item>VAT is computed once per invoice and rate on the net total (EN 16931 BR-CO-17), never per line, and rounded
/// the same way: 19 % of 0.05 EUR is 0.0095, rounded to 0.01; of 0.02 EUR is 0.0038, rounded to 0.00.</item>
/// <item>Gross = net + VAT.</item>
/// </list>
/// </summary>
public static class Money
{
    public const string Currency = "EUR";

    /// <summary>numerator ÷ denominator rounded to a whole number, halves away from zero; exact for any long inputs.</summary>
    public static long DivideRounded(Int128 numerator, long denominator)
    {
        if (denominator <= 0) throw new ArgumentOutOfRangeException(nameof(denominator), "The divisor must be positive.");
        var quotient = Int128.DivRem(Int128.Abs(numerator), denominator);
        var rounded = quotient.Quotient + (quotient.Remainder * 2 >= denominator ? 1 : 0);
        return (long)(numerator < 0 ? -rounded : rounded);
    }

    /// <summary>The amount of one invoice line: quantity × unit price ÷ price base, rounded to whole cents.</summary>
    public static long LineAmount(long quantity, long unitPriceCents, long priceBase) =>
        DivideRounded((Int128)quantity * unitPriceCents, priceBase);

    /// <summary>VAT on a net amount at a rate in basis points (1900 = 19 %), rounded to whole cents.</summary>
    public static long Vat(long netCents, long rateBasisPoints) => DivideRounded((Int128)netCents * rateBasisPoints, 10_000);

    /// <summary>Cents as a decimal amount with two places and a point ("1234.50"), as XML and Stripe expect.</summary>
    public static string Decimal(long cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>
    /// Cents as euros for people, in the culture's number format but always with the euro sign: "1.964,37 €" in German,
    /// "€1,964.37" in English. The culture's own currency would say "£" for en-GB; every amount here is EUR. The space
    /// before the sign is a no-break space, so a narrow screen never puts "€" on a line of its own.
    /// </summary>
    public static string Display(long cents, CultureInfo culture) =>
        (cents / 100m).ToString("C", EuroFormat(culture)).Replace(' ', '\u00a0').Replace('\u202f', '\u00a0');

    private static NumberFormatInfo EuroFormat(CultureInfo culture)
    {
        if (culture.NumberFormat.CurrencySymbol == "€") return culture.NumberFormat;
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = "€";
        format.CurrencyDecimalDigits = 2;
        return format;
    }

    /// <summary>A rate in basis points as a percentage ("19", "7.5").</summary>
    public static string Percent(long basisPoints) => (basisPoints / 100m).ToString("0.##", CultureInfo.InvariantCulture);
}
