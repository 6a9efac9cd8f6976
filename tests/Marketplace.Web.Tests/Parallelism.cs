using NUnit.Framework;

// Every fixture starts its own host on its own database (a copy of the seeded template), so fixtures run side by side;
// the ones that read the process-wide metrics or traces, redirect the console or start host processes say
// [NonParallelizable]. Four at a time keeps a 2-core machine busy while others wait on PostgreSQL.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
