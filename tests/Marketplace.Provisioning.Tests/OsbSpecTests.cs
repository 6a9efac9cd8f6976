using System.Text.Json.Nodes;
using Marketplace.Provisioning.Broker;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>Each row of the Open Service Broker answer rules and orphan-mitigation table, without a network.</summary>
public class OsbSpecTests
{
    internal static OsbResponse Answer(int status, string? body = "{}", TimeSpan? retryAfter = null)
    {
        JsonObject? json = null;
        try { json = body is null ? null : JsonNode.Parse(body) as JsonObject; } catch (System.Text.Json.JsonException) { }
        return new OsbResponse(OsbTransport.Answered, status, json, json is not null, retryAfter, null, "req");
    }

    [TestCase(200, "{}", AnswerKind.Succeeded)]
    [TestCase(200, "{not json", AnswerKind.Rejected)]
    [TestCase(201, "{\"dashboard_url\":\"https://d.example/1\"}", AnswerKind.Succeeded)]
    [TestCase(201, "{not json", AnswerKind.OrphanMitigation)]
    [TestCase(201, "{\"dashboard_url\":42}", AnswerKind.OrphanMitigation)]
    [TestCase(202, "{\"operation\":\"op-1\"}", AnswerKind.Accepted)]
    [TestCase(202, "[]", AnswerKind.OrphanMitigation)]
    [TestCase(204, null, AnswerKind.OrphanMitigation)]
    [TestCase(400, "{}", AnswerKind.Rejected)]
    [TestCase(408, "{}", AnswerKind.RetryLater)]
    [TestCase(409, "{}", AnswerKind.Rejected)]
    [TestCase(422, "{\"error\":\"ConcurrencyError\"}", AnswerKind.RetryLater)]
    [TestCase(422, "{\"error\":\"MaintenanceInfoConflict\"}", AnswerKind.Rejected)]
    [TestCase(422, "{\"error\":\"AsyncRequired\"}", AnswerKind.Rejected)]
    [TestCase(401, "{}", AnswerKind.Rejected)]
    [TestCase(500, "{}", AnswerKind.OrphanMitigation)]
    [TestCase(503, "{}", AnswerKind.OrphanMitigation)]
    public void Provisioning_answers_follow_the_specification(int status, string? body, AnswerKind expected) =>
        Assert.That(OsbSpec.Provision(Answer(status, body)).Kind, Is.EqualTo(expected));

    [Test]
    public void A_provisioning_timeout_needs_orphan_mitigation_but_an_unsent_request_does_not()
    {
        Assert.That(OsbSpec.Provision(OsbResponse.TimedOut("60 s", "r")).Kind, Is.EqualTo(AnswerKind.OrphanMitigation));
        Assert.That(OsbSpec.Provision(OsbResponse.NotSent("refused", "r")).Kind, Is.EqualTo(AnswerKind.RetryLater));
    }

    [Test]
    public void Accepted_provisioning_carries_operation_dashboard_and_retry_after()
    {
        var a = OsbSpec.Provision(Answer(202, "{\"operation\":\"op-7\",\"dashboard_url\":\"https://d.example/7\"}", TimeSpan.FromSeconds(3)));
        Assert.That((a.Operation, a.DashboardUrl, a.RetryAfter), Is.EqualTo(("op-7", "https://d.example/7", (TimeSpan?)TimeSpan.FromSeconds(3))));
    }

    [TestCase(200, "{}", AnswerKind.Succeeded)]
    [TestCase(202, "{\"operation\":\"u\"}", AnswerKind.Accepted)]
    [TestCase(204, null, AnswerKind.Rejected)]
    [TestCase(400, "{}", AnswerKind.Rejected)]
    [TestCase(422, "{\"error\":\"ConcurrencyError\"}", AnswerKind.RetryLater)]
    [TestCase(500, "{}", AnswerKind.RetryLater)]
    public void Updates_never_need_orphan_mitigation(int status, string? body, AnswerKind expected)
    {
        Assert.That(OsbSpec.Update(Answer(status, body)).Kind, Is.EqualTo(expected));
        Assert.That(OsbSpec.Update(OsbResponse.TimedOut("t", "r")).Kind, Is.EqualTo(AnswerKind.RetryLater));
    }

    [TestCase(200, "{}", AnswerKind.Succeeded)]
    [TestCase(410, "{}", AnswerKind.Succeeded)]
    [TestCase(202, "{}", AnswerKind.Accepted)]
    [TestCase(400, "{}", AnswerKind.Rejected)]
    [TestCase(422, "{\"error\":\"ConcurrencyError\"}", AnswerKind.RetryLater)]
    [TestCase(500, "{}", AnswerKind.RetryLater)]
    [TestCase(200, "{not json", AnswerKind.RetryLater)]
    public void Deprovisioning_keeps_deleting_until_the_broker_confirms(int status, string? body, AnswerKind expected) =>
        Assert.That(OsbSpec.Deprovision(Answer(status, body)).Kind, Is.EqualTo(expected));

    [TestCase(200, "{\"state\":\"in progress\"}", false, AnswerKind.InProgress)]
    [TestCase(200, "{\"state\":\"succeeded\"}", false, AnswerKind.Succeeded)]
    [TestCase(200, "{\"state\":\"failed\",\"description\":\"kaputt\"}", false, AnswerKind.OperationFailed)]
    [TestCase(200, "{\"state\":\"unknown\"}", false, AnswerKind.Invalid)]
    [TestCase(200, "{not json", false, AnswerKind.Invalid)]
    [TestCase(410, "{}", true, AnswerKind.Succeeded)]
    [TestCase(410, "{}", false, AnswerKind.Invalid)]
    [TestCase(500, "{}", false, AnswerKind.Invalid)]
    public void Last_operation_answers_follow_the_specification(int status, string body, bool deleting, AnswerKind expected) =>
        Assert.That(OsbSpec.LastOperation(Answer(status, body), deleting).Kind, Is.EqualTo(expected));
}
