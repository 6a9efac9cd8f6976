using Marketplace.Bench;

// dotnet run -c Release --project bench/Marketplace.Bench -- search [--short] [--offerings N] [--seconds S] [--connections C]   (--short: 10 s phases)
//                                                       relevance [--verbose]   (recall@10 and MRR on the judged set from ../shared/data)
//                                                       load [--seconds 60] [--connections 64] [--kind-seconds 10] [--pool-size 8]   (PostgreSQL from MARKETPLACE_TEST_POSTGRES)
var options = BenchOptions.Parse(args);
return options.Benchmark switch
{
    "search" => await SearchBenchmark.RunAsync(options),
    "search-profile" => SearchProfile.Run(options),
    "relevance" => RelevanceCommand.Run(options, args.Contains("--verbose")),
    "load" => await LoadBenchmark.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Marketplace.Bench search [--short] [--offerings 10000] [--seconds 20] [--connections 64] | search-profile | relevance [--verbose] | load [--seconds 60] [--connections 64] [--kind-seconds 10] [--pool-size 8]");
    return 2;
}
