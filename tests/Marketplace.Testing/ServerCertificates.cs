using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Marketplace.Testing;

/// <summary>
/// The OpenID Connect server's signing and encryption certificates for the marketplace hosts tests start as processes,
/// configured as production configures them. Without them each such host generated two 3072-bit keys at start (about
/// 2 CPU-seconds, some 17 hosts a run), since the databases those tests make hold no keys yet. Made once per test process.
/// </summary>
public static class ServerCertificates
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Variables = new(Create);

    /// <summary>Identity__Server__SigningCertificate__Path and the others, for a host process's environment.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentVariables => Variables.Value;

    private static IReadOnlyDictionary<string, string> Create()
    {
        var folder = ScratchFolder.Create("marketplace-certificates-");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var variables = new Dictionary<string, string>();
        foreach (var (option, usage) in new[] { ("SigningCertificate", X509KeyUsageFlags.DigitalSignature), ("EncryptionCertificate", X509KeyUsageFlags.KeyEncipherment) })
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest($"CN=Marketplace tests {option}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            var path = Path.Combine(folder, option + ".pfx");
            File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
            variables[$"Identity__Server__{option}__Path"] = path;
            variables[$"Identity__Server__{option}__Password"] = password;
        }
        return variables;
    }
}
