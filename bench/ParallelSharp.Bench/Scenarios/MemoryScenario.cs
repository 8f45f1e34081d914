using System.Text.Json.Nodes;

namespace ParallelSharp.Bench.Scenarios;

/// <summary>
/// Memory, each part in a fresh child process: the resident set (VmRSS) of idle worker processes, fresh and after
/// 10,000 jobs; and the job server's own process before and after 100,000 queued jobs (no workers, so they stay queued).
/// </summary>
internal static class MemoryScenario
{
    private const int JobsBeforeIdle = 10_000;

    public static async Task RunAsync(BenchOptions options)
    {
        var workers = new List<JsonObject>();
        var queues = new List<JsonObject>();
        for (var run = 0; run < options.Repeat; run++)
        {
            var n = options.N.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var w = options.Workers.ToString(System.Globalization.CultureInfo.InvariantCulture);
            workers.Add((await SelfProcess.RunAsync(["child-memory", "--phase", "workers", "--workers", w], Timeouts.Child)).Single());
            queues.Add((await SelfProcess.RunAsync(["child-memory", "--phase", "queue", "--n", n], Timeouts.Child)).Single());
            Report.Human($"run {run + 1}: idle worker {workers[^1]["worker_fresh_mib_max"]} MiB fresh, {workers[^1]["worker_after_jobs_mib_max"]} MiB after jobs " +
                $"({workers[^1]["worker_anon_after_jobs_mib_max"]} MiB anonymous, {workers[^1]["worker_file_after_jobs_mib_max"]} MiB file-backed; Pss {workers[^1]["worker_pss_after_jobs_mib_max"]} MiB); " +
                $"job server +{queues[^1]["rss_delta_mib"]} MiB RSS, +{queues[^1]["heap_delta_mib"]} MiB GC heap for {n} queued jobs");
        }

        double Median(List<JsonObject> lines, string field) => Stats.Median(lines.Select(l => (double)l[field]!));
        var line = Report.Line("memory", "MiB");
        line["workers"] = options.Workers;
        line["worker_fresh_mib"] = Report.Round(Median(workers, "worker_fresh_mib_max"));
        line["worker_after_jobs_mib"] = Report.Round(Median(workers, "worker_after_jobs_mib_max"));
        line["worker_anon_after_jobs_mib"] = Report.Round(Median(workers, "worker_anon_after_jobs_mib_max"));
        line["worker_file_after_jobs_mib"] = Report.Round(Median(workers, "worker_file_after_jobs_mib_max"));
        line["worker_pss_after_jobs_mib"] = Report.Round(Median(workers, "worker_pss_after_jobs_mib_max"));
        line["server_with_node_rss_mib"] = Report.Round(Median(workers, "server_rss_mib"));
        line["queued_jobs"] = options.N;
        line["server_rss_before_mib"] = Report.Round(Median(queues, "rss_before_mib"));
        line["server_rss_after_mib"] = Report.Round(Median(queues, "rss_after_mib"));
        line["server_rss_delta_mib"] = Report.Round(Median(queues, "rss_delta_mib"));
        line["server_heap_delta_mib"] = Report.Round(Median(queues, "heap_delta_mib"));
        line["bytes_per_queued_job"] = Report.Round(Median(queues, "heap_bytes_per_job"), 0);
        line["worker_runs"] = new JsonArray([.. workers.Select(x => (JsonNode)x.DeepClone())]);
        line["queue_runs"] = new JsonArray([.. queues.Select(x => (JsonNode)x.DeepClone())]);
        Report.Emit(line);
        Report.Human($"memory (median of {options.Repeat}): idle worker {line["worker_fresh_mib"]} MiB fresh, {line["worker_after_jobs_mib"]} MiB after jobs; " +
            $"{options.N} queued jobs: +{line["server_rss_delta_mib"]} MiB RSS, +{line["server_heap_delta_mib"]} MiB GC heap ({line["bytes_per_queued_job"]} B/job)");
    }

    public static async Task<int> RunChildAsync(BenchOptions options)
    {
        if (options.Phase == "workers")
            await MeasureWorkersAsync(options);
        else
            await MeasureQueueAsync(options);
        return 0;
    }

    private static async Task MeasureWorkersAsync(BenchOptions options)
    {
        using var cache = TempDirectory.Create("memory");
        await using var server = new JobServer(options.ServerOptions(cache.Path));
        await server.WaitUntilReadyAsync().WaitAsync(Timeouts.Start);
        // Let start-up settle (the compiler warm-up runs in this process, not in the workers).
        await Task.Delay(TimeSpan.FromSeconds(1));
        var fresh = ReadWorkers(server);
        await ThroughputScenario.SubmitAllAsync(server, JobsBeforeIdle);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var afterJobs = ReadWorkers(server);

        var line = Report.Line("memory_workers", "MiB");
        line["worker_pids"] = server.LocalWorkerProcessIds.Count;
        line["worker_fresh_mib_max"] = Report.Round(fresh.Max(m => m.VmRssMiB));
        line["worker_after_jobs_mib_max"] = Report.Round(afterJobs.Max(m => m.VmRssMiB));
        line["worker_anon_after_jobs_mib_max"] = Report.Round(afterJobs.Max(m => m.RssAnonMiB));
        line["worker_file_after_jobs_mib_max"] = Report.Round(afterJobs.Max(m => m.RssFileMiB));
        line["worker_pss_after_jobs_mib_max"] = Report.Round(afterJobs.Max(m => m.PssMiB));
        line["server_rss_mib"] = Report.Round(ProcessMemory.Self().VmRssMiB);
        Report.Emit(line);
    }

    private static List<ProcessMemory> ReadWorkers(JobServer server)
    {
        var figures = server.LocalWorkerProcessIds.Select(ProcessMemory.Read).OfType<ProcessMemory>().ToList();
        if (figures.Count == 0)
            throw new InvalidOperationException("No worker process could be measured (is this Linux?).");
        return figures;
    }

    private static async Task MeasureQueueAsync(BenchOptions options)
    {
        await using var server = new JobServer(new JobServerOptions { LocalWorkers = 0, NoNodeTimeout = null });
        // One job first, so the submit path's code and statics are in place before the "before" figure.
        var jobs = new Job<long>[options.N + 1];
        jobs[0] = server.Submit<long>(Sources.Increment, 0L);
        Collect();
        var rssBefore = ProcessMemory.Self().VmRssMiB;
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 1; i <= options.N; i++)
            jobs[i] = server.Submit<long>(Sources.Increment, (long)i);
        Collect();
        var rssAfter = ProcessMemory.Self().VmRssMiB;
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var queued = server.GetStatistics().Queued;
        if (queued != options.N + 1)
            throw new InvalidOperationException($"Expected {options.N + 1} queued jobs, the server reports {queued}.");

        var line = Report.Line("memory_queue", "MiB");
        line["queued"] = queued;
        line["rss_before_mib"] = Report.Round(rssBefore);
        line["rss_after_mib"] = Report.Round(rssAfter);
        line["rss_delta_mib"] = Report.Round(rssAfter - rssBefore);
        line["heap_before_mib"] = Report.Round(heapBefore / 1048576.0);
        line["heap_after_mib"] = Report.Round(heapAfter / 1048576.0);
        line["heap_delta_mib"] = Report.Round((heapAfter - heapBefore) / 1048576.0);
        line["heap_bytes_per_job"] = Report.Round((heapAfter - heapBefore) / (double)options.N, 0);
        Report.Emit(line);
        GC.KeepAlive(jobs);
    }

    private static void Collect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
