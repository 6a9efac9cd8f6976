using NUnit.Framework;

// Every fixture builds its own database (a copy of the migrated template) and world, so fixtures run side by side; the
// few that restart servers or clear pools say [NonParallelizable]. Four at a time keeps a 2-core machine busy while
// others wait on PostgreSQL or a sub-process.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
