using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ParallelSharp.ClusterTests.Lab;
using Xunit.Abstractions;

namespace ParallelSharp.ClusterTests;

/// <summary>
/// Issue 5's proof under real faults: two node daemons (lab hosts 1 and 2, two workers each), the job server in host 3.
/// A daemon is killed, a worker is killed, a link is cut and healed, a job poisons its workers. Every good job must
/// complete exactly once with the right result.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class FaultToleranceLabTests(LabFixture fixture, ITestOutputHelper output)
{
    private const int JobSleepMilliseconds = 10;

    [LabFact]
    public async Task KillNodeDaemon_MidRun_EveryJobCompletesOnceOnTheOtherNode()
    {
        await using var run = new LabRun(fixture, output, "kill");
        var doomed = await run.StartDaemonAsync(host: 1, workers: 2);
        var survivor = await run.StartDaemonAsync(host: 2, workers: 2);
        var client = run.StartClient("kill daemon", "--nodes", $"{doomed.Address},{survivor.Address}", "--jobs", "1000",
            "--sleep-ms", Sleep, "--warmup", "40", "--wait-nodes", "2", "--progress-every", "100");

        await client.WaitForEventAsync("200 jobs done before the kill", "progress", e => Round(e) == 1 && Done(e) >= 200, TestTimeouts.Step);
        var workers = doomed.WorkerProcessIds();
        var killedAt = doomed.KillHard();
        var lost = await WaitForNodeLostAsync(client, doomed.NodeId, killedAt);
        var report = await run.FinishAsync(client);

        AssertEveryJobOnce(report, expected: 1040);
        Assert.Equal(1, report.SummaryValue("nodes_lost"));
        var stats = report.NodeStatistics;
        Assert.True(stats[doomed.NodeId].GetProperty("reschedules").GetInt64() > 0, $"{doomed.NodeId} held no job when it was killed.\n{report.Transcript}");
        Assert.True(stats[survivor.NodeId].GetProperty("completed").GetInt64() > 0);
        // Found by the closed connection, not by waiting for heartbeats.
        Assert.DoesNotContain("heartbeat", ClientReport.Field(lost, "Reason"), StringComparison.Ordinal);
        Assert.Empty(await ProcessTable.WaitAllExitedAsync(workers, TestTimeouts.ProcessExit));
        RecordDetection(run, "kill -9 daemon", killedAt, lost, report);
    }

    [LabFact]
    public async Task KillWorkerProcess_MidRun_EveryJobCompletesOnce()
    {
        await using var run = new LabRun(fixture, output, "worker");
        var node = await run.StartDaemonAsync(host: 1, workers: 2);
        var other = await run.StartDaemonAsync(host: 2, workers: 2);
        var client = run.StartClient("kill worker", "--nodes", $"{node.Address},{other.Address}", "--jobs", "1000",
            "--sleep-ms", Sleep, "--warmup", "40", "--wait-nodes", "2", "--progress-every", "100");

        await client.WaitForEventAsync("200 jobs done before the kill", "progress", e => Round(e) == 1 && Done(e) >= 200, TestTimeouts.Step);
        var workers = node.WorkerProcessIds();
        Assert.True(workers.Count > 0, $"{node.NodeId} has no worker to kill.\n{node.Tail()}");
        var victim = workers[0];
        Assert.True(ProcessTable.KillHard(victim), $"Worker {victim} of {node.NodeId} was gone before the test killed it.");
        var report = await run.FinishAsync(client);

        AssertEveryJobOnce(report, expected: 1040);
        Assert.Equal(0, report.SummaryValue("nodes_lost"));
        // The job the worker was running is charged an attempt and runs again; the node replaces the worker.
        Assert.Contains(report.Logs(1200), l => ClientReport.Field(l, "NodeId") == node.NodeId && ClientReport.Field(l, "Reason").Contains("crashed", StringComparison.Ordinal));
        var replaced = await node.WaitForWorkersAsync(2);
        Assert.DoesNotContain(victim, replaced);
        await node.Process.WaitForLineAsync("the node's log of the dead worker", l => l.Contains("[2101]", StringComparison.Ordinal), TestTimeouts.Step);
    }

    [LabTheory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task CutNodeLink_MidRun_JobsFinishElsewhereAndTheNodeIsUsedAfterHeal(bool silent, bool discover)
    {
        await using var run = new LabRun(fixture, output, silent ? "cutsilent" : "cut");
        var cut = await run.StartDaemonAsync(host: 1, workers: 2);
        var other = await run.StartDaemonAsync(host: 2, workers: 2);
        string[] nodes = discover ? ["--discover", "psh0"] : ["--nodes", $"{cut.Address},{other.Address}"];
        var client = run.StartClient(silent ? "cut --silent" : "cut", [.. nodes, "--jobs", "600", "--rounds", "2",
            "--sleep-ms", Sleep, "--warmup", "40", "--wait-nodes", "2", "--progress-every", "50"]);

        await client.WaitForEventAsync("100 jobs done before the cut", "progress", e => Round(e) == 1 && Done(e) >= 100, TestTimeouts.Step);
        var (cutStarted, cutAt) = await run.CutAsync(cut.Host, silent);
        run.Note(string.Create(CultureInfo.InvariantCulture, $"netns-lab.sh cut took {Stopwatch.GetElapsedTime(cutStarted, cutAt).TotalMilliseconds:0.0} ms"));
        var lost = await WaitForNodeLostAsync(client, cut.NodeId, cutStarted);
        Assert.Contains("no heartbeat", ClientReport.Field(lost, "Reason"), StringComparison.Ordinal);
        var roundOne = await client.WaitForEventAsync("round 1 finished on the other node", "round-end", e => Round(e) == 1, TestTimeouts.Step);
        Assert.Equal(roundOne.GetProperty("total").GetInt32(), roundOne.GetProperty("done").GetInt32());
        await run.HealAsync(cut.Host);
        var report = await run.FinishAsync(client);

        AssertEveryJobOnce(report, expected: 1240);
        Assert.True(report.SummaryValue("nodes_lost") >= 1);
        Assert.True(report.NodeStatistics[cut.NodeId].GetProperty("reschedules").GetInt64() > 0, $"{cut.NodeId} held no job when its link was cut.\n{report.Transcript}");
        var afterHeal = report.ByNode(2);
        run.Note($"round 2 after heal: {string.Join(", ", afterHeal.Select(p => $"{p.Key}={p.Value}"))}; late results ignored: {report.SummaryValue("late_results")}");
        Assert.True(afterHeal.GetValueOrDefault(cut.NodeId) > 0, $"{cut.NodeId} got no job after its link was healed.\n{report.Transcript}");
        // The results the node produced for its old session after the cut never reached a future (each job completed
        // once, above): the node drops that session, and its jobs' second runs are what counted.
        await cut.Process.WaitForLineAsync($"{cut.NodeId} dropping the session cut off from the job server",
            l => l.Contains("[2005]", StringComparison.Ordinal), TestTimeouts.Step);
        RecordDetection(run, (silent ? "cut --silent" : "cut") + " (timed from the end of the cut command)", cutAt, lost, report);
    }

    [LabFact]
    public async Task PoisonJob_AmongGoodOnes_GoodOnesFinishAndItIsAbandonedWithItsAttempts()
    {
        await using var run = new LabRun(fixture, output, "poison");
        var a = await run.StartDaemonAsync(host: 1, workers: 2);
        var b = await run.StartDaemonAsync(host: 2, workers: 2);
        var client = run.StartClient("poison", "--nodes", $"{a.Address},{b.Address}", "--jobs", "500", "--poison", "1",
            "--sleep-ms", "5", "--wait-nodes", "2", "--progress-every", "100");
        var report = await run.FinishAsync(client);

        AssertEveryJobOnce(report, expected: 500);
        Assert.Equal(1, report.SummaryValue("poison_abandoned"));
        Assert.Equal(1, report.SummaryValue("abandoned"));
        var poison = Assert.Single(report.All("job-failed"));
        Assert.True(poison.GetProperty("poison").GetBoolean());
        Assert.Equal("ParallelSharp.JobAbandonedException", poison.GetProperty("type").GetString());
        var attempts = poison.GetProperty("attempts").EnumerateArray().Select(x => x.GetString()!).ToList();
        Assert.Equal(3, attempts.Count); // MaxAttempts default
        for (var i = 0; i < attempts.Count; i++)
        {
            Assert.StartsWith($"attempt {i + 1} on node node-", attempts[i], StringComparison.Ordinal);
            Assert.Contains("crashed", attempts[i], StringComparison.Ordinal);
        }

        var message = poison.GetProperty("message").GetString()!;
        Assert.Contains("3 attempt(s)", message, StringComparison.Ordinal);
        Assert.All(attempts, attempt => Assert.Contains(attempt, message, StringComparison.Ordinal));
    }

    [LabFact]
    public async Task KillNodeDaemon_TwentyTimesInARow_NoResultLostOrDuplicated()
    {
        const int Iterations = 20;
        const int JobsPerRound = 300;
        await using var run = new LabRun(fixture, output, "loop");
        var daemons = new[] { await run.StartDaemonAsync(host: 1, workers: 2), await run.StartDaemonAsync(host: 2, workers: 2) };
        var client = run.StartClient("kill loop", "--nodes", $"{daemons[0].Address},{daemons[1].Address}",
            "--jobs", JobsPerRound.ToString(CultureInfo.InvariantCulture), "--rounds", Iterations.ToString(CultureInfo.InvariantCulture),
            "--sleep-ms", Sleep, "--wait-nodes", "2", "--progress-every", "30", "--gate");
        var detections = new List<double>();

        for (var iteration = 1; iteration <= Iterations; iteration++)
        {
            try
            {
                // Alternate the victim, so both nodes die and come back.
                var index = (iteration - 1) % 2;
                var victim = daemons[index];
                // The client starts each round on our word, with both nodes connected, so every kill lands in its own round.
                await client.WaitForEventAsync("both nodes connected before the round", "round-ready", e => Round(e) == iteration, TestTimeouts.Step);
                await client.SendLineAsync("go");
                await client.WaitForEventAsync("30 jobs of the round done", "progress", e => Round(e) == iteration && Done(e) >= 30, TestTimeouts.Step);
                var killedAt = victim.KillHard();
                var lost = await WaitForNodeLostAsync(client, victim.NodeId, killedAt);
                detections.Add(Milliseconds(killedAt, lost));
                run.Note(string.Create(CultureInfo.InvariantCulture,
                    $"iteration {iteration}: killed {victim.NodeId} (pid {victim.ProcessId}); declared lost after {detections[^1]:0.0} ms ({ClientReport.Field(lost, "Reason")})"));
                daemons[index] = await run.StartDaemonAsync(victim.Host, victim.Workers);
                var end = await client.WaitForEventAsync("end of the round", "round-end", e => Round(e) == iteration, TestTimeouts.Step);
                Assert.Equal(JobsPerRound, end.GetProperty("done").GetInt32());
                Assert.Equal(0, end.GetProperty("duplicates").GetInt32());
                Assert.Equal(0, end.GetProperty("failed").GetInt32());
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"Iteration {iteration} of {Iterations} failed: {ex.Message}\n{client.Tail()}");
            }
        }

        var report = await run.FinishAsync(client);
        AssertEveryJobOnce(report, expected: Iterations * JobsPerRound);
        Assert.Equal(Iterations, report.SummaryValue("nodes_lost"));
        detections.Sort();
        run.Note(string.Create(CultureInfo.InvariantCulture,
            $"kill -9 detection over {detections.Count} kills: min {detections[0]:0.0} ms, median {detections[detections.Count / 2]:0.0} ms, max {detections[^1]:0.0} ms"));
    }

    private static string Sleep => JobSleepMilliseconds.ToString(CultureInfo.InvariantCulture);

    private static int Round(JsonElement e) => e.GetProperty("round").GetInt32();

    private static int Done(JsonElement e) => e.GetProperty("done").GetInt32();

    private static long MonoNs(JsonElement e) => e.GetProperty("mono_ns").GetInt64();

    private static double Milliseconds(long stopwatchTicks, JsonElement later) => (MonoNs(later) - LabRun.MonoNanoseconds(stopwatchTicks)) / 1e6;

    /// <summary>Waits for the job server's NodeLost event (1101) for <paramref name="nodeId"/> logged after <paramref name="since"/>.</summary>
    private static Task<JsonElement> WaitForNodeLostAsync(LabProcess client, string nodeId, long since)
    {
        var sinceNs = LabRun.MonoNanoseconds(since);
        return client.WaitForEventAsync($"the job server declaring {nodeId} lost", "log",
            e => e.GetProperty("id").GetInt32() == 1101 && ClientReport.Field(e, "NodeId") == nodeId && MonoNs(e) >= sinceNs, TestTimeouts.Step);
    }

    private static void AssertEveryJobOnce(ClientReport report, long expected)
    {
        Assert.True(report.ExitCode == 0, $"The client reported a failure (exit {report.ExitCode}).\n{report.Transcript}");
        Assert.Equal(expected, report.SummaryValue("completed"));
        Assert.Equal(0, report.SummaryValue("failed"));
        Assert.Equal(0, report.SummaryValue("wrong"));
        Assert.Equal(0, report.SummaryValue("duplicates"));
        Assert.Equal(0, report.SummaryValue("lost"));
        Assert.Equal(report.SummaryValue("expected_checksum"), report.SummaryValue("checksum"));
        Assert.Empty(report.All("duplicate"));
    }

    /// <summary>Writes the fault's detection time and the time until its running jobs restarted elsewhere (for bench/RESULTS.md).</summary>
    private static void RecordDetection(LabRun run, string fault, long faultAt, JsonElement lost, ClientReport report)
    {
        run.Figure($"{fault}: node declared lost", Milliseconds(faultAt, lost));
        run.Note($"{fault}: the job server's reason: {ClientReport.Field(lost, "Reason")}");
        var restarts = report.All("rescheduled-job").Select(e => e.GetProperty("started_ns").GetInt64()).Where(ns => ns >= LabRun.MonoNanoseconds(faultAt)).ToList();
        if (restarts.Count > 0)
            run.Figure($"{fault}: first of its running jobs started elsewhere", (restarts.Min() - LabRun.MonoNanoseconds(faultAt)) / 1e6);
    }
}
