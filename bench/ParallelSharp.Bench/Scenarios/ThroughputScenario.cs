using System.Diagnostics;

namespace ParallelSharp.Bench.Scenarios;

/// <summary>
/// Many trivial jobs (<c>x + 1</c>) at once: N submitted in a loop, time from the first submit to the last result;
/// and the same N through <c>Map</c> with its default chunking.
/// </summary>
internal static class ThroughputScenario
{
    private const int WarmUpJobs = 5_000;

    public static async Task RunAsync(BenchOptions options)
    {
        using var cache = TempDirectory.Create("throughput");
        var serverOptions = options.ServerOptions(cache.Path);
        await using var server = new JobServer(serverOptions);
        await server.WaitUntilReadyAsync().WaitAsync(Timeouts.Start);

        // Warm-up: compile, load the package into every worker, and get the hot paths jitted on both sides.
        await SubmitAllAsync(server, WarmUpJobs);
        await MapAsync(server, WarmUpJobs);

        var rates = new List<double>();
        var submitPhases = new List<double>();
        var cpus = new List<CpuSnapshot>();
        for (var run = 0; run < options.Repeat; run++)
        {
            var before = CpuSnapshot.Take(server);
            var (seconds, submitSeconds) = await SubmitAllAsync(server, options.N);
            var cpu = CpuSnapshot.Take(server) - before;
            rates.Add(options.N / seconds);
            submitPhases.Add(submitSeconds);
            cpus.Add(cpu);
            Report.Human($"submit run {run + 1}: {options.N} jobs in {Report.F(seconds, "0.000")} s = {Report.F(options.N / seconds, "0")} jobs/s " +
                $"(submitting alone took {Report.F(submitSeconds, "0.000")} s); per job: CPU {Report.F(cpu.Server.CpuMs * 1000 / options.N)} µs in the job server " +
                $"(with the node), {Report.F(cpu.Workers.CpuMs * 1000 / options.N)} µs in the workers; voluntary context switches " +
                $"{Report.F((double)cpu.Server.VoluntarySwitches / options.N, "0.00")} / {Report.F((double)cpu.Workers.VoluntarySwitches / options.N, "0.00")}, " +
                $"involuntary {Report.F((double)cpu.Server.InvoluntarySwitches / options.N, "0.00")} / {Report.F((double)cpu.Workers.InvoluntarySwitches / options.N, "0.00")}; " +
                $"{Report.F((double)cpu.ThreadPoolItems / options.N, "0.00")} thread-pool work items in the job server");
        }

        var line = Report.Line("throughput_submit", "jobs/s");
        line["n"] = options.N;
        line["workers"] = options.Workers;
        line["pipeline_depth"] = serverOptions.PipelineDepth;
        line["median"] = Report.Round(Stats.Median(rates), 0);
        line["best"] = Report.Round(rates.Max(), 0);
        line["runs"] = Report.Array(rates, 0);
        line["submit_phase_s_median"] = Report.Round(Stats.Median(submitPhases), 3);
        line["cpu_us_per_job_server"] = Report.Round(Stats.Median(cpus.Select(c => c.Server.CpuMs * 1000 / options.N)));
        line["cpu_us_per_job_workers"] = Report.Round(Stats.Median(cpus.Select(c => c.Workers.CpuMs * 1000 / options.N)));
        line["voluntary_switches_per_job_server"] = Report.Round(Stats.Median(cpus.Select(c => (double)c.Server.VoluntarySwitches / options.N)), 2);
        line["voluntary_switches_per_job_workers"] = Report.Round(Stats.Median(cpus.Select(c => (double)c.Workers.VoluntarySwitches / options.N)), 2);
        line["threadpool_items_per_job"] = Report.Round(Stats.Median(cpus.Select(c => (double)c.ThreadPoolItems / options.N)), 2);
        line["involuntary_switches_per_job"] = Report.Round(Stats.Median(cpus.Select(c => (double)(c.Server.InvoluntarySwitches + c.Workers.InvoluntarySwitches) / options.N)), 2);
        Report.Emit(line);

        var mapRates = new List<double>();
        for (var run = 0; run < options.Repeat; run++)
        {
            var seconds = await MapAsync(server, options.N);
            mapRates.Add(options.N / seconds);
            Report.Human($"map run {run + 1}: {options.N} inputs in {Report.F(seconds, "0.000")} s = {Report.F(options.N / seconds, "0")} jobs/s");
        }

        var map = Report.Line("throughput_map", "jobs/s");
        map["n"] = options.N;
        map["workers"] = options.Workers;
        map["chunk_size"] = "default";
        map["median"] = Report.Round(Stats.Median(mapRates), 0);
        map["best"] = Report.Round(mapRates.Max(), 0);
        map["runs"] = Report.Array(mapRates, 0);
        Report.Emit(map);
        Report.Human($"throughput: submit median {line["median"]} jobs/s (best {line["best"]}); map median {map["median"]} jobs/s (best {map["best"]})");
    }

    /// <summary>Submits <paramref name="n"/> jobs back to back and waits for all; returns the total and the submitting time.</summary>
    public static async Task<(double Seconds, double SubmitSeconds)> SubmitAllAsync(JobServer server, int n)
    {
        var tasks = new Task<long>[n];
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
            tasks[i] = server.Submit<long>(Sources.Increment, (long)i).Task;
        var submitted = Stopwatch.GetElapsedTime(started);
        await Task.WhenAll(tasks).WaitAsync(Timeouts.Batch);
        var elapsed = Stopwatch.GetElapsedTime(started);
        for (var i = 0; i < n; i++)
        {
            if (tasks[i].Result != i + 1)
                throw new InvalidOperationException($"Job {i} returned {tasks[i].Result}, expected {i + 1}.");
        }

        return (elapsed.TotalSeconds, submitted.TotalSeconds);
    }

    private static async Task<double> MapAsync(JobServer server, int n)
    {
        var inputs = new long[n];
        for (var i = 0; i < n; i++)
            inputs[i] = i;
        var started = Stopwatch.GetTimestamp();
        var results = await server.Map<long, long>(Sources.Increment, inputs).WaitAsync(Timeouts.Batch);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (results.Count != n)
            throw new InvalidOperationException($"Map returned {results.Count} results for {n} inputs.");
        for (var i = 0; i < n; i++)
        {
            if (results[i] != i + 1)
                throw new InvalidOperationException($"Map input {i} gave {results[i]}, expected {i + 1}.");
        }

        return elapsed.TotalSeconds;
    }
}
