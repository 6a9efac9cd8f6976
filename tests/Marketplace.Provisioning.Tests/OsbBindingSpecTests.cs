using Marketplace.Provisioning.Broker;
using NUnit.Framework;

namespace Marketplace.Provisioning.Tests;

/// <summary>The binding rows of the Open Service Broker answer rules and orphan-mitigation table, without a network.</summary>
public class OsbBindingSpecTests
{
    private static OsbResponse Answer(int status, string? body = "{}") => OsbSpecTests.Answer(status, body);

    [TestCase(200, "{\"credentials\":{\"password\":\"p\"}}", AnswerKind.Succeeded)]
    [TestCase(200, "{not json", AnswerKind.Rejected)]
    [TestCase(201, "{\"credentials\":{\"password\":\"p\"},\"endpoints\":[]}", AnswerKind.Succeeded)]
    [TestCase(201, "{not json", AnswerKind.OrphanMitigation)]
    [TestCase(201, "{\"credentials\":\"p\"}", AnswerKind.OrphanMitigation)]
    [TestCase(202, "{\"operation\":\"op-1\"}", AnswerKind.Accepted)]
    [TestCase(202, "{\"operation\":7}", AnswerKind.OrphanMitigation)]
    [TestCase(204, null, AnswerKind.OrphanMitigation)]
    [TestCase(302, "{}", AnswerKind.Rejected)]
    [TestCase(400, "{}", AnswerKind.Rejected)]
    [TestCase(408, "{}", AnswerKind.RetryLater)]
    [TestCase(409, "{}", AnswerKind.Rejected)]
    [TestCase(422, "{\"error\":\"ConcurrencyError\"}", AnswerKind.RetryLater)]
    [TestCase(422, "{\"error\":\"RequiresApp\"}", AnswerKind.Rejected)]
    [TestCase(429, "{}", AnswerKind.RetryLater)]
    [TestCase(500, "{}", AnswerKind.OrphanMitigation)]
    public void Binding_answers_follow_the_specification(int status, string? body, AnswerKind expected) =>
        Assert.That(OsbSpec.Bind(Answer(status, body)).Kind, Is.EqualTo(expected));

    [Test]
    public void A_binding_timeout_needs_orphan_mitigation_but_an_unsent_request_does_not()
    {
        Assert.That(OsbSpec.Bind(OsbResponse.TimedOut("60 s", "r")).Kind, Is.EqualTo(AnswerKind.OrphanMitigation));
        Assert.That(OsbSpec.Bind(OsbResponse.NotSent("refused", "r")).Kind, Is.EqualTo(AnswerKind.RetryLater));
    }

    [TestCase(200, "{}", AnswerKind.Succeeded)]
    [TestCase(410, "{}", AnswerKind.Succeeded)]
    [TestCase(202, "{\"operation\":\"op\"}", AnswerKind.Accepted)]
    [TestCase(200, "{not json", AnswerKind.RetryLater)]
    [TestCase(422, "{\"error\":\"ConcurrencyError\"}", AnswerKind.RetryLater)]
    [TestCase(400, "{}", AnswerKind.Rejected)]
    [TestCase(408, "{}", AnswerKind.RetryLater)]
    [TestCase(500, "{}", AnswerKind.RetryLater)]
    public void Unbinding_is_confirmed_only_by_200_or_410(int status, string? body, AnswerKind expected) =>
        Assert.That(OsbSpec.Unbind(Answer(status, body)).Kind, Is.EqualTo(expected));

    [Test]
    public void A_binding_is_fetched_only_with_its_credentials()
    {
        Assert.That(OsbSpec.FetchBinding(Answer(200, "{\"credentials\":{\"u\":\"x\"}}")).Kind, Is.EqualTo(AnswerKind.Succeeded));
        Assert.That(OsbSpec.FetchBinding(Answer(404)).Kind, Is.EqualTo(AnswerKind.Invalid), "still being created: ask again");
        Assert.That(OsbSpec.FetchBinding(Answer(200, "{}")).Kind, Is.EqualTo(AnswerKind.Invalid));
        var kept = OsbSpec.BindingSecrets(Answer(201, "{\"credentials\":{\"u\":\"x\"},\"endpoints\":[{\"host\":\"h\"}],\"metadata\":{}}"));
        Assert.That(kept.Select(p => p.Key), Is.EqualTo(new[] { "credentials", "endpoints" }));
    }
}
