using NUnit.Framework;

// Fixtures with a host (or database) of their own run side by side; those on a host of SharedHosts change or read state
// the others there change (München's threshold, the matrix draft), so they say [NonParallelizable], as do the ones that
// restart hosts or measure rate-limit windows. Three at a time keeps a 2-core machine busy while others wait on
// PostgreSQL, a sample broker or a poll.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(3)]
