using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ParallelSharp.Bench.Scenarios;

/// <summary>One job at a time: submit, wait for its result, repeat. Percentiles of the round trip in microseconds.</summary>
internal static class LatencyScenario
{
    private const int WarmUpBatch = 500;
    private const int WarmUpMaxBatches = 100;
    private static readonly TimeSpan s_warmUpTime = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(BenchOptions options)
    {
        using var cache = TempDirectory.Create("latency");
        await using var server = new JobServer(options.ServerOptions(cache.Path));
        await server.WaitUntilReadyAsync().WaitAsync(Timeouts.Start);
        await WarmUpAsync(server);

        var runs = new List<(double P50, double P90, double P99, double Mean, double Max)>();
        var before = CpuSnapshot.Take(server);
        for (var run = 0; run < options.Repeat; run++)
        {
            var samples = await MeasureAsync(server, options.LatencyN, blocking: false);
            var figures = Summarize(samples);
            runs.Add(figures);
            Report.Human($"await run {run + 1}: p50 {Report.F(figures.P50)} µs, p90 {Report.F(figures.P90)} µs, p99 {Report.F(figures.P99)} µs, " +
                $"mean {Report.F(figures.Mean)} µs, max {Report.F(figures.Max)} µs");
        }

        // Where a round trip's CPU goes, and how many times a thread went to sleep (each is a wake-up on the path).
        var cpu = CpuSnapshot.Take(server) - before;
        var jobs = (double)options.Repeat * options.LatencyN;
        Report.Human($"per round trip: CPU {Report.F(cpu.Server.CpuMs * 1000 / jobs)} µs in the job server (with the node), {Report.F(cpu.Workers.CpuMs * 1000 / jobs)} µs in the workers; " +
            $"voluntary context switches {Report.F(cpu.Server.VoluntarySwitches / jobs, "0.00")} in the job server, {Report.F(cpu.Workers.VoluntarySwitches / jobs, "0.00")} in the workers; " +
            $"{Report.F(cpu.ThreadPoolItems / jobs, "0.0")} thread-pool work items in the job server");

        // The blocking accessor (pp's job()) skips the thread-pool hop of an await continuation.
        var blockingRuns = new List<(double P50, double P90, double P99, double Mean, double Max)>();
        for (var run = 0; run < options.Repeat; run++)
        {
            var figures = Summarize(await MeasureAsync(server, options.LatencyN, blocking: true));
            blockingRuns.Add(figures);
            Report.Human($"blocking .Result run {run + 1}: p50 {Report.F(figures.P50)} µs, p99 {Report.F(figures.P99)} µs");
        }

        var line = Report.Line("latency", "us");
        line["n"] = options.LatencyN;
        line["workers"] = options.Workers;
        line["p50"] = Report.Round(Stats.Median(runs.Select(r => r.P50)));
        line["p90"] = Report.Round(Stats.Median(runs.Select(r => r.P90)));
        line["p99"] = Report.Round(Stats.Median(runs.Select(r => r.P99)));
        line["p50_best"] = Report.Round(runs.Min(r => r.P50));
        line["mean"] = Report.Round(Stats.Median(runs.Select(r => r.Mean)));
        line["p50_blocking"] = Report.Round(Stats.Median(blockingRuns.Select(r => r.P50)));
        line["p99_blocking"] = Report.Round(Stats.Median(blockingRuns.Select(r => r.P99)));
        line["cpu_us_per_job_server"] = Report.Round(cpu.Server.CpuMs * 1000 / jobs);
        line["cpu_us_per_job_workers"] = Report.Round(cpu.Workers.CpuMs * 1000 / jobs);
        line["voluntary_switches_per_job_server"] = Report.Round(cpu.Server.VoluntarySwitches / jobs, 2);
        line["voluntary_switches_per_job_workers"] = Report.Round(cpu.Workers.VoluntarySwitches / jobs, 2);
        line["threadpool_items_per_job"] = Report.Round(cpu.ThreadPoolItems / jobs, 2);
        line["runs"] = new JsonArray([.. runs.Select(r => (JsonNode)new JsonObject
        {
            ["p50"] = Report.Round(r.P50),
            ["p90"] = Report.Round(r.P90),
            ["p99"] = Report.Round(r.P99),
            ["max"] = Report.Round(r.Max),
        })]);
        Report.Emit(line);
        Report.Human($"latency (median of {options.Repeat} runs of {options.LatencyN}): p50 {line["p50"]} µs, p90 {line["p90"]} µs, p99 {line["p99"]} µs; " +
            $"blocking p50 {line["p50_blocking"]} µs");
    }

    /// <summary>
    /// Runs one-at-a-time jobs, both ways of waiting, for <see cref="s_warmUpTime"/> (at most
    /// <see cref="WarmUpMaxBatches"/> batches of <see cref="WarmUpBatch"/>).
    /// </summary>
    /// <remarks>
    /// A fixed count of fast jobs is not a warm-up: the runtime moves hot methods to optimized code only once 100 ms
    /// pass with no new unoptimized methods, in each of the job server, the daemon and the workers, so a run that starts
    /// after 1,000 jobs of ~90 µs measures part of that recompilation (the first run was 20–40 µs slower than the others).
    /// </remarks>
    public static async Task WarmUpAsync(JobServer server)
    {
        var started = Stopwatch.GetTimestamp();
        for (var batch = 0; batch < WarmUpMaxBatches && Stopwatch.GetElapsedTime(started) < s_warmUpTime; batch++)
            await MeasureAsync(server, WarmUpBatch, blocking: batch % 2 == 1);
    }

    public static async Task<double[]> MeasureAsync(JobServer server, int n, bool blocking)
    {
        var samples = new double[n];
        var deadline = Stopwatch.GetTimestamp() + (long)(Timeouts.Batch.TotalSeconds * Stopwatch.Frequency);
        for (var i = 0; i < n; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var job = server.Submit<long>(Sources.Increment, (long)i);
            long value;
            if (blocking)
            {
                if (!job.Wait(Timeouts.Job))
                    throw new TimeoutException($"Job {i} took more than {Timeouts.Job}.");
                value = job.Result;
            }
            else
            {
                value = await job.Task.WaitAsync(Timeouts.Job);
            }

            samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (value != i + 1)
                throw new InvalidOperationException($"Job {i} returned {value}, expected {i + 1}.");
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"The latency run took more than {Timeouts.Batch}.");
        }

        return samples;
    }

    public static (double P50, double P90, double P99, double Mean, double Max) Summarize(double[] samples) =>
        (Stats.Percentile(samples, 50), Stats.Percentile(samples, 90), Stats.Percentile(samples, 99), samples.Average(), samples.Max());
}
