using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Provisioning.Broker;

/// <summary>
/// The <c>organization_guid</c> and <c>space_guid</c> that Open Service Broker 2.17 requires on provision: name-based
/// UUIDs (RFC 9562 version 5) of the municipality's AGS, so they are stable across processes, databases and re-orders,
/// and a vendor can compute them: organization = UUIDv5(<see cref="Namespace"/>, "municipality:{ags}"), space =
/// UUIDv5(<see cref="Namespace"/>, "municipality:{ags}/space:services").
/// </summary>
public static class PlatformIdentifiers
{
    /// <summary>The platform's fixed namespace for its name-based identifiers (documented for vendors).</summary>
    public static readonly Guid Namespace = Guid.Parse("6f2c9a4e-0b1d-5c3e-9a7f-4d8e2b6c1a30");

    public static string OrganizationGuid(string ags) => NameBased($"municipality:{ags}").ToString();

    public static string SpaceGuid(string ags) => NameBased($"municipality:{ags}/space:services").ToString();

    internal static Guid NameBased(string name)
    {
        var ns = Namespace.ToByteArray(bigEndian: true);
        var bytes = new byte[ns.Length + Encoding.UTF8.GetByteCount(name)];
        ns.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(name, bytes.AsSpan(ns.Length));
        var hash = SHA1.HashData(bytes).AsSpan(0, 16).ToArray();
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash, bigEndian: true);
    }
}
