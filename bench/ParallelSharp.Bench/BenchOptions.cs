using System.Globalization;

namespace ParallelSharp.Bench;

/// <summary>What to run and how much of it, from the command line.</summary>
internal sealed class BenchOptions
{
    public static readonly string[] AllScenarios =
    [
        "throughput", "latency", "sumprimes", "coldstart", "memory",
        "remote-throughput", "remote-latency", "handshake", "discovery", "heartbeat-cost", "death-to-reschedule",
    ];

    public const string Usage = """
        usage: ParallelSharp.Bench [throughput|latency|sumprimes|coldstart|memory|all ...]
                                   [remote-throughput|remote-latency|handshake|discovery|heartbeat-cost|death-to-reschedule ...]
                                   [--n 100000] [--latency-n 2000] [--repeat 3] [--workers 2] [--pipeline-depth D]
                                   [--suffix S]   (appended to scenario names, e.g. _r2r for a ReadyToRun build)
                                   [--daemon-env NAME=VALUE ...]   (environment of the node daemons of the remote scenarios)
        Prints one JSON line per scenario on standard output, and '# ' lines for people.
        """;

    public string Command { get; private set; } = "run";

    public List<string> Scenarios { get; } = [];

    /// <summary>Jobs per throughput run.</summary>
    public int N { get; private set; } = 100_000;

    /// <summary>Jobs per latency run (after a warm-up of 500).</summary>
    public int LatencyN { get; private set; } = 2_000;

    /// <summary>How many times each measurement is repeated (medians and bests are reported).</summary>
    public int Repeat { get; private set; } = 3;

    /// <summary>Workers of the local node, and of each node daemon in the remote scenarios (the issues' targets are for 2).</summary>
    public int Workers { get; private set; } = 2;

    /// <summary>The job server's pipeline depth (jobs sent ahead per worker slot); null keeps the server's default.</summary>
    public int? PipelineDepth { get; private set; }

    /// <summary>Environment variables for the node daemons (and so their workers) of the remote scenarios, for A/B runs of runtime settings.</summary>
    public Dictionary<string, string> DaemonEnvironment { get; } = new(StringComparer.Ordinal);

    // Child-process arguments.
    public string? Phase { get; private set; }

    public string? CacheDirectory { get; private set; }

    public string? Tag { get; private set; }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--n":
                    options.N = Positive(args, ref i);
                    break;
                case "--latency-n":
                    options.LatencyN = Positive(args, ref i);
                    break;
                case "--repeat":
                    options.Repeat = Positive(args, ref i);
                    break;
                case "--workers":
                    options.Workers = Positive(args, ref i);
                    break;
                case "--pipeline-depth":
                    options.PipelineDepth = Positive(args, ref i);
                    break;
                case "--suffix":
                    Report.ScenarioSuffix = Value(args, ref i);
                    break;
                case "--daemon-env":
                    var pair = Value(args, ref i);
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals < 1)
                        throw new ArgumentException("--daemon-env needs NAME=VALUE.");
                    options.DaemonEnvironment[pair[..equals]] = pair[(equals + 1)..];
                    break;
                case "--phase":
                    options.Phase = Value(args, ref i);
                    break;
                case "--cache":
                    options.CacheDirectory = Value(args, ref i);
                    break;
                case "--tag":
                    options.Tag = Value(args, ref i);
                    break;
                case "child-coldstart" or "child-memory":
                    options.Command = arg;
                    break;
                case "all":
                    options.Scenarios.AddRange(AllScenarios);
                    break;
                default:
                    if (!AllScenarios.Contains(arg, StringComparer.Ordinal))
                        throw new ArgumentException($"Unknown argument '{arg}'.");
                    options.Scenarios.Add(arg);
                    break;
            }
        }

        if (options.Scenarios.Count == 0)
            options.Scenarios.AddRange(AllScenarios);
        return options;
    }

    /// <summary>The options of a job server with a local node as asked on the command line.</summary>
    public JobServerOptions ServerOptions(string cacheDirectory)
    {
        var server = new JobServerOptions { LocalWorkers = Workers, CacheDirectory = cacheDirectory };
        if (PipelineDepth is { } depth)
            server.PipelineDepth = depth;
        return server;
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length)
            throw new ArgumentException($"{args[i]} needs a value.");
        return args[++i];
    }

    private static int Positive(string[] args, ref int i)
    {
        var name = args[i];
        if (!int.TryParse(Value(args, ref i), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 1)
            throw new ArgumentException($"{name} needs a positive integer.");
        return value;
    }
}
