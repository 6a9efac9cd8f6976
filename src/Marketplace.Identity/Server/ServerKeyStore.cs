using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dapper;
using Marketplace.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Identity.Server;

/// <summary>
/// The OpenID Connect server's signing and encryption keys: certificates from configuration (production), otherwise RSA
/// keys generated once, protected with Data Protection and kept in the database, so tokens outlive restarts and every
/// instance signs with the same key. Never ephemeral.
/// </summary>
public sealed class ServerKeyStore(Database database, IDataProtectionProvider dataProtection, IOptions<IdentityServerOptions> options,
    TimeProvider clock, ILogger<ServerKeyStore> logger)
{
    public const string Signing = "signing";
    public const string Encryption = "encryption";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Marketplace.Identity.ServerKeys");

    public SecurityKey Get(string purpose)
    {
        if (ConfiguredCertificate(purpose) is { } certificate)
            return new X509SecurityKey(X509CertificateLoader.LoadPkcs12FromFile(certificate.Path, certificate.Password, X509KeyStorageFlags.EphemeralKeySet));
        var stored = StoredOrCreated(purpose);
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(_protector.Unprotect(stored)), out _);
        // A stable key id per stored key, so clients cache the JWKS entry across restarts.
        return new RsaSecurityKey(rsa) { KeyId = purpose + "-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(stored)))[..16] };
    }

    /// <summary>
    /// Generates and stores the keys configuration does not provide, at start-up: a 3072-bit key takes a good part of a
    /// second to generate, which the first token request would otherwise wait for.
    /// </summary>
    public void EnsureStored()
    {
        foreach (var purpose in new[] { Signing, Encryption })
            if (ConfiguredCertificate(purpose) is null) StoredOrCreated(purpose);
    }

    private CertificateOptions? ConfiguredCertificate(string purpose)
    {
        var certificate = purpose == Signing ? options.Value.SigningCertificate : options.Value.EncryptionCertificate;
        if (certificate is { Path.Length: > 0 }) return certificate;
        if (options.Value.RequireCertificates)
            throw new InvalidOperationException($"Identity:Server:{(purpose == Signing ? "SigningCertificate" : "EncryptionCertificate")}:Path is required here.");
        return null;
    }

    /// <summary>The protected key stored for <paramref name="purpose"/>, generated and stored first if there is none.</summary>
    private string StoredOrCreated(string purpose)
    {
        using var c = database.Create();
        c.Open();
        if (c.QuerySingleOrDefault<string>(IdentitySql.ServerKey, new { purpose }) is { } stored) return stored;
        using var rsa = RSA.Create(3072);
        var protectedKey = _protector.Protect(Convert.ToBase64String(rsa.ExportPkcs8PrivateKey()));
        try
        {
            c.Execute(IdentitySql.InsertServerKeyIfAbsent, new { purpose, key = protectedKey, at = clock.GetUtcNow() });
            logger.LogInformation("Generated the OpenID Connect server's {Purpose} key and stored it in the database", purpose);
        }
        catch (DbException)
        {
            // Another instance stored its key first; everyone uses that one.
        }
        return c.QuerySingle<string>(IdentitySql.ServerKey, new { purpose });
    }
}

/// <summary>Configuration section "Identity:Server".</summary>
public sealed class IdentityServerOptions
{
    public const string Section = "Identity:Server";

    /// <summary>PKCS#12 file and password of the signing certificate (production).</summary>
    public CertificateOptions? SigningCertificate { get; set; }
    public CertificateOptions? EncryptionCertificate { get; set; }
    /// <summary>Refuse to fall back to database-stored keys (set in production when certificates are mandated).</summary>
    public bool RequireCertificates { get; set; }
    /// <summary>Absolute redirect URIs of the web UI's public client (authorization code with PKCE).</summary>
    public List<string> WebClientRedirectUris { get; set; } = [];
    public List<string> WebClientPostLogoutRedirectUris { get; set; } = [];
    /// <summary>
    /// The public base address tokens are issued for (e.g. https://marktplatz.example/). Without it the issuer is the
    /// address each request came in on, so a token fetched through one instance's address is refused by another's.
    /// </summary>
    public string? Issuer { get; set; }
    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 30;
    [Range(1, 365)]
    public int RefreshTokenDays { get; set; } = 14;
    /// <summary>
    /// How long one instance trusts its last look at an access token's database entry (revoked? client deleted?).
    /// A revocation made through this instance takes effect at once; one made through another instance within this
    /// many seconds. 0 looks at the entry on every request.
    /// </summary>
    [Range(0, 3600)]
    public int TokenEntryCheckSeconds { get; set; } = 5;
}

/// <summary>A certificate from a PKCS#12 file.</summary>
public sealed class CertificateOptions
{
    public string Path { get; set; } = "";
    public string? Password { get; set; }
}
