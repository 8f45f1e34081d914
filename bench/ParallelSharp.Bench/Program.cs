// ParallelSharp's benchmark: the targets of the engine issue, measured with plain Stopwatch timings on a local
// node, and those of the remote-nodes and fault-tolerance issues with real node daemon processes on 127.0.0.1.
// Each scenario prints one JSON line (for bench/run.sh and bench/python/compare.py) and a few "# " lines for
// people. Every loop is bounded in count and time. Nothing leaves this machine: the local scenarios use the
// in-process pipe and the workers' standard input and output; the remote ones TCP on loopback, and mDNS on the
// loopback interface only. Every daemon is killed, with its workers, when its scenario ends.
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

foreach (var (name, value) in options.DaemonEnvironment)
{
    NodeDaemonProcess.ExtraEnvironment[name] = value;
    Report.Human($"node daemons (and their workers) start with {name}={value}");
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
        case "remote-throughput":
            await RemoteThroughputScenario.RunAsync(options);
            break;
        case "remote-latency":
            await RemoteLatencyScenario.RunAsync(options);
            break;
        case "handshake":
            await HandshakeScenario.RunAsync(options);
            break;
        case "discovery":
            await DiscoveryScenario.RunAsync(options);
            break;
        case "heartbeat-cost":
            await HeartbeatCostScenario.RunAsync(options);
            break;
        case "death-to-reschedule":
            await DeathToRescheduleScenario.RunAsync(options);
            break;
    }
}

return 0;
