using NUnit.Framework;

// Every fixture has a world of its own (a copy of the imported template, its own sample broker on a free port), and fake
// clocks move only while their broker answers nothing, so fixtures run side by side, host processes on their own
// databases too; only the database restart, which clears this process's pools, says [NonParallelizable]. Four at a
// time keeps a 2-core machine busy while others wait on PostgreSQL, a broker's latency, a poll or a host process.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
