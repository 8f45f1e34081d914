using System.Text.Json.Nodes;

namespace ParallelSharp.Bench.Scenarios;

/// <summary>
/// Trivial jobs (<c>x + 1</c>) through one remote node on loopback: a real daemon process with 2 workers on
/// 127.0.0.1, and a job server with <c>LocalWorkers = 0</c> connected to it over TCP; N submitted at once, time from
/// the first submit to the last result.
/// </summary>
internal static class RemoteThroughputScenario
{
    // More than the local scenario's 5,000: the daemon is a fresh process whose whole path is still being jitted (tier 0,
    // then instrumented, then optimized) after 5,000 jobs; measured, the first run after such a warm-up came out 30–45 %
    // below the next ones.
    public const int WarmUpJobs = 30_000;

    public static async Task RunAsync(BenchOptions options)
    {
        using var cache = TempDirectory.Create("remote-throughput");
        await using var daemon = await NodeDaemonProcess.StartAsync(cache.Path, RemoteNodes.WorkersArgument(options));
        var serverOptions = RemoteNodes.ServerOptions(options, daemon);
        await using var server = new JobServer(serverOptions);
        await RemoteNodes.WaitForNodesAsync(server, 1);
        Report.Human($"node daemon pid {daemon.ProcessId} at {daemon.Address}: listening {Report.F(daemon.StartToListeningSeconds, "0.000")} s after its start");

        // Warm-up: the node compiles the function and loads it into both workers; both sides' hot paths get jitted.
        await ThroughputScenario.SubmitAllAsync(server, WarmUpJobs);

        var runs = new List<RunFigures>();
        for (var run = 0; run < options.Repeat; run++)
        {
            var figures = await MeasureAsync(server, daemon, options.N);
            runs.Add(figures);
            Report.Human($"run {run + 1}: {figures.Describe(options.N)}");
        }

        var line = Report.Line("remote_throughput", "jobs/s");
        line["n"] = options.N;
        line["workers"] = options.Workers;
        line["pipeline_depth"] = serverOptions.PipelineDepth;
        line["heartbeat_interval_s"] = serverOptions.HeartbeatInterval.TotalSeconds;
        line["median"] = Report.Round(Stats.Median(runs.Select(r => r.Rate)), 0);
        line["best"] = Report.Round(runs.Max(r => r.Rate), 0);
        line["runs"] = Report.Array(runs.Select(r => r.Rate), 0);
        line["submit_phase_s_median"] = Report.Round(Stats.Median(runs.Select(r => r.SubmitSeconds)), 3);
        AddCpu(line, runs, options.N);
        line["daemon_start_to_listening_s"] = Report.Round(daemon.StartToListeningSeconds, 3);
        Report.Emit(line);
        Report.Human($"remote throughput: median {line["median"]} jobs/s (best {line["best"]})");
    }

    /// <summary>One measured run: N jobs submitted back to back, time to the last result, and the CPU each process spent on them.</summary>
    public static async Task<RunFigures> MeasureAsync(JobServer server, NodeDaemonProcess daemon, int n)
    {
        var before = RemoteCpu.Take(daemon);
        var (seconds, submitSeconds) = await ThroughputScenario.SubmitAllAsync(server, n);
        var cpu = RemoteCpu.Take(daemon) - before;
        return new RunFigures(n / seconds, seconds, submitSeconds, cpu);
    }

    /// <summary>Medians of the CPU per job of every process, and of their context switches.</summary>
    public static void AddCpu(JsonObject line, IReadOnlyList<RunFigures> runs, int n)
    {
        line["cpu_us_per_job_server"] = Report.Round(Stats.Median(runs.Select(r => r.Cpu.Server.CpuMs * 1000 / n)));
        line["cpu_us_per_job_daemon"] = Report.Round(Stats.Median(runs.Select(r => r.Cpu.Daemon.CpuMs * 1000 / n)));
        line["cpu_us_per_job_workers"] = Report.Round(Stats.Median(runs.Select(r => r.Cpu.Workers.CpuMs * 1000 / n)));
        line["voluntary_switches_per_job_server"] = Report.Round(Stats.Median(runs.Select(r => (double)r.Cpu.Server.VoluntarySwitches / n)), 2);
        line["voluntary_switches_per_job_daemon"] = Report.Round(Stats.Median(runs.Select(r => (double)r.Cpu.Daemon.VoluntarySwitches / n)), 2);
        line["voluntary_switches_per_job_workers"] = Report.Round(Stats.Median(runs.Select(r => (double)r.Cpu.Workers.VoluntarySwitches / n)), 2);
        line["threadpool_items_per_job_server"] = Report.Round(Stats.Median(runs.Select(r => (double)r.Cpu.ThreadPoolItems / n)), 2);
    }

    internal sealed record RunFigures(double Rate, double Seconds, double SubmitSeconds, RemoteCpu Cpu)
    {
        public string Describe(int n) =>
            $"{n} jobs in {Report.F(Seconds, "0.000")} s = {Report.F(Rate, "0")} jobs/s (submitting alone {Report.F(SubmitSeconds, "0.000")} s); " +
            $"CPU per job: {Report.F(Cpu.Server.CpuMs * 1000 / n)} µs job server, {Report.F(Cpu.Daemon.CpuMs * 1000 / n)} µs daemon, " +
            $"{Report.F(Cpu.Workers.CpuMs * 1000 / n)} µs workers; voluntary switches per job " +
            $"{Report.F((double)Cpu.Server.VoluntarySwitches / n, "0.00")} / {Report.F((double)Cpu.Daemon.VoluntarySwitches / n, "0.00")} / " +
            $"{Report.F((double)Cpu.Workers.VoluntarySwitches / n, "0.00")}; {Report.F((double)Cpu.ThreadPoolItems / n, "0.00")} thread-pool items per job in the job server";
    }
}
