namespace Marketplace.Identity.Tests;

public static partial class DenialMatrix
{
    /// <summary>
    /// Rows for the Fit to the back office: the reference data is for every signed-in user; a municipality's Fachverfahren and
    /// an offering's fit to them are read by its members, delegates and auditors and written only by its own buyer-admin
    /// (München's demo list again, so the shared host's fit stays unchanged); vendors get 404 on both.
    /// </summary>
    private static Row[] BackOfficeRows =>
    [
        new("GET", "/api/v1/fachverfahren", "/api/v1/fachverfahren", null, Ok, []),
        new("GET", "/api/v1/municipalities/{ags}/fachverfahren", "/api/v1/municipalities/09162000/fachverfahren", null, NotFound,
            Map(([MuenchenAdmin, MuenchenViewer, BundlerAdmin, Auditor, PlatformAdmin], Ok))),
        new("PUT", "/api/v1/municipalities/{ags}/fachverfahren", "/api/v1/municipalities/09162000/fachverfahren",
            () => new { products = Provisioning.BackOffice.FachverfahrenDemoSeeder.Demo.Single(d => d.Ags == "09162000").Products }, Forbidden, Map(([MuenchenAdmin], Ok), ([KoelnAdmin], NotFound))),
        new("GET", "/api/v1/municipalities/{ags}/offerings/{offeringId}/back-office-fit",
            "/api/v1/municipalities/09162000/offerings/wohnsitz-efa-ldvt/back-office-fit", null, NotFound,
            Map(([MuenchenAdmin, MuenchenViewer, BundlerAdmin, Auditor, PlatformAdmin], Ok))),
    ];
}
