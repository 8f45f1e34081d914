// ParallelSharp's benchmark: the targets of the engine issue, measured with plain Stopwatch timings on a local
// node. Each scenario prints one JSON line (for bench/run.sh and bench/python/compare.py) and a few "# " lines
// for people. Every loop is bounded in count and time; the only transport is the in-process pipe and the
// workers' standard input and output.
using ParallelSharp.Bench;
using ParallelSharp.Bench.Scenarios;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    await Console.Error.WriteLineAsync(BenchOptions.Usage);
    return 2;
}

switch (options.Command)
{
    case "child-coldstart":
        return await ColdStartScenario.RunChildAsync(options);
    case "child-memory":
        return await MemoryScenario.RunChildAsync(options);
}

Report.Human($"ParallelSharp bench: {Environment.ProcessorCount} CPU(s), .NET {Environment.Version}, " +
    $"n={options.N}, latency n={options.LatencyN}, repeat={options.Repeat}, workers={options.Workers}");
foreach (var scenario in options.Scenarios)
{
    Report.Human($"--- {scenario} ---");
    switch (scenario)
    {
        case "throughput":
            await ThroughputScenario.RunAsync(options);
            break;
        case "latency":
            await LatencyScenario.RunAsync(options);
            break;
        case "sumprimes":
            await SumPrimesScenario.RunAsync(options);
            break;
        case "coldstart":
            await ColdStartScenario.RunAsync(options);
            break;
        case "memory":
            await MemoryScenario.RunAsync(options);
            break;
    }
}

return 0;
