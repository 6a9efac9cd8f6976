using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Provisioning.Rollouts;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>
/// Size limits of what the API reads: JSON bodies (bytes and nodes, beside the depth) and CSV uploads (bytes, rows,
/// columns, cell length, malformed lines) are refused with a problem naming the field, never parsed at any cost.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
[NonParallelizable] // on SharedHosts, beside fixtures that change its state
public class InputLimitsTests(DatabaseEngine engine)
{
    private IdentityHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await SharedHosts.For(engine);

    private static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonNode.Parse(body)!;
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Has.Some.StartsWith(field), body);
        return problem;
    }

    private async Task<HttpResponseMessage> PostJsonAsync(string principal, string url, string json) =>
        await (await _host.SignedInAsync(principal)).PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    [Test]
    public async Task A_JSON_body_of_more_nodes_than_the_limit_is_refused_as_too_large()
    {
        var json = "{\"reason\":[" + string.Join(",", Enumerable.Repeat("0", 60_000)) + "]}";
        await ProblemAsync(await PostJsonAsync(DenialMatrix.MuenchenAdmin, "/api/v1/municipalities/09162000/orders/no-such-order/rejection", json),
            HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [Test]
    public async Task A_JSON_body_over_4_MiB_is_refused_as_too_large()
    {
        var json = "{\"reason\":\"" + new string('x', 5 * 1024 * 1024) + "\"}";
        await ProblemAsync(await PostJsonAsync(DenialMatrix.MuenchenAdmin, "/api/v1/municipalities/09162000/orders/no-such-order/rejection", json),
            HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [Test]
    public async Task A_JSON_null_where_a_value_is_required_is_refused_naming_the_field()
    {
        var json = "{\"bundleId\":\"umzug\",\"selections\":[{\"ozgId\":null,\"offeringId\":\"x\",\"planId\":\"y\"}]}";
        await ProblemAsync(await PostJsonAsync(DenialMatrix.MuenchenAdmin, "/api/v1/municipalities/09162000/bundle-orders", json),
            HttpStatusCode.BadRequest, "selections");
    }

    [Test]
    public async Task A_null_element_in_a_list_of_values_is_refused_naming_the_list()
    {
        var response = await (await _host.SignedInAsync(DenialMatrix.BundlerAdmin)).PostAsync("/api/v1/rollouts", new StringContent(
            "{\"offeringId\":\"hundesteuer-online-amtsfuchs\",\"planId\":\"standard\",\"municipalityAgs\":[\"09162000\",null]}", Encoding.UTF8, "application/json"));
        await ProblemAsync(response, HttpStatusCode.BadRequest, "municipalityAgs");
    }

    /// <summary>A rollout whose only fault is its CSV, so nothing is started.</summary>
    private async Task<HttpResponseMessage> RolloutAsync(string csv) =>
        await (await _host.SignedInAsync(DenialMatrix.BundlerAdmin)).PostAsJsonAsync("/api/v1/rollouts", new
        {
            offeringId = "hundesteuer-online-amtsfuchs", planId = "standard", municipalityAgs = new[] { "09162000" }, overridesCsv = csv,
        });

    [Test]
    public async Task A_CSV_with_more_rows_than_the_limit_is_refused_naming_the_upload()
    {
        var csv = "ags;behoerde\n" + string.Concat(Enumerable.Repeat("09162000;Amt\n", CsvUploadLimits.MaxRows + 1));
        var problem = await ProblemAsync(await RolloutAsync(csv), HttpStatusCode.BadRequest, "overridesCsv");
        Assert.That(problem.ToJsonString(), Does.Contain(CsvUploadLimits.MaxRows.ToString()));
    }

    [Test]
    public async Task A_CSV_cell_longer_than_the_limit_is_refused_naming_its_line() =>
        await ProblemAsync(await RolloutAsync("ags;behoerde\n09162000;" + new string('x', CsvUploadLimits.MaxFieldLength + 1) + "\n"),
            HttpStatusCode.BadRequest, "overridesCsv/line 2");

    [Test]
    public async Task A_CSV_over_the_size_limit_is_refused_before_it_is_parsed() =>
        await ProblemAsync(await RolloutAsync("ags;behoerde\n" + new string('x', CsvUploadLimits.MaxBytes + 1)), HttpStatusCode.BadRequest, "overridesCsv");

    [Test]
    public async Task A_CSV_with_too_many_columns_is_refused() =>
        await ProblemAsync(await RolloutAsync("ags;" + string.Join(";", Enumerable.Range(0, CsvUploadLimits.MaxColumns).Select(i => $"c{i}")) + "\n"),
            HttpStatusCode.BadRequest, "overridesCsv");

    [Test]
    public async Task A_malformed_CSV_line_is_a_field_error_not_a_500() =>
        await ProblemAsync(await RolloutAsync("ags;behoerde\n09162000;\"Amt \"unterbrochen\" weiter\n09162000;\"offen\n"), HttpStatusCode.BadRequest, "overridesCsv");
}
