using NUnit.Framework;

// Every world has its own database (a copy of the imported template) and its own sample broker, so fixtures run side by
// side; the ones that restart PostgreSQL, clear connection pools or start host processes say [NonParallelizable].
// Broker deadlines that a test means to reach run on a fake clock, so a loaded machine does not turn quick answers into
// timeouts. Four at a time keeps a 2-core machine busy while others wait on PostgreSQL or a broker.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
