using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace Marketplace.Kernel;

/// <summary>
/// The one place where the domain's refusals become RFC 9457 problem details for the API: every module throws
/// <see cref="RefusalException"/>s and this handler (registered with AddExceptionHandler) answers them in the request's language.
/// Pages catch what they expect themselves; a refusal a page lets escape stays the host's error page, not JSON.
/// </summary>
public sealed class RefusalProblems : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not RefusalException refusal || http.Response.HasStarted || !http.Request.Path.StartsWithSegments("/api")) return false;
        // The exception handler runs outside request localisation, whose culture does not flow back out with the exception.
        if (http.Features.Get<IRequestCultureFeature>()?.RequestCulture is { } culture)
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture.Culture, culture.UICulture);
        await CodedProblems.For(refusal, CodedProblems.Texts(http)).ExecuteAsync(http);
        return true;
    }
}
