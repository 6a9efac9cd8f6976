using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Kernel;

/// <summary>
/// A page of a list as the API's "limit" and "offset" query parameters ask for it: limit 1 to the list's maximum (its
/// default when absent), offset not negative; anything else is refused with coded errors naming the parameter.
/// </summary>
public readonly record struct Page(int Limit, int Offset)
{
    public static Page Of(int? limit, int? offset, int max, int fallback = 50)
    {
        var errors = new List<FieldError>();
        if (limit is { } l && (l < 1 || l > max)) errors.Add(FieldError.Coded("limit", "page.limit", $"zwischen 1 und {max}", max));
        if (offset is < 0) errors.Add(FieldError.Coded("offset", "page.offset", "nicht negativ"));
        if (errors.Count > 0) throw new RequestValidationException(errors, errors[0].Message);
        return new Page(limit ?? Math.Min(fallback, max), offset ?? 0);
    }
}

/// <summary>The "limit" and "offset" query parameters of a list endpoint, bound with [AsParameters]; <see cref="Of"/> validates them as <see cref="Page.Of"/> does.</summary>
public readonly record struct PageRequest([property: FromQuery(Name = "limit")] int? Limit, [property: FromQuery(Name = "offset")] int? Offset)
{
    public Page Of(int max, int fallback = 50) => Page.Of(Limit, Offset, max, fallback);
}
