using System.Data.Common;
using Marketplace.Catalog.Descriptors;
using Marketplace.Storage;

namespace Marketplace.Catalog.Import;

/// <summary>The import's open transaction, handed to the modules that take part in it.</summary>
public sealed record CatalogImportContext(DbConnection Connection, DbTransaction Transaction, ISqlDialect Dialect);

/// <summary>
/// Another module's share of a catalogue import (e.g. conformance: offerings as published versions, the
/// conformance policy and seed attestations). It reads and validates its own descriptors in catalog/ before
/// anything is written, so one invalid file still means nothing is imported; then it writes inside the import's transaction.
/// </summary>
public interface ICatalogImportParticipant
{
    CatalogImportStep Prepare(string catalogFolder, CatalogSnapshot snapshot);
}

/// <summary>
/// What a participant found in catalog/ and how it writes it. With <paramref name="WritesOfferings"/> the importer
/// leaves the offerings to the participant instead of writing the projection itself.
/// </summary>
public sealed record CatalogImportStep(
    IReadOnlyList<CatalogError> Errors,
    bool WritesOfferings,
    Func<CatalogImportContext, CancellationToken, Task<IReadOnlyDictionary<string, ImportCounts>>> Write);
