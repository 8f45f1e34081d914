using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ParallelSharp.Bench.Scenarios;

/// <summary>
/// Discovery on loopback (mDNS is never sent on a real interface: the job server browses loopback only, its default,
/// and the daemon advertises on the interface of its listen address, 127.0.0.1). Each round, with a cluster name of its
/// own so that other runs on this machine cannot interfere:
/// <list type="number">
/// <item>A job server with <c>Discovery = true</c> is browsing, with one job queued and no node.</item>
/// <item>A daemon is started with <c>--advertise --cluster &lt;unique&gt;</c>: time from starting its process to the job's
/// result, and in between its own start → <c>listening</c> line, the job server's "discovered" and "joined" log events.</item>
/// <item>SIGTERM to the daemon (it tells its clients its capacity is 0, sends an mDNS goodbye, then closes its connections):
/// time until the job server gives it no new jobs (<c>server.ActiveNodes</c> lists it with 0 workers, or not at all),
/// until it logs the goodbye, until <c>ActiveNodes</c> no longer lists the node, and until it logs the node lost.</item>
/// </list>
/// Round 0 starts with an empty compile cache, so its first result includes a cold Roslyn compile on the fresh daemon; it
/// is reported apart. The later rounds share that cache folder (the disk cache), so they measure discovery, not compiling.
/// </summary>
internal static class DiscoveryScenario
{
    // The target is about a job server that is already browsing when the daemon starts: give its browser this long to start.
    private static readonly TimeSpan BrowseSettle = TimeSpan.FromMilliseconds(500);

    public static async Task RunAsync(BenchOptions options)
    {
        using var cache = TempDirectory.Create("discovery");
        var rounds = new List<JsonObject>();
        for (var round = 0; round <= options.Repeat; round++)
        {
            var figures = await RoundAsync(options, cache.Path);
            figures["cache"] = round == 0 ? "cold" : "disk";
            rounds.Add(figures);
            Report.Human($"round {round} ({figures["cache"]} compile cache): daemon start → first result {figures["start_to_result_s"]} s " +
                $"(listening {figures["start_to_listening_s"]} s, discovered {figures["start_to_discovered_s"]} s, joined {figures["start_to_joined_s"]} s); " +
                $"after SIGTERM: no new work {figures["term_to_no_work_ms"]} ms, goodbye seen {figures["term_to_goodbye_ms"]} ms, gone from ActiveNodes {figures["term_to_inactive_ms"]} ms, " +
                $"node lost {figures["term_to_lost_ms"]} ms, daemon exited {figures["term_to_exit_ms"]} ms (exit code {figures["exit_code"]})");
        }

        var warm = rounds.Skip(1).ToList();
        double Median(string field) => Stats.Median(Values(warm, field));
        var line = Report.Line("discovery", "s");
        line["rounds"] = warm.Count;
        line["workers"] = options.Workers;
        line["start_to_result_s"] = Report.Round(Median("start_to_result_s"), 3);
        line["start_to_result_s_max"] = Report.Round(Values(warm, "start_to_result_s").Max(), 3);
        line["start_to_listening_s"] = Report.Round(Median("start_to_listening_s"), 3);
        line["start_to_discovered_s"] = Report.Round(Median("start_to_discovered_s"), 3);
        line["start_to_joined_s"] = Report.Round(Median("start_to_joined_s"), 3);
        line["listening_to_joined_ms"] = Report.Round(Median("listening_to_joined_ms"));
        line["joined_to_result_ms"] = Report.Round(Median("joined_to_result_ms"));
        line["cold_start_to_result_s"] = rounds[0]["start_to_result_s"]!.DeepClone();
        line["cold_start_to_listening_s"] = rounds[0]["start_to_listening_s"]!.DeepClone();
        line["cold_joined_to_result_ms"] = rounds[0]["joined_to_result_ms"]!.DeepClone();
        // The goodbye does not depend on the cache: all rounds.
        double MedianAll(string field) => Stats.Median(Values(rounds, field));
        line["term_to_goodbye_ms"] = Finite(MedianAll("term_to_goodbye_ms"));
        line["term_to_no_work_ms"] = Finite(MedianAll("term_to_no_work_ms"));
        line["term_to_no_work_ms_max"] = Finite(Values(rounds, "term_to_no_work_ms").DefaultIfEmpty(double.NaN).Max());
        line["term_to_inactive_ms"] = Finite(MedianAll("term_to_inactive_ms"));
        line["term_to_inactive_ms_max"] = Finite(Values(rounds, "term_to_inactive_ms").DefaultIfEmpty(double.NaN).Max());
        line["goodbyes_seen"] = Values(rounds, "term_to_goodbye_ms").Count();
        line["term_to_lost_ms"] = Finite(MedianAll("term_to_lost_ms"));
        line["term_to_exit_ms"] = Finite(MedianAll("term_to_exit_ms"));
        line["all_rounds"] = new JsonArray([.. rounds.Select(r => (JsonNode)r)]);
        Report.Emit(line);
        Report.Human($"discovery (median of {warm.Count} rounds with a disk-cached function): daemon start → first result {line["start_to_result_s"]} s " +
            $"(max {line["start_to_result_s_max"]} s; its own start → listening {line["start_to_listening_s"]} s, listening → joined {line["listening_to_joined_ms"]} ms); " +
            $"cold cache: {line["cold_start_to_result_s"]} s. After SIGTERM (all {rounds.Count} rounds): no new work {line["term_to_no_work_ms"]} ms (max {line["term_to_no_work_ms_max"]} ms), goodbye seen {line["term_to_goodbye_ms"]} ms, " +
            $"gone from ActiveNodes {line["term_to_inactive_ms"]} ms (max {line["term_to_inactive_ms_max"]} ms), node lost {line["term_to_lost_ms"]} ms");
    }

    /// <summary>A rounded figure, or null where there was nothing to take a median of (JSON has no NaN).</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? Report.Round(value) : null;

    private static IEnumerable<double> Values(IEnumerable<JsonObject> rounds, string field) =>
        rounds.Where(r => r[field] is not null).Select(r => (double)r[field]!);

    private static async Task<JsonObject> RoundAsync(BenchOptions options, string cacheDirectory)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var cluster = "bench-" + suffix;
        var nodeId = "bench-discovery-" + suffix;
        var clock = new LogEventClock(LogEventClock.NodeDiscovered, LogEventClock.NodeJoined, LogEventClock.NodeLeftDiscovery, LogEventClock.NodeLost);
        using var loggerFactory = clock.CreateFactory();
        await using var server = new JobServer(new JobServerOptions
        {
            LocalWorkers = 0,
            Discovery = true, // DiscoveryInterfaces left empty: loopback only
            Secret = NodeDaemonProcess.Secret,
            Cluster = cluster,
            LoggerFactory = loggerFactory,
        });
        await Task.Delay(BrowseSettle);

        var discovered = clock.WhenLogged(LogEventClock.NodeDiscovered, e => e.Text("InstanceName") == nodeId);
        var joined = clock.WhenLogged(LogEventClock.NodeJoined, e => e.Text("NodeId") == nodeId);
        long resultAt = 0;
        var job = server.Submit<long>(Sources.Increment, 41L);
        var result = job.Task.ContinueWith(
            t =>
            {
                resultAt = Stopwatch.GetTimestamp();
                return t.Result;
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var daemon = NodeDaemonProcess.Launch(
            cacheDirectory, [.. RemoteNodes.WorkersArgument(options), "--advertise", "--cluster", cluster, "--node-id", nodeId]);
        try
        {
            var value = await result.WaitAsync(Timeouts.Start);
            if (value != 42)
                throw new InvalidOperationException($"The job returned {value}, expected 42.");
            await daemon.WaitUntilListeningAsync(Timeouts.Job);
            var discoveredAt = (await discovered.WaitAsync(Timeouts.Job)).Timestamp;
            var joinedAt = (await joined.WaitAsync(Timeouts.Job)).Timestamp;
            if (job.NodeId != nodeId)
                throw new InvalidOperationException($"The job ran on node '{job.NodeId}', not on the discovered '{nodeId}'.");

            // The goodbye.
            var goodbye = clock.WhenLogged(LogEventClock.NodeLeftDiscovery, e => e.Text("InstanceName") == nodeId);
            var lost = clock.WhenLogged(LogEventClock.NodeLost, e => e.Text("NodeId") == nodeId);
            if (!server.ActiveNodes.ContainsKey(nodeId))
                throw new InvalidOperationException($"Node {nodeId} is not active before its SIGTERM.");
            var termAt = daemon.Terminate();
            var (noWorkAt, inactiveAt) = await WhenInactiveAsync(server, nodeId);
            var goodbyeAt = await TimestampOrZeroAsync(goodbye);
            var lostAt = await TimestampOrZeroAsync(lost);
            await daemon.WaitForExitAsync(Timeouts.Job);
            var exitCode = daemon.ExitCode;

            // Null where the event never came (reported as such, never as a made-up figure).
            double? Ms(long from, long to) => to == 0 ? null : Report.Round(Stopwatch.GetElapsedTime(from, to).TotalMilliseconds);
            double S(long from, long to) => Report.Round(Stopwatch.GetElapsedTime(from, to).TotalSeconds, 3);
            return new JsonObject
            {
                ["start_to_result_s"] = S(daemon.StartedAt, resultAt),
                ["start_to_listening_s"] = S(daemon.StartedAt, daemon.ListeningAt),
                ["start_to_discovered_s"] = S(daemon.StartedAt, discoveredAt),
                ["start_to_joined_s"] = S(daemon.StartedAt, joinedAt),
                ["listening_to_joined_ms"] = Ms(daemon.ListeningAt, joinedAt),
                ["joined_to_result_ms"] = Ms(joinedAt, resultAt),
                ["term_to_goodbye_ms"] = Ms(termAt, goodbyeAt),
                ["term_to_no_work_ms"] = Ms(termAt, noWorkAt),
                ["term_to_inactive_ms"] = Ms(termAt, inactiveAt),
                ["term_to_lost_ms"] = Ms(termAt, lostAt),
                ["term_to_exit_ms"] = Ms(termAt, daemon.ExitedAt),
                ["exit_code"] = exitCode,
            };
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }

    /// <summary>
    /// Polls <c>ActiveNodes</c> about every millisecond (bounded) until the node is gone. Returns when it stopped
    /// getting work (listed with 0 workers, which the scheduler gives nothing, or gone) and when it was gone.
    /// </summary>
    private static async Task<(long NoWork, long Gone)> WhenInactiveAsync(JobServer server, string nodeId)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Timeouts.Job.TotalSeconds * Stopwatch.Frequency);
        long noWork = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var listed = server.ActiveNodes.TryGetValue(nodeId, out var workers);
            if (noWork == 0 && (!listed || workers == 0))
                noWork = Stopwatch.GetTimestamp();
            if (!listed)
                return (noWork, Stopwatch.GetTimestamp());
            await Task.Delay(1);
        }

        throw new TimeoutException($"Node {nodeId} was still in ActiveNodes {Timeouts.Job} after its SIGTERM.");
    }

    private static async Task<long> TimestampOrZeroAsync(Task<CapturedEvent> logged)
    {
        try
        {
            return (await logged.WaitAsync(TimeSpan.FromSeconds(5))).Timestamp;
        }
        catch (TimeoutException)
        {
            return 0; // never logged (for example an mDNS goodbye that was lost): reported as null
        }
    }

}
