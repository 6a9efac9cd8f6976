using NUnit.Framework;

// Every fixture has a world of its own (a copy of the imported template, its own sample broker on a free port), and fake
// clocks move only while their broker answers nothing, so fixtures run side by side; those that restart servers, kill
// host processes or clear pools say [NonParallelizable]. Four at a time keeps a 2-core machine busy while others wait
// on PostgreSQL, a broker's latency or a poll.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
