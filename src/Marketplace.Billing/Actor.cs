namespace Marketplace.Billing;

/// <summary>Who acts: the user and organisation the audit trail records (a system name for background work).</summary>
public sealed record Actor(string UserId, string? OrganisationId)
{
    public static Actor System(string name) => new($"system:{name}", null);
}

/// <summary>A request the billing engine refuses, with the field at fault (maps to a validation problem).</summary>
public sealed class BillingValidationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
    public IDictionary<string, string[]> Errors => new Dictionary<string, string[]> { [Field] = [Message] };
}

/// <summary>An object that does not exist for the caller (maps to 404).</summary>
public sealed class BillingNotFoundException(string message) : Exception(message);

/// <summary>A state change the object's current state does not allow (maps to 409).</summary>
public class BillingConflictException(string message) : Exception(message);
