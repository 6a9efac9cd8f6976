using Marketplace.Kernel;
using Marketplace.Billing.Accounts;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Pricing;
using Marketplace.Billing.Runs;
using Marketplace.Billing.Tests.Support;
using Marketplace.Storage;
using Marketplace.Testing;
using NUnit.Framework;
using static Marketplace.Billing.Tests.Support.BillingWorld;

namespace Marketplace.Billing.Tests;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Engines))]
public class InvoiceStateTests(DatabaseEngine engine)
{
    private BillingWorld _world = null!;
    private string _invoiceId = null!;

    [SetUp]
    public async Task SetUp()
    {
        _world = await BillingWorld.CreateAsync(engine);
        await _world.SubscribeAsync("sub-m1", Muenchen, Bauantrag, new Period("2026-10-01T00:00:00+02:00", null, "gemeinde", "support-plus"));
        await _world.Runs.RunAsync(new BillingMonth(2026, 11), Admin);
        _invoiceId = (await _world.Invoices.ListForMunicipalityAsync(Muenchen)).Single().Id;
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    private async Task<string> State() => (await _world.Invoices.GetAsync(_invoiceId))!.Invoice.State;

    [Test]
    public async Task A_draft_without_a_billing_account_stays_a_draft()
    {
        var e = await Assert.ThrowsAsync<BillingAccountIncompleteException>(() => _world.Invoices.FinalizeAsync(_invoiceId, Admin));
        Assert.That(e!.Readiness.Open, Is.EqualTo(new[] { BillingCheckItems.Address, BillingCheckItems.PaymentChannel, BillingCheckItems.Email }),
            "nothing of the checklist is there yet; without a Leitweg-ID an XRechnung goes by e-mail");
        Assert.That(await State(), Is.EqualTo(InvoiceStates.Draft));
    }

    [Test]
    public async Task Finalizing_a_month_names_what_each_billing_account_still_lacks()
    {
        // The organisation has its address and Leitweg-ID; the municipality has not chosen a payment channel yet.
        await _world.OrganisationAsync(Muenchen, "09162000-12345-95", "Rathausplatz 1");
        var result = await _world.Invoices.FinalizePeriodAsync(new BillingMonth(2026, 11), Admin);
        Assert.That(result.Finalized.Select(i => i.MunicipalityAgs), Has.No.Member(Muenchen));
        var incomplete = result.Incomplete.Single(i => i.MunicipalityAgs == Muenchen);
        Assert.That((incomplete.MunicipalityAgs, incomplete.Open), Is.EqualTo((Muenchen, new[] { BillingCheckItems.PaymentChannel, BillingCheckItems.Email })));
        Assert.That(result.Problems.Select(p => p.Message), Has.Some.Contains("payment-channel, email").And.Some.Contains(incomplete.InvoiceNumber));

        // A Leitweg-ID whose check digits do not match is invalid; paying by Stripe, none is needed.
        await _world.OrganisationAsync(Muenchen, "09162000-12345-96", "Rathausplatz 1");
        Assert.That((await _world.Accounts.ReadinessAsync(Muenchen)).Checks.Single(c => c.Item == BillingCheckItems.LeitwegId).State, Is.EqualTo(BillingCheckStates.Invalid));
        await _world.AccountAsync(Muenchen, PaymentChannels.Stripe, leitweg: null);
        var stripe = await _world.Accounts.ReadinessAsync(Muenchen);
        Assert.That((stripe.Ready, stripe.Checks.Single(c => c.Item == BillingCheckItems.LeitwegId).State), Is.EqualTo((true, BillingCheckStates.NotNeeded)));
        Assert.That((await _world.Invoices.FinalizeAsync(_invoiceId, Admin)).State, Is.EqualTo(InvoiceStates.Finalized));
    }

    [Test]
    public async Task Finalizing_freezes_buyer_seller_and_dates()
    {
        await _world.AccountAsync(Muenchen);
        var invoice = await _world.Invoices.FinalizeAsync(_invoiceId, Admin);
        Assert.That((invoice.State, invoice.PaymentChannel, invoice.IssueDate, invoice.DueDate),
            Is.EqualTo((InvoiceStates.Finalized, PaymentChannels.XRechnung, "2026-12-05", "2027-01-04")));
        Assert.That(invoice.BuyerJson, Does.Contain("09162000-12345-95"));
        Assert.That(invoice.SellerJson, Does.Contain("DE123456789"));

        // A later address change does not reach the issued invoice.
        await _world.OrganisationAsync(Muenchen, "09162000-12345-95", "Neue Straße 2");
        Assert.That((await _world.Invoices.GetAsync(_invoiceId))!.Invoice.BuyerJson, Does.Contain("Rathausplatz 1"));
    }

    [Test]
    public async Task An_invoice_that_would_break_the_XRechnung_rules_is_not_issued()
    {
        await _world.AccountAsync(Muenchen);
        _world.Options.Seller.ContactPhone = "";
        var e = await Assert.ThrowsAsync<ConflictException>(() => _world.Invoices.FinalizeAsync(_invoiceId, Admin));
        Assert.That(e!.Code, Is.EqualTo("invoice.not-xrechnung"));
        Assert.That(e.Message, Does.Contain("BR-DE-6"));
        Assert.That(await State(), Is.EqualTo(InvoiceStates.Draft));
    }

    [Test]
    public async Task Paid_after_a_failed_payment_and_every_change_audited_once()
    {
        await _world.AccountAsync(Muenchen);
        await _world.Invoices.FinalizeAsync(_invoiceId, Admin);
        Assert.That(await _world.Invoices.MarkPaymentFailedAsync(_invoiceId, "card declined", Admin), Is.True);
        Assert.That(await _world.Invoices.MarkPaidAsync(_invoiceId, Admin), Is.True);
        Assert.That(await _world.Invoices.MarkPaidAsync(_invoiceId, Admin), Is.False);               // again: nothing changes
        Assert.That(await _world.Invoices.MarkPaymentFailedAsync(_invoiceId, "late", Admin), Is.False); // after payment: ignored
        Assert.That(await State(), Is.EqualTo(InvoiceStates.Paid));
        var actions = (await _world.Audit.QueryAsync(new Audit.AuditQuery(ObjectType: "invoice", ObjectId: _invoiceId))).Select(a => a.Action).Reverse();
        Assert.That(actions, Is.EqualTo(new[] { "billing.invoice.finalize", "billing.invoice.payment_failed", "billing.invoice.paid" }));
        var paid = await Assert.ThrowsAsync<ConflictException>(() => _world.Invoices.VoidAsync(_invoiceId, Admin));
        Assert.That((paid!.Code, (ResourceWord)paid.Args[1], (ResourceWord)paid.Args[2]),
            Is.EqualTo(("invoice.transition", new ResourceWord("Billing.State.paid", "paid"), new ResourceWord("Billing.State.void", "void"))));
    }

    [Test]
    public async Task A_draft_can_be_voided_but_not_paid()
    {
        await Assert.ThrowsAsync<ConflictException>(() => _world.Invoices.MarkPaidAsync(_invoiceId, Admin));
        Assert.That(await _world.Invoices.VoidAsync(_invoiceId, Admin), Is.True);
        Assert.That(await State(), Is.EqualTo(InvoiceStates.Void));
        var voided = await Assert.ThrowsAsync<ConflictException>(() => _world.Invoices.FinalizeAsync(_invoiceId, Admin));
        Assert.That(voided!.Code, Is.EqualTo("invoice.not-draft"));
    }

    [Test]
    public async Task An_unknown_invoice_is_not_found() =>
        Assert.That(await Assert.ThrowsAsync<NotFoundException>(() => _world.Invoices.MarkPaidAsync("nope", Admin)),
            Has.Property(nameof(NotFoundException.Kind)).EqualTo("invoice").And.Property(nameof(NotFoundException.Code)).EqualTo("not-found"));

    [Test]
    public async Task A_billing_account_for_XRechnung_needs_a_Leitweg_ID()
    {
        await _world.OrganisationAsync(Muenchen, null, "Str. 1");
        var e = await Assert.ThrowsAsync<RequestValidationException>(() => _world.Accounts.SaveAsync(
            new BillingAccountSettings(Muenchen, PaymentChannels.XRechnung, "a@b.de"), Admin));
        Assert.That(e!.Field, Is.EqualTo("leitwegId"));
    }
}
