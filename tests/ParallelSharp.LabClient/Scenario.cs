using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ParallelSharp.LabClient;

/// <summary>
/// Runs the rounds of one scenario against the nodes given (listed or discovered) and reports everything the cluster
/// tests check: each job's result, whether any result arrived twice, which node ran what, reschedules and lost nodes.
/// </summary>
internal sealed class Scenario(LabOptions options)
{
    /// <summary>Failed jobs printed in full per round; the rest are only counted (a refused client fails every job).</summary>
    private const int FailuresPrintedPerRound = 10;

    private readonly ConcurrentDictionary<long, long> _rescheduledAt = new();
    private readonly ConcurrentDictionary<string, byte> _servicesSeen = new(StringComparer.Ordinal);
    private long _completed;
    private long _failed;
    private long _wrong;
    private long _duplicates;
    private long _lost;
    private long _poisonAbandoned;
    private long _poisonOther;
    private long _checksum;
    private long _expectedChecksum;

    public async Task<bool> RunAsync()
    {
        using var deadline = new CancellationTokenSource(options.Timeout);
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new EventLoggerProvider(OnLog)));
        var serverOptions = new JobServerOptions
        {
            LocalWorkers = 0,
            Secret = options.Secret,
            Cluster = options.Cluster,
            Discovery = options.DiscoveryInterfaces.Count > 0,
            MaxAttempts = options.MaxAttempts,
            LoggerFactory = loggerFactory,
        };
        foreach (var node in options.Nodes)
            serverOptions.Nodes.Add(node);
        foreach (var nic in options.DiscoveryInterfaces)
            serverOptions.DiscoveryInterfaces.Add(nic);
        if (options.NoNodeTimeout is { } noNode)
            serverOptions.NoNodeTimeout = noNode;

        var server = new JobServer(serverOptions);
        EventWriter.Emit("ready", new()
        {
            ["pid"] = Environment.ProcessId,
            ["nodes"] = options.Nodes,
            ["discover"] = options.DiscoveryInterfaces,
            ["cluster"] = options.Cluster,
            ["jobs"] = options.Jobs,
            ["rounds"] = options.Rounds,
        });
        var ok = true;
        try
        {
            if (options.WaitSeen > 0)
                ok = await WaitUntilAsync(() => _servicesSeen.Count >= options.WaitSeen, "wait-seen", $"{options.WaitSeen} discovered service(s)", deadline.Token);
            if (ok && options.Warmup > 0)
            {
                // Round 0 compiles the job on every node and warms its workers, so the measured rounds see steady nodes.
                ok = await WaitForNodesAsync(server, 0, deadline.Token) && await RunRoundAsync(server, 0, options.Warmup, 0, deadline.Token);
            }

            for (var round = 1; ok && round <= options.Rounds; round++)
            {
                ok = await WaitForNodesAsync(server, round, deadline.Token) && await WaitForGoAsync(round, deadline.Token);
                if (!ok)
                    break;
                ok = await RunRoundAsync(server, round, options.Jobs, options.Poison, deadline.Token) && ok;
            }
        }
        catch (Exception ex)
        {
            EventWriter.Emit("fatal", new() { ["phase"] = "run", ["type"] = ex.GetType().FullName, ["message"] = ex.ToString() });
            ok = false;
        }

        var statistics = server.GetStatistics();
        EventWriter.Emit("statistics", new()
        {
            ["nodes"] = statistics.Nodes.Select(n => new Dictionary<string, object?>
            {
                ["node"] = n.NodeId,
                ["endpoint"] = n.Endpoint,
                ["connected"] = n.IsConnected,
                ["workers"] = n.Workers,
                ["completed"] = n.JobsCompleted,
                ["failed"] = n.JobsFailed,
                ["reschedules"] = n.Reschedules,
                ["late_results"] = n.LateResults,
            }).ToList(),
            ["table"] = statistics.ToString(),
        });
        ok = ok && _failed == 0 && _wrong == 0 && _duplicates == 0 && _lost == 0 && _poisonOther == 0;
        EventWriter.Emit("summary", new()
        {
            ["completed"] = _completed,
            ["failed"] = _failed,
            ["wrong"] = _wrong,
            ["duplicates"] = _duplicates,
            ["lost"] = _lost,
            ["poison_abandoned"] = _poisonAbandoned,
            ["poison_other"] = _poisonOther,
            ["checksum"] = _checksum,
            ["expected_checksum"] = _expectedChecksum,
            ["late_results"] = statistics.LateResultsIgnored,
            ["reschedules"] = statistics.Reschedules,
            ["nodes_lost"] = statistics.NodesLost,
            ["nodes_joined"] = statistics.NodesJoined,
            ["abandoned"] = statistics.JobsAbandoned,
            ["ok"] = ok,
        });

        try
        {
            await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            EventWriter.Emit("disposed", []);
        }
        catch (TimeoutException)
        {
            EventWriter.Emit("fatal", new() { ["phase"] = "dispose", ["message"] = "JobServer.DisposeAsync did not finish within 30 s." });
            ok = false;
        }

        return ok;
    }

    private async Task<bool> WaitForNodesAsync(JobServer server, int round, CancellationToken deadline)
    {
        if (options.WaitNodes == 0)
            return true;
        if (!await WaitUntilAsync(() => server.ActiveNodes.Count >= options.WaitNodes, "wait-nodes", $"{options.WaitNodes} connected node(s) before round {round}", deadline))
            return false;
        EventWriter.Emit("nodes-ready", new() { ["round"] = round, ["nodes"] = server.ActiveNodes });
        return true;
    }

    private async Task<bool> WaitForGoAsync(int round, CancellationToken deadline)
    {
        if (!options.Gate)
            return true;
        EventWriter.Emit("round-ready", new() { ["round"] = round });
        try
        {
            // A console read does not observe cancellation once started; WaitAsync bounds the wait regardless.
            var line = await Console.In.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(options.NodeWait, deadline);
            if (line?.Trim() == "go")
                return true;
            EventWriter.Emit("error", new() { ["phase"] = "gate", ["message"] = $"Expected 'go' before round {round} on standard input, got {(line is null ? "its end" : $"'{line}'")}." });
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            EventWriter.Emit("error", new() { ["phase"] = "gate", ["message"] = $"No 'go' for round {round} arrived within {options.NodeWait.TotalSeconds:0} s." });
        }

        return false;
    }

    private async Task<bool> RunRoundAsync(JobServer server, int round, int jobs, int poison, CancellationToken deadline)
    {
        var group = $"round-{round}";
        var jobOptions = new JobOptions { Group = group };
        var total = jobs + poison;
        var tracks = new List<JobTrack>(total);
        var byNode = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failuresByType = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var done = 0;
        var printed = 0;
        EventWriter.Emit("round-start", new() { ["round"] = round, ["jobs"] = jobs, ["poison"] = poison });
        var nextPoison = 1;
        for (var i = 0; i < jobs; i++)
        {
            // Poison jobs go in among the good ones, spread evenly.
            while (nextPoison <= poison && i >= nextPoison * jobs / (poison + 1))
            {
                tracks.Add(Submit(round * 1_000_000L + 900_000 + nextPoison, isPoison: true));
                nextPoison++;
            }

            tracks.Add(Submit(round * 1_000_000L + i, isPoison: false));
        }

        while (nextPoison <= poison)
            tracks.Add(Submit(round * 1_000_000L + 900_000 + nextPoison++, isPoison: true));

        JobTrack Submit(long input, bool isPoison)
        {
            var track = new JobTrack(input, isPoison);
            if (!isPoison)
                Interlocked.Add(ref _expectedChecksum, LabJobs.Expected(input));
            object?[] args = isPoison ? [input] : [input, options.SleepMilliseconds];
            track.Job = server.Submit<long[]>(isPoison ? LabJobs.Poison : LabJobs.Work, args, jobOptions, job => OnFinished(track, job));
            return track;
        }

        void OnFinished(JobTrack track, Job<long[]> job)
        {
            if (Interlocked.Increment(ref track.Completions) > 1)
            {
                Interlocked.Increment(ref _duplicates);
                EventWriter.Emit("duplicate", new() { ["round"] = round, ["job"] = job.Id, ["input"] = track.Input, ["node"] = job.NodeId });
                return;
            }

            var task = job.Task;
            if (task.IsCompletedSuccessfully)
            {
                byNode.AddOrUpdate(job.NodeId ?? "?", 1, (_, n) => n + 1);
                var result = task.Result;
                if (track.IsPoison)
                {
                    Interlocked.Increment(ref _poisonOther);
                }
                else if (result.Length != 3 || result[0] != LabJobs.Expected(track.Input))
                {
                    Interlocked.Increment(ref _wrong);
                    EventWriter.Emit("wrong-result", new() { ["round"] = round, ["job"] = job.Id, ["input"] = track.Input, ["result"] = result });
                }
                else
                {
                    Interlocked.Increment(ref _completed);
                    Interlocked.Add(ref _checksum, result[0]);
                    if (_rescheduledAt.TryGetValue(job.Id, out var rescheduledAt))
                    {
                        EventWriter.Emit("rescheduled-job", new()
                        {
                            ["round"] = round,
                            ["job"] = job.Id,
                            ["node"] = job.NodeId,
                            ["pid"] = result[2],
                            ["rescheduled_ns"] = EventWriter.MonoNanoseconds(rescheduledAt),
                            ["started_ns"] = EventWriter.MonoNanoseconds(result[1]),
                        });
                    }
                }
            }
            else
            {
                var error = task.Exception?.InnerException ?? new OperationCanceledException("The job was cancelled.");
                var type = error.GetType().Name;
                failuresByType.AddOrUpdate(type, 1, (_, n) => n + 1);
                if (track.IsPoison)
                {
                    if (error is JobAbandonedException)
                        Interlocked.Increment(ref _poisonAbandoned);
                    else
                        Interlocked.Increment(ref _poisonOther);
                }
                else
                {
                    Interlocked.Increment(ref _failed);
                }

                if (track.IsPoison || Interlocked.Increment(ref printed) <= FailuresPrintedPerRound)
                {
                    EventWriter.Emit("job-failed", new()
                    {
                        ["round"] = round,
                        ["job"] = job.Id,
                        ["input"] = track.Input,
                        ["poison"] = track.IsPoison,
                        ["type"] = error.GetType().FullName,
                        ["kind"] = (error as NodeUnavailableException)?.Kind.ToString(),
                        ["message"] = error.Message,
                        ["attempts"] = (error as JobAbandonedException)?.Attempts.Select(a => a.ToString()).ToList(),
                    });
                }
            }

            var finished = Interlocked.Increment(ref done);
            if (finished % options.ProgressEvery == 0)
                EventWriter.Emit("progress", new() { ["round"] = round, ["done"] = finished, ["total"] = total });
        }

        var ok = true;
        try
        {
            // The group completes once every job finished and its callback ran.
            await server.WaitAsync(group, deadline);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var missing = tracks.Where(t => Volatile.Read(ref t.Completions) == 0).ToList();
            Interlocked.Add(ref _lost, missing.Count);
            EventWriter.Emit("error", new()
            {
                ["phase"] = "round",
                ["round"] = round,
                ["message"] = $"Round {round}: {missing.Count} job(s) had no result when the client's time limit of {options.Timeout.TotalSeconds:0} s ran out.",
                ["missing"] = missing.Take(20).Select(t => $"job {t.Job?.Id} input {t.Input}: {t.Job?.Status}").ToList(),
                ["statistics"] = server.GetStatistics().ToString(),
            });
            ok = false;
        }

        EventWriter.Emit("round-end", new()
        {
            ["round"] = round,
            ["done"] = Volatile.Read(ref done),
            ["total"] = total,
            ["by_node"] = byNode.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            ["failures_by_type"] = failuresByType.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            ["completed"] = Interlocked.Read(ref _completed),
            ["failed"] = Interlocked.Read(ref _failed),
            ["duplicates"] = Interlocked.Read(ref _duplicates),
        });
        return ok;
    }

    private void OnLog(int eventId, IReadOnlyDictionary<string, object?> fields, long timestamp)
    {
        switch (eventId)
        {
            case 1200 when fields.TryGetValue("JobId", out var id) && id is long jobId:
                // JobRescheduled: the job was running on a worker or node that died; remember when it was put back.
                _rescheduledAt.TryAdd(jobId, timestamp);
                break;
            case 1110 or 1112 when fields.TryGetValue("InstanceName", out var name) && name is string instance:
                // NodeDiscovered / DiscoveredNodeIgnored.
                _servicesSeen.TryAdd(instance, 0);
                break;
        }
    }

    private async Task<bool> WaitUntilAsync(Func<bool> condition, string phase, string what, CancellationToken deadline)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > options.NodeWait || deadline.IsCancellationRequested)
            {
                EventWriter.Emit("error", new() { ["phase"] = phase, ["message"] = $"Waited {waited.Elapsed.TotalSeconds:0.0} s for {what}; it never came." });
                return false;
            }

            await Task.Delay(20, CancellationToken.None); // node membership has no public event; the poll is bounded
        }

        return true;
    }

    private sealed class JobTrack(long input, bool isPoison)
    {
        public long Input { get; } = input;

        public bool IsPoison { get; } = isPoison;

        public Job<long[]>? Job { get; set; }

        public int Completions;
    }
}
