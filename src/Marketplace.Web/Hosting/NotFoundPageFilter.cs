using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Marketplace.Web.Hosting;

/// <summary>
/// A page handler given an id its user may not see or that does not exist (another tenant's subscription or order, an
/// unknown invoice) answers 404 like the API does, in one place, instead of a 500 from the module's not-found exception.
/// </summary>
public sealed class NotFoundPageFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is NotFoundException && !executed.ExceptionHandled)
        {
            executed.Result = new NotFoundResult();
            executed.ExceptionHandled = true;
        }
    }
}
