namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    /// <summary>Rows for the provisioning endpoints: orders, subscriptions, rollouts, bundles, manual fulfilment.</summary>
    private static Row[] ProvisioningRows =>
    [
    ];
}
