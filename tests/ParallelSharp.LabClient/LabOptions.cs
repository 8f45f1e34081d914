using System.Globalization;

namespace ParallelSharp.LabClient;

/// <summary>The scenario given on the command line.</summary>
internal sealed class LabOptions
{
    public const string Usage =
        "usage: ParallelSharp.LabClient (--nodes host:port,... | --discover IFACE) [--secret S] [--cluster C]\n" +
        "       [--jobs N] [--rounds R] [--sleep-ms MS] [--poison K] [--warmup N] [--wait-nodes K] [--wait-seen K] [--gate]\n" +
        "       [--progress-every N] [--no-node-timeout S] [--max-attempts N] [--node-wait S] [--timeout S]\n" +
        "Each round waits until --wait-nodes nodes are connected, submits --jobs jobs (plus --poison poison jobs),\n" +
        "waits for all of them and prints its figures (--warmup runs an unmeasured round 0 first;\n" +
        "with --gate each round starts only when the line 'go' arrives on standard input); stdout carries one JSON event per line.";

    public List<string> Nodes { get; } = [];

    public List<string> DiscoveryInterfaces { get; } = [];

    public string? Secret { get; private set; }

    public string Cluster { get; private set; } = "default";

    public int Jobs { get; private set; } = 100;

    public int Rounds { get; private set; } = 1;

    public int SleepMilliseconds { get; private set; } = 5;

    public int Poison { get; private set; }

    /// <summary>Jobs of an unmeasured round 0 run first (compile on every node, warm workers).</summary>
    public int Warmup { get; private set; }

    public int WaitNodes { get; private set; }

    public int WaitSeen { get; private set; }

    /// <summary>Before each measured round, print "round-ready" and wait for the line "go" on standard input (the test paces the rounds).</summary>
    public bool Gate { get; private set; }

    public int ProgressEvery { get; private set; } = 50;

    public TimeSpan? NoNodeTimeout { get; private set; }

    public int MaxAttempts { get; private set; } = 3;

    /// <summary>How long a round may wait for <see cref="WaitNodes"/> nodes (or the first round for <see cref="WaitSeen"/> services).</summary>
    public TimeSpan NodeWait { get; private set; } = TimeSpan.FromSeconds(60);

    /// <summary>The bound on the whole run; past it the client reports what is missing and exits.</summary>
    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(180);

    /// <exception cref="ArgumentException">An option is unknown, lacks its value or has a bad one.</exception>
    public static LabOptions Parse(string[] args)
    {
        var options = new LabOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int NextInt(int min) => int.Parse(Next(), CultureInfo.InvariantCulture) is var value && value >= min
                ? value
                : throw new ArgumentException($"{name} must be at least {min}");
            TimeSpan NextSeconds() => TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
            switch (name)
            {
                case "--nodes": options.Nodes.AddRange(Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--discover": options.DiscoveryInterfaces.Add(Next()); break;
                case "--secret": options.Secret = Next(); break;
                case "--cluster": options.Cluster = Next(); break;
                case "--jobs": options.Jobs = NextInt(0); break;
                case "--rounds": options.Rounds = NextInt(1); break;
                case "--sleep-ms": options.SleepMilliseconds = NextInt(0); break;
                case "--poison": options.Poison = NextInt(0); break;
                case "--warmup": options.Warmup = NextInt(0); break;
                case "--wait-nodes": options.WaitNodes = NextInt(0); break;
                case "--wait-seen": options.WaitSeen = NextInt(0); break;
                case "--gate": options.Gate = true; break;
                case "--progress-every": options.ProgressEvery = NextInt(1); break;
                case "--no-node-timeout": options.NoNodeTimeout = NextSeconds(); break;
                case "--max-attempts": options.MaxAttempts = NextInt(1); break;
                case "--node-wait": options.NodeWait = NextSeconds(); break;
                case "--timeout": options.Timeout = NextSeconds(); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (options.Nodes.Count == 0 && options.DiscoveryInterfaces.Count == 0)
            throw new ArgumentException("give --nodes or --discover");
        return options;
    }
}
