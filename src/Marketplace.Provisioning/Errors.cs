namespace Marketplace.Provisioning;

// The service layer's refusals are the kernel's (NotFoundException, ForbiddenException, ConflictException,
// RequestValidationException); RefusalProblems answers each with one problem-details status.

/// <summary>The same Idempotency-Key came with a different request body (422, naming the header).</summary>
public sealed class IdempotencyKeyReusedException : RequestValidationException
{
    public IdempotencyKeyReusedException(string key)
        : base([FieldError.Coded(Api.ProvisioningApi.IdempotencyKeyHeader, "idempotency-key.reused", "schon für eine andere Anfrage verwendet")],
            $"Idempotency-Key '{key}' was already used for a different request")
    {
        Key = key;
        StatusCode = 422;
    }

    public string Key { get; }
}
