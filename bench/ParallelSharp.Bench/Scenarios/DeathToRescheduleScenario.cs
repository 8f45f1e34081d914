using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ParallelSharp.Bench.Scenarios;

/// <summary>
/// A node killed with SIGKILL mid-run, on loopback: two daemons with 2 workers each, 2,000 jobs of about 5 ms (they
/// sleep, so the figures do not depend on who else takes the cores), and after half of them have completed the doomed
/// daemon gets <c>kill -9</c>. Measured from the kill: (a) until the job server logs the node lost (event 1101, timestamped
/// by a logger provider as it is logged, after the node's jobs were re-queued); (b) until the first job the dead node was
/// running (those the job server charges an attempt and logs as rescheduled, event 1200) completes on the other node.
/// Every result is checked; nothing may be lost.
/// </summary>
internal static class DeathToRescheduleScenario
{
    private const int Jobs = 2_000;
    private const int KillAfter = Jobs / 2;

    public static async Task RunAsync(BenchOptions options)
    {
        // Shared by every daemon of the scenario: the first pair compiles the job, later ones read it from the disk cache.
        using var cache = TempDirectory.Create("death-to-reschedule");
        var rounds = new List<JsonObject>();
        for (var round = 0; round < options.Repeat; round++)
        {
            var figures = await RoundAsync(options, cache.Path);
            rounds.Add(figures);
            Report.Human($"round {round + 1}: kill -9 → node lost {figures["kill_to_lost_ms"]} ms (the daemon's stdout closed after {figures["kill_to_daemon_stdout_closed_ms"]} ms, " +
                $"VmRSS {figures["daemon_rss_mib"]} MiB; it held {figures["held_jobs"]} jobs, " +
                $"{figures["running_jobs"]} running); → first of its running jobs done on the other node {figures["kill_to_first_rescheduled_done_ms"]} ms, " +
                $"last {figures["kill_to_last_rescheduled_done_ms"]} ms; all {Jobs} jobs done {figures["kill_to_all_done_ms"]} ms after the kill " +
                $"({figures["run_s"]} s in all); reschedules {figures["reschedules"]}, nodes lost {figures["nodes_lost"]}, late results ignored {figures["late_results_ignored"]}");
        }

        double Median(string field) => Stats.Median(rounds.Select(r => (double)r[field]!));
        var line = Report.Line("death_to_reschedule", "ms");
        line["rounds"] = rounds.Count;
        line["jobs"] = Jobs;
        line["workers_per_node"] = options.Workers;
        line["kill_to_lost_ms"] = Report.Round(Median("kill_to_lost_ms"));
        line["kill_to_lost_ms_max"] = Report.Round(rounds.Max(r => (double)r["kill_to_lost_ms"]!));
        line["kill_to_daemon_stdout_closed_ms"] = Report.Round(Median("kill_to_daemon_stdout_closed_ms"));
        line["kill_to_first_rescheduled_done_ms"] = Report.Round(Median("kill_to_first_rescheduled_done_ms"));
        line["kill_to_first_rescheduled_done_ms_max"] = Report.Round(rounds.Max(r => (double)r["kill_to_first_rescheduled_done_ms"]!));
        line["kill_to_last_rescheduled_done_ms"] = Report.Round(Median("kill_to_last_rescheduled_done_ms"));
        line["lost_to_first_rescheduled_done_ms"] = Report.Round(Median("lost_to_first_rescheduled_done_ms"));
        line["wrong_results"] = rounds.Sum(r => (int)r["wrong_results"]!);
        line["all_rounds"] = new JsonArray([.. rounds.Select(r => (JsonNode)r)]);
        Report.Emit(line);
        Report.Human($"death to reschedule (median of {rounds.Count} kills): node lost {line["kill_to_lost_ms"]} ms (max {line["kill_to_lost_ms_max"]}), " +
            $"its first running job done elsewhere {line["kill_to_first_rescheduled_done_ms"]} ms (max {line["kill_to_first_rescheduled_done_ms_max"]}) after kill -9; " +
            $"wrong results: {line["wrong_results"]}");
    }

    private static async Task<JsonObject> RoundAsync(BenchOptions options, string cacheDirectory)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var doomedId = "bench-doomed-" + suffix;
        var survivorId = "bench-survivor-" + suffix;
        await using var doomed = await NodeDaemonProcess.StartAsync(cacheDirectory, [.. RemoteNodes.WorkersArgument(options), "--node-id", doomedId]);
        await using var survivor = await NodeDaemonProcess.StartAsync(cacheDirectory, [.. RemoteNodes.WorkersArgument(options), "--node-id", survivorId]);
        var clock = new LogEventClock(LogEventClock.NodeLost, LogEventClock.JobRescheduled);
        using var loggerFactory = clock.CreateFactory();
        var serverOptions = RemoteNodes.ServerOptions(options, doomed, survivor);
        serverOptions.LoggerFactory = loggerFactory;
        await using var server = new JobServer(serverOptions);
        await RemoteNodes.WaitForNodesAsync(server, 2);
        await WarmUpAsync(server, doomedId, survivorId);

        var lost = clock.WhenLogged(LogEventClock.NodeLost, e => e.Text("NodeId") == doomedId);
        var completedAt = new long[Jobs];
        var completed = 0;
        var killPoint = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var jobs = new Job<long>[Jobs];
        var indexById = new Dictionary<long, int>(Jobs);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Jobs; i++)
        {
            var index = i;
            jobs[i] = server.Submit<long>(Sources.Nap, (long)i);
            indexById[jobs[i].Id] = i;
            // Timestamped on the thread that completes the job, before anything else runs on it.
            _ = jobs[i].Task.ContinueWith(
                _ =>
                {
                    completedAt[index] = Stopwatch.GetTimestamp();
                    if (Interlocked.Increment(ref completed) == KillAfter)
                        killPoint.TrySetResult();
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        await killPoint.Task.WaitAsync(Timeouts.Batch);
        var doomedRss = ProcessMemory.Read(doomed.ProcessId)?.VmRssMiB ?? double.NaN;
        var killAt = doomed.KillHard();
        var lostEvent = await lost.WaitAsync(Timeouts.Job);
        // The kernel closes a killed process's files (its sockets, and the stdout pipe this bench reads) only after it
        // has torn down its threads and memory: the daemon's stdout closing tells when its TCP connection closed too.
        await doomed.WaitForExitAsync(Timeouts.Job);
        await Task.WhenAll(jobs.Select(j => j.Task)).WaitAsync(Timeouts.Batch);
        var finished = Stopwatch.GetTimestamp();

        var wrongResults = 0;
        for (var i = 0; i < Jobs; i++)
        {
            if (jobs[i].Task.Result != i + 1)
                wrongResults++;
        }

        // The jobs the dead node was running: the job server charged each an attempt and logged it rescheduled.
        var running = clock.Events
            .Where(e => e.Id == LogEventClock.JobRescheduled && e.Text("NodeId") == doomedId)
            .Select(e => indexById[(long)e.Number("JobId")])
            .ToList();
        if (running.Count == 0)
            throw new InvalidOperationException($"Node {doomedId} was running no job when it was killed; the round measures nothing.");
        var elsewhere = running.Where(i => jobs[i].NodeId != survivorId).ToList();
        if (elsewhere.Count > 0)
            throw new InvalidOperationException($"{elsewhere.Count} job(s) of the dead node completed on '{jobs[elsewhere[0]].NodeId}', not on the survivor.");
        var statistics = server.GetStatistics();
        var doneOnDoomed = jobs.Count(j => j.NodeId == doomedId);

        double Ms(long from, long to) => Report.Round(Stopwatch.GetElapsedTime(from, to).TotalMilliseconds);
        var firstDone = running.Min(i => completedAt[i]);
        var lastDone = running.Max(i => completedAt[i]);
        return new JsonObject
        {
            ["kill_to_lost_ms"] = Ms(killAt, lostEvent.Timestamp),
            ["kill_to_daemon_stdout_closed_ms"] = Ms(killAt, doomed.ExitedAt),
            ["daemon_rss_mib"] = Report.Round(doomedRss),
            ["kill_to_first_rescheduled_done_ms"] = Ms(killAt, firstDone),
            ["kill_to_last_rescheduled_done_ms"] = Ms(killAt, lastDone),
            ["lost_to_first_rescheduled_done_ms"] = Ms(lostEvent.Timestamp, firstDone),
            ["kill_to_all_done_ms"] = Ms(killAt, finished),
            ["run_s"] = Report.Round(Stopwatch.GetElapsedTime(started, finished).TotalSeconds, 3),
            ["kill_after_s"] = Report.Round(Stopwatch.GetElapsedTime(started, killAt).TotalSeconds, 3),
            ["held_jobs"] = (int)lostEvent.Number("JobCount"),
            ["running_jobs"] = running.Count,
            ["lost_reason"] = lostEvent.Text("Reason"),
            ["done_on_doomed"] = doneOnDoomed,
            ["done_on_survivor"] = jobs.Count(j => j.NodeId == survivorId),
            ["wrong_results"] = wrongResults,
            ["reschedules"] = statistics.Reschedules,
            ["nodes_lost"] = statistics.NodesLost,
            ["late_results_ignored"] = statistics.LateResultsIgnored,
        };
    }

    /// <summary>Runs small batches until each node has completed a job: both compiled (or read from disk) and loaded it.</summary>
    private static async Task WarmUpAsync(JobServer server, string doomedId, string survivorId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var batch = 0; batch < 20 && !(seen.Contains(doomedId) && seen.Contains(survivorId)); batch++)
        {
            var jobs = Enumerable.Range(0, 40).Select(i => server.Submit<long>(Sources.Nap, (long)i)).ToList();
            await Task.WhenAll(jobs.Select(j => j.Task)).WaitAsync(Timeouts.Start);
            foreach (var job in jobs)
                seen.Add(job.NodeId ?? string.Empty);
        }

        if (!seen.Contains(doomedId) || !seen.Contains(survivorId))
            throw new InvalidOperationException($"The warm-up did not reach both nodes (it saw {string.Join(", ", seen)}).");
    }
}
