using Marketplace.Storage;
using Npgsql;
using NUnit.Framework;

namespace Marketplace.Storage.Tests;

/// <summary>The PostgreSQL defaults for a web workload apply where the operator's connection string is silent, never over it.</summary>
public class DatabaseSettingsTests
{
    [Test]
    public void A_plain_PostgreSQL_connection_string_gets_prepared_statements_and_no_reset_round_trip()
    {
        var settings = new NpgsqlConnectionStringBuilder(new Database(DatabaseEngine.Postgres, "Host=db;Database=marketplace;Username=app").ConnectionString);
        Assert.That(settings.MaxAutoPrepare, Is.GreaterThan(0));
        Assert.That(settings.AutoPrepareMinUsages, Is.EqualTo(2));
        Assert.That(settings.NoResetOnClose, Is.True);
        Assert.That(settings.Host, Is.EqualTo("db"));
    }

    [Test]
    public void What_the_operator_sets_stays()
    {
        var settings = new NpgsqlConnectionStringBuilder(new Database(DatabaseEngine.Postgres,
            "Host=db;Database=marketplace;Username=app;Max Auto Prepare=0;No Reset On Close=false;AutoPrepareMinUsages=5").ConnectionString);
        Assert.That(settings.MaxAutoPrepare, Is.EqualTo(0));
        Assert.That(settings.NoResetOnClose, Is.False);
        Assert.That(settings.AutoPrepareMinUsages, Is.EqualTo(5));
    }
}
