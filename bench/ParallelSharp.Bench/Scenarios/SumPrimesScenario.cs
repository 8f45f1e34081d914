using System.Diagnostics;

namespace ParallelSharp.Bench.Scenarios;

/// <summary>
/// pp's SumPrimes (n = 100000..100700 step 100) and a heavier set (16 jobs, several seconds on one worker) on a node
/// with 1 worker and on one with 2; the runs alternate between the two so that load from other processes on this
/// shared machine falls on both alike.
/// </summary>
internal static class SumPrimesScenario
{
    /// <summary>pp's demo inputs.</summary>
    public static readonly int[] PpInputs = [.. Enumerable.Range(0, 8).Select(i => 100_000 + i * 100)];

    /// <summary>Heavier inputs, so that a run lasts well over a second and start-up effects vanish.</summary>
    public static readonly int[] HeavyInputs = [.. Enumerable.Range(0, 16).Select(i => 1_000_000 + i * 1_000)];

    public static async Task RunAsync(BenchOptions options)
    {
        using var cache = TempDirectory.Create("sumprimes");
        await using var one = new JobServer(new JobServerOptions { LocalWorkers = 1, CacheDirectory = cache.Path });
        await using var two = new JobServer(new JobServerOptions { LocalWorkers = 2, CacheDirectory = cache.Path });
        await Task.WhenAll(one.WaitUntilReadyAsync(), two.WaitUntilReadyAsync()).WaitAsync(Timeouts.Start);

        var expectedPp = PpInputs.Select(Sources.SumPrimesLocal).ToArray();
        foreach (var (name, inputs, expected) in new[] { ("sumprimes_pp", PpInputs, expectedPp), ("sumprimes_heavy", HeavyInputs, null) })
        {
            // Warm-up: compile once, then run the set on each node so every worker has jitted the loop.
            var reference = await RunSetAsync(one, inputs, expected);
            await RunSetAsync(two, inputs, reference.Results);

            var t1 = new List<double>();
            var t2 = new List<double>();
            var parallelism = new List<double>();
            var others = new List<double>();
            var single = new List<double>();
            for (var run = 0; run < options.Repeat; run++)
            {
                var oneBefore = CpuSnapshot.Take(one);
                t1.Add((await RunSetAsync(one, inputs, reference.Results)).Seconds);
                single.Add((CpuSnapshot.Take(one) - oneBefore).Workers.CpuMs / (t1[^1] * 1000));
                // With 2 workers: how many cores our workers really got, and how many the rest of the machine used meanwhile.
                var machine = MachineCpu.Read();
                var ours = CpuSnapshot.Take(two);
                t2.Add((await RunSetAsync(two, inputs, reference.Results)).Seconds);
                var ourCpu = CpuSnapshot.Take(two) - ours;
                var machineCpu = MachineCpu.Read() - machine;
                var wallMs = t2[^1] * 1000;
                parallelism.Add(ourCpu.Workers.CpuMs / wallMs);
                others.Add(Math.Max(0, machineCpu.BusyMs - ourCpu.Workers.CpuMs - ourCpu.Server.CpuMs) / wallMs);
                Report.Human($"{name} run {run + 1}: 1 worker {Report.F(t1[^1], "0.000")} s (it got {Report.F(single[^1], "0.00")} cores), 2 workers {Report.F(t2[^1], "0.000")} s, " +
                    $"speedup {Report.F(t1[^1] / t2[^1], "0.00")}×; during the 2-worker run our workers got {Report.F(parallelism[^1], "0.00")} cores " +
                    $"and other processes used {Report.F(others[^1], "0.00")} of the machine's {Environment.ProcessorCount}");
            }

            var line = Report.Line(name, "s");
            line["jobs"] = inputs.Length;
            line["inputs"] = $"{inputs[0]}..{inputs[^1]} step {inputs[1] - inputs[0]}";
            line["t1_median"] = Report.Round(Stats.Median(t1), 3);
            line["t2_median"] = Report.Round(Stats.Median(t2), 3);
            line["t1_best"] = Report.Round(t1.Min(), 3);
            line["t2_best"] = Report.Round(t2.Min(), 3);
            line["speedup"] = Report.Round(Stats.Median(t1) / Stats.Median(t2), 3);
            line["speedup_best"] = Report.Round(t1.Min() / t2.Min(), 3);
            line["workers_cores_1w"] = Report.Round(Stats.Median(single), 2);
            line["workers_cores_2w"] = Report.Round(Stats.Median(parallelism), 2);
            line["other_processes_cores_2w"] = Report.Round(Stats.Median(others), 2);
            line["t1_runs"] = Report.Array(t1, 3);
            line["t2_runs"] = Report.Array(t2, 3);
            Report.Emit(line);
            Report.Human($"{name}: 1 worker {line["t1_median"]} s, 2 workers {line["t2_median"]} s (medians), speedup {line["speedup"]}× " +
                $"(best-of-{options.Repeat}: {line["speedup_best"]}×)");
        }
    }

    private static async Task<(double Seconds, long[] Results)> RunSetAsync(JobServer server, int[] inputs, long[]? expected)
    {
        var started = Stopwatch.GetTimestamp();
        var jobs = inputs.Select(n => server.Submit<long>(Sources.SumPrimes, n).Task).ToArray();
        var results = await Task.WhenAll(jobs).WaitAsync(Timeouts.Batch);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (expected is not null && !results.SequenceEqual(expected))
            throw new InvalidOperationException("SumPrimes returned a wrong sum.");
        return (seconds, results);
    }
}
