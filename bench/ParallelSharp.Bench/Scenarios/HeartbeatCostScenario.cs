using System.Diagnostics;

namespace ParallelSharp.Bench.Scenarios;

/// <summary>
/// What heartbeats cost: the remote throughput run with <c>HeartbeatInterval = 1 s</c> (the default) against the same
/// run with heartbeats off (<c>TimeSpan.Zero</c>), alternating ABBA (on, off, off, on, …) on one daemon, a fresh job
/// server for every run. The difference of the medians is the cost; the spread within each arm is the noise floor.
/// Because that floor is far above 1 % on a shared machine, the heartbeats' own CPU is also measured directly: the CPU
/// the job server and daemon processes use per second on an idle connection with heartbeats off, at the default interval
/// and at 10 ms (100 beats a second, to lift one beat's cost out of the idle noise), set against the CPU per second the
/// same processes use during a throughput run.
/// </summary>
internal static class HeartbeatCostScenario
{
    private static readonly TimeSpan IdleSettle = TimeSpan.FromMilliseconds(500);

    // Below the daemon's 10 s client timeout: with heartbeats off, a longer silence would get the connection dropped.
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan AmplifiedInterval = TimeSpan.FromMilliseconds(10);

    public static async Task RunAsync(BenchOptions options)
    {
        // Twice the repeats per arm: a 1 % effect needs more than 3 samples on a shared machine (and never fewer than 3).
        var perArm = Math.Max(3, 2 * options.Repeat);
        using var cache = TempDirectory.Create("heartbeat-cost");
        await using var daemon = await NodeDaemonProcess.StartAsync(cache.Path, RemoteNodes.WorkersArgument(options));
        var defaults = new JobServerOptions();
        var interval = defaults.HeartbeatInterval;

        // One unmeasured run first: the node compiles the function, and the bench process jits the whole path.
        await RunOnceAsync(options, daemon, interval, measure: false);

        var on = new List<RemoteThroughputScenario.RunFigures>();
        var off = new List<RemoteThroughputScenario.RunFigures>();
        for (var i = 0; i < 2 * perArm; i++)
        {
            // ABBA: on, off, off, on, on, off, … so that a drift in the machine's load falls on both arms alike.
            var heartbeats = (i % 4) is 0 or 3;
            var figures = await RunOnceAsync(options, daemon, heartbeats ? interval : TimeSpan.Zero, measure: true);
            (heartbeats ? on : off).Add(figures!);
            Report.Human($"run {i + 1} heartbeats {(heartbeats ? "on " : "off")}: {figures!.Describe(options.N)}");
        }

        double Spread(List<RemoteThroughputScenario.RunFigures> runs) =>
            (runs.Max(r => r.Rate) - runs.Min(r => r.Rate)) / Stats.Median(runs.Select(r => r.Rate)) * 100;
        var onMedian = Stats.Median(on.Select(r => r.Rate));
        var offMedian = Stats.Median(off.Select(r => r.Rate));
        // Adjacent on/off runs (the pairs of the ABBA order) compared one by one: each pair saw about the same load.
        var pairs = Enumerable.Range(0, perArm).Select(k => (on[k].Rate - off[k].Rate) / off[k].Rate * 100).ToList();
        var onCpu = Stats.Median(on.Select(r => r.Cpu.Server.CpuMs * 1000 / options.N));
        var offCpu = Stats.Median(off.Select(r => r.Cpu.Server.CpuMs * 1000 / options.N));

        // The direct measure: CPU per second of an idle connection with heartbeats off, at the default interval, and at a
        // 10 ms interval that multiplies their work by 100, so that the cost of one beat stands out of the idle noise.
        TimeSpan[] idleArms = [TimeSpan.Zero, interval, AmplifiedInterval];
        var idle = idleArms.ToDictionary(a => a, _ => new List<double>());
        for (var k = 0; k < options.Repeat; k++)
        {
            for (var j = 0; j < idleArms.Length; j++)
            {
                var arm = idleArms[(j + k) % idleArms.Length]; // the order rotates each round
                var cpuPerSecond = await IdleCpuPerSecondAsync(options, daemon, arm);
                idle[arm].Add(cpuPerSecond);
                Report.Human($"idle {Report.F(IdleWindow.TotalSeconds, "0")} s, heartbeat interval {(arm == TimeSpan.Zero ? "off" : Report.F(arm.TotalMilliseconds, "0") + " ms")}: " +
                    $"job server + daemon used {Report.F(cpuPerSecond, "0")} µs of CPU per second");
            }
        }

        var idleOff = Stats.Median(idle[TimeSpan.Zero]);
        var idleDefault = Stats.Median(idle[interval]);
        var idleAmplified = Stats.Median(idle[AmplifiedInterval]);
        // The job server's timer checks the silence ten times per timeout (every 250 ms with the defaults) and sends one
        // beat per interval; at 10 ms every tick sends. One tick-with-beat costs perBeat; the default costs at most ticks/s × that.
        var perBeat = (idleAmplified - idleOff) * AmplifiedInterval.TotalSeconds;
        var ticksPerSecond = Math.Ceiling(interval / (defaults.HeartbeatTimeout / 10)) / interval.TotalSeconds;
        var defaultBound = perBeat * ticksPerSecond;
        // CPU per second the job server and the daemon use while the jobs flow (heartbeats on): what the heartbeats' share is of.
        var busyCpuPerSecond = Stats.Median(on.Select(r => (r.Cpu.Server.CpuMs + r.Cpu.Daemon.CpuMs) * 1000 / r.Seconds));

        var line = Report.Line("heartbeat_cost", "%");
        line["n"] = options.N;
        line["workers"] = options.Workers;
        line["runs_per_arm"] = perArm;
        line["heartbeat_interval_s"] = interval.TotalSeconds;
        line["on_median"] = Report.Round(onMedian, 0);
        line["off_median"] = Report.Round(offMedian, 0);
        line["on_runs"] = Report.Array(on.Select(r => r.Rate), 0);
        line["off_runs"] = Report.Array(off.Select(r => r.Rate), 0);
        // Positive: heartbeats cost throughput.
        line["cost_percent"] = Report.Round((offMedian - onMedian) / offMedian * 100, 2);
        line["pair_on_minus_off_percent"] = Report.Array(pairs, 2);
        line["pair_median_percent"] = Report.Round(Stats.Median(pairs), 2);
        line["spread_on_percent"] = Report.Round(Spread(on), 1);
        line["spread_off_percent"] = Report.Round(Spread(off), 1);
        line["cpu_us_per_job_server_on"] = Report.Round(onCpu, 2);
        line["cpu_us_per_job_server_off"] = Report.Round(offCpu, 2);
        line["idle_cpu_us_per_s_off"] = Report.Round(idleOff, 0);
        line["idle_cpu_us_per_s_default"] = Report.Round(idleDefault, 0);
        line["idle_cpu_us_per_s_10ms"] = Report.Round(idleAmplified, 0);
        line["idle_runs_off"] = Report.Array(idle[TimeSpan.Zero], 0);
        line["idle_runs_default"] = Report.Array(idle[interval], 0);
        line["idle_runs_10ms"] = Report.Array(idle[AmplifiedInterval], 0);
        line["heartbeat_cpu_us_per_beat"] = Report.Round(perBeat, 1);
        line["heartbeat_cpu_us_per_s_default_measured"] = Report.Round(idleDefault - idleOff, 0);
        line["heartbeat_cpu_us_per_s_default_bound"] = Report.Round(defaultBound, 0);
        line["busy_cpu_us_per_s"] = Report.Round(busyCpuPerSecond, 0);
        line["heartbeat_share_of_busy_cpu_percent"] = Report.Round(defaultBound / busyCpuPerSecond * 100, 3);
        Report.Emit(line);
        Report.Human($"heartbeat cost, throughput A/B: on {line["on_median"]} jobs/s vs off {line["off_median"]} jobs/s = {line["cost_percent"]} % " +
            $"(pairs {string.Join(", ", pairs.Select(p => Report.F(p, "0.0")))} %; spread within an arm {line["spread_on_percent"]} % / {line["spread_off_percent"]} %); " +
            $"job server CPU per job {Report.F(onCpu, "0.00")} vs {Report.F(offCpu, "0.00")} µs");
        Report.Human($"heartbeats' own CPU: {line["heartbeat_cpu_us_per_beat"]} µs per beat (idle at 10 ms: {line["idle_cpu_us_per_s_10ms"]} µs/s vs off " +
            $"{line["idle_cpu_us_per_s_off"]} µs/s); at the default interval at most {line["heartbeat_cpu_us_per_s_default_bound"]} µs per second " +
            $"({Report.F(ticksPerSecond, "0")} timer ticks/s; measured directly {line["heartbeat_cpu_us_per_s_default_measured"]} µs/s, within the idle noise) " +
            $"= {line["heartbeat_share_of_busy_cpu_percent"]} % of the {line["busy_cpu_us_per_s"]} µs per second the job server and daemon use while jobs flow");
    }

    private static async Task<RemoteThroughputScenario.RunFigures?> RunOnceAsync(BenchOptions options, NodeDaemonProcess daemon, TimeSpan heartbeatInterval, bool measure)
    {
        var serverOptions = RemoteNodes.ServerOptions(options, daemon);
        serverOptions.HeartbeatInterval = heartbeatInterval;
        await using var server = new JobServer(serverOptions);
        await RemoteNodes.WaitForNodesAsync(server, 1);
        await ThroughputScenario.SubmitAllAsync(server, RemoteThroughputScenario.WarmUpJobs);
        return measure ? await RemoteThroughputScenario.MeasureAsync(server, daemon, options.N) : null;
    }

    /// <summary>CPU (µs per second) of the job server process and the daemon process over an idle window, the connection up.</summary>
    private static async Task<double> IdleCpuPerSecondAsync(BenchOptions options, NodeDaemonProcess daemon, TimeSpan heartbeatInterval)
    {
        var serverOptions = RemoteNodes.ServerOptions(options, daemon);
        serverOptions.HeartbeatInterval = heartbeatInterval;
        await using var server = new JobServer(serverOptions);
        await RemoteNodes.WaitForNodesAsync(server, 1);
        await server.Submit<long>(Sources.Increment, 1L).Task.WaitAsync(Timeouts.Job);
        await Task.Delay(IdleSettle);
        // Nanosecond CPU per thread (schedstat): an idle second is worth milliseconds, too little for the 10 ms ticks of /proc/<pid>/stat.
        var serverBefore = ThreadCpu.Take(Environment.ProcessId);
        var daemonBefore = ThreadCpu.Take(daemon.ProcessId);
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(IdleWindow);
        var cpuMs = ThreadCpu.Take(Environment.ProcessId).MillisecondsSince(serverBefore) + ThreadCpu.Take(daemon.ProcessId).MillisecondsSince(daemonBefore);
        if (server.ActiveNodes.Count != 1)
            throw new InvalidOperationException("The node disconnected during the idle window; the window must stay below the daemon's client timeout.");
        return cpuMs * 1000 / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
