using System.Security.Claims;
using Marketplace.Kernel;
using NUnit.Framework;

namespace Marketplace.Identity.Tests;

/// <summary>The shared kernel's small parts every module uses: who acts, and the page of a list.</summary>
public class KernelTests
{
    [Test]
    public void The_actor_of_a_request_is_its_subject_and_organisation_and_an_unnamed_principal_is_anonymous()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "user-1"), new Claim("org", "muenchen")], "test"));
        Assert.That(Actor.Of(user), Is.EqualTo(new Actor("user-1", "muenchen")));
        Assert.That(Actor.Of(new ClaimsPrincipal(new ClaimsIdentity())), Is.EqualTo(new Actor("anonymous", null)));
        Assert.That(Actor.Named("billing-scheduler").UserId, Is.EqualTo("system:billing-scheduler"));
    }

    [Test]
    public void A_page_takes_its_default_and_refuses_a_limit_beyond_the_maximum_and_a_negative_offset_naming_both()
    {
        Assert.That(Page.Of(null, null, 200), Is.EqualTo(new Page(50, 0)));
        Assert.That(Page.Of(200, 10, 200), Is.EqualTo(new Page(200, 10)));
        var e = Assert.Throws<RequestValidationException>(() => Page.Of(201, -1, 200))!;
        Assert.That(e.Errors.Select(x => (x.Field, x.Code)), Is.EqualTo(new[] { ("limit", (string?)"page.limit"), ("offset", (string?)"page.offset") }));
        Assert.That(e.Errors[0].Args, Is.EqualTo(new object[] { 200 }));
    }
}
