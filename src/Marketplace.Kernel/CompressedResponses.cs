using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Kernel;

/// <summary>Requests whose answers a module declares public, so the host may compress them (see <see cref="CompressedResponsesExtensions"/>).</summary>
public sealed record CompressedResponses(Func<HttpContext, bool> Applies);

public static class CompressedResponsesExtensions
{
    /// <summary>Declares answers that may be compressed: public data only, never a body that mixes a secret with request input (BREACH).</summary>
    public static IServiceCollection AddCompressedResponses(this IServiceCollection services, Func<HttpContext, bool> applies) =>
        services.AddSingleton(new CompressedResponses(applies));
}
