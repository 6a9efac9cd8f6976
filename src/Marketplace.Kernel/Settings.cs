using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Kernel;

/// <summary>
/// A module's options bound from its configuration section and checked when the host starts (ValidateOnStart): the
/// options' data annotations ([Range], [Required]), each failure naming its setting ("Provisioning:WorkerParallelism"),
/// so a bad value stops the host at once instead of failing the first request that reads it.
/// </summary>
public static class Settings
{
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, IConfiguration configuration, string section) where T : class
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new SectionAnnotations<T>(section)));
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    private sealed class SectionAnnotations<T>(string section) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var results = new List<ValidationResult>();
            if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)) return ValidateOptionsResult.Success;
            return ValidateOptionsResult.Fail(results.Select(r => $"{section}:{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }
}
