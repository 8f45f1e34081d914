using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ParallelSharp.Bench.Scenarios;

/// <summary>
/// Cold start, in fresh child processes so that the runtime, the JIT and Roslyn are really cold:
/// <list type="number">
/// <item>"first": <c>new JobServer()</c> with an empty cache folder → the first result of a function nobody has seen;
/// then, once the node is warm, five more never-seen functions (the node's compile time, from its own log event,
/// and submit → result against a function it has seen).</item>
/// <item>"restart": a new process with the same cache folder → the first result of that first function again (it must
/// come from the disk cache: no compile event), then a function of the first process's on the warm node.</item>
/// </list>
/// </summary>
internal static class ColdStartScenario
{
    private const int NewFunctions = 5;
    private const int SeenRepeats = 30;

    public static async Task RunAsync(BenchOptions options)
    {
        var firsts = new List<JsonObject>();
        var restarts = new List<JsonObject>();
        for (var run = 0; run < options.Repeat; run++)
        {
            using var cache = TempDirectory.Create("coldstart");
            var tag = Guid.NewGuid().ToString("N")[..12];
            string[] common = ["child-coldstart", "--cache", cache.Path, "--tag", tag, "--workers", options.Workers.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            var first = (await SelfProcess.RunAsync([.. common, "--phase", "first"], Timeouts.Child)).Single();
            var restart = (await SelfProcess.RunAsync([.. common, "--phase", "restart"], Timeouts.Child)).Single();
            firsts.Add(first);
            restarts.Add(restart);
            Report.Human($"run {run + 1}: first result {first["first_result_s"]} s after new JobServer() ({first["process_start_to_main_s"]} s runtime start before it; " +
                $"{first["cpu_to_first_result_ms"]} ms of CPU in this process by then), " +
                $"workers ready {first["workers_ready_s"]} s, first compile {first["first_compile_ms"]} ms, compiler warm-up {first["warmup_ms"]} ms; " +
                $"warm node: new function compile {first["new_fn_compile_ms_median"]} ms, submit→result {first["new_fn_ms_median"]} ms vs seen {first["seen_ms_median"]} ms, " +
                $"job server CPU for it {first["new_fn_server_cpu_ms_median"]} ms");
            Report.Human($"run {run + 1} restart: first result {restart["first_result_s"]} s, compiles {restart["compiles"]}, disk hits {restart["disk_hits"]}; " +
                $"on the warm node a function seen before the restart took {restart["disk_hit_ms"]} ms (then {restart["seen_ms_median"]} ms from memory)");
        }

        double Median(List<JsonObject> lines, string field) => Stats.Median(lines.Select(l => (double)l[field]!));
        var line = Report.Line("coldstart", "s");
        line["workers"] = options.Workers;
        line["runs"] = options.Repeat;
        line["first_result_s"] = Report.Round(Median(firsts, "first_result_s"), 3);
        line["first_result_s_best"] = Report.Round(firsts.Min(l => (double)l["first_result_s"]!), 3);
        line["process_start_to_main_s"] = Report.Round(Median(firsts, "process_start_to_main_s"), 3);
        line["cpu_to_first_result_ms"] = Report.Round(Median(firsts, "cpu_to_first_result_ms"), 0);
        line["restart_cpu_to_first_result_ms"] = Report.Round(Median(restarts, "cpu_to_first_result_ms"), 0);
        line["workers_ready_s"] = Report.Round(Median(firsts, "workers_ready_s"), 3);
        line["first_compile_ms"] = Report.Round(Median(firsts, "first_compile_ms"));
        // Null where every run's warm-up gave way to the first job's compile (event 2411): no figure is made up for it.
        var warmUps = firsts.Where(l => l["warmup_ms"] is not null).Select(l => (double)l["warmup_ms"]!).ToList();
        line["warmup_ms"] = warmUps.Count == 0 ? null : Report.Round(Stats.Median(warmUps));
        line["warmups_given_way"] = firsts.Count - warmUps.Count;
        line["compile_ms"] = Report.Round(Median(firsts, "new_fn_compile_ms_median"));
        line["new_fn_ms"] = Report.Round(Median(firsts, "new_fn_ms_median"));
        line["seen_ms"] = Report.Round(Median(firsts, "seen_ms_median"), 3);
        line["compile_server_cpu_ms"] = Report.Round(Median(firsts, "new_fn_server_cpu_ms_median"));
        line["new_minus_seen_ms"] = Report.Round(Median(firsts, "new_fn_ms_median") - Median(firsts, "seen_ms_median"));
        line["restart_first_result_s"] = Report.Round(Median(restarts, "first_result_s"), 3);
        line["restart_compiles"] = restarts.Sum(l => (int)l["compiles"]!);
        line["restart_disk_hits"] = restarts.Sum(l => (int)l["disk_hits"]!);
        line["restart_disk_hit_ms"] = Report.Round(Median(restarts, "disk_hit_ms"));
        line["restart_seen_ms"] = Report.Round(Median(restarts, "seen_ms_median"), 3);
        line["first_runs"] = new JsonArray([.. firsts.Select(f => (JsonNode)f.DeepClone())]);
        line["restart_runs"] = new JsonArray([.. restarts.Select(r => (JsonNode)r.DeepClone())]);
        Report.Emit(line);
        Report.Human($"cold start (median of {options.Repeat}): first result {line["first_result_s"]} s; warm-node compile {line["compile_ms"]} ms " +
            $"(submit→result {line["new_fn_ms"]} ms vs {line["seen_ms"]} ms seen); after restart: {line["restart_compiles"]} compiles, " +
            $"{line["restart_disk_hits"]} disk hits, first result {line["restart_first_result_s"]} s, disk-hit job {line["restart_disk_hit_ms"]} ms");
    }

    /// <summary>The child's side: one phase, one JSON line.</summary>
    public static async Task<int> RunChildAsync(BenchOptions options)
    {
        var sinceProcessStart = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds;
        var tag = options.Tag ?? throw new ArgumentException("--tag is required.");
        var cache = options.CacheDirectory ?? throw new ArgumentException("--cache is required.");
        var restart = options.Phase == "restart";
        var capture = new EventCapture();
        var first = Sources.Unique(tag + "a");
        var others = Enumerable.Range(1, NewFunctions).Select(k => Sources.Unique($"{tag}b{k}")).ToArray();

        var started = Stopwatch.GetTimestamp();
        await using var server = new JobServer(new JobServerOptions { LocalWorkers = options.Workers, CacheDirectory = cache, LoggerFactory = capture });
        var readySeconds = 0.0;
        var ready = server.WaitUntilReadyAsync().ContinueWith(
            _ => readySeconds = Stopwatch.GetElapsedTime(started).TotalSeconds, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var value = await server.Submit<long>(first, 7L).Task.WaitAsync(Timeouts.Start);
        var firstResult = Stopwatch.GetElapsedTime(started).TotalSeconds;
        // CPU this process used from its start to the first result (runtime start, node, compiler): unlike the wall
        // time, it does not grow when other processes take the cores, so it tells what a quiet machine would see.
        var cpuToFirstResult = ProcessCpu.PreciseCpuMs(Environment.ProcessId);
        Check(value, 7);
        await ready.WaitAsync(Timeouts.Start);
        // The compiler warms up in the background from the start; measure the warm node only once it has (or gave way to
        // the first job's compile, which warmed it instead).
        await capture.WaitForAsync(Timeouts.Start, EventCapture.CompilerWarmedUp, EventCapture.CompilerWarmUpYielded);
        var warmUp = capture.Events.FirstOrDefault(e => e.Id == EventCapture.CompilerWarmedUp);

        var line = Report.Line($"coldstart_{options.Phase}", "s");
        line["process_start_to_main_s"] = Report.Round(sinceProcessStart, 3);
        line["first_result_s"] = Report.Round(firstResult, 3);
        line["cpu_to_first_result_ms"] = Report.Round(cpuToFirstResult, 0);
        line["workers_ready_s"] = Report.Round(readySeconds, 3);
        line["warmup_ms"] = warmUp is null ? null : Report.Round(warmUp.Number("ElapsedMilliseconds"));
        if (!restart)
        {
            line["first_compile_ms"] = Report.Round(capture.For(first, EventCapture.PackageCompiled).Single().Number("ElapsedMilliseconds"));
            var seen = await TimeJobsAsync(server, Enumerable.Repeat(first, SeenRepeats));
            var seenCpu = await CpuPerJobAsync(server, Enumerable.Repeat(first, SeenRepeats));
            var fresh = new List<double>();
            var freshCpu = new List<double>();
            foreach (var other in others)
            {
                // The job server process's CPU while a never-seen function goes through (its compile, mostly): unlike the
                // wall time, it does not grow when other processes take the cores.
                var cpuBefore = ProcessCpu.PreciseCpuMs(Environment.ProcessId);
                fresh.Add((await TimeJobsAsync(server, [other]))[0]);
                freshCpu.Add(ProcessCpu.PreciseCpuMs(Environment.ProcessId) - cpuBefore);
            }

            var compiles = others.Select(o => capture.For(o, EventCapture.PackageCompiled).Single().Number("ElapsedMilliseconds")).ToArray();
            line["seen_ms_median"] = Report.Round(Stats.Median(seen), 3);
            line["new_fn_server_cpu_ms"] = Report.Array(freshCpu, 2);
            line["new_fn_server_cpu_ms_median"] = Report.Round(Stats.Median(freshCpu), 2);
            line["seen_server_cpu_ms_median"] = Report.Round(seenCpu, 3);
            line["new_fn_ms"] = Report.Array(fresh, 2);
            line["new_fn_ms_median"] = Report.Round(Stats.Median(fresh), 2);
            line["new_fn_compile_ms"] = Report.Array(compiles, 2);
            line["new_fn_compile_ms_median"] = Report.Round(Stats.Median(compiles), 2);
        }
        else
        {
            // Functions compiled by the first process: each must be read from disk, never compiled again.
            var diskHitMs = (await TimeJobsAsync(server, [others[0]]))[0];
            var seen = await TimeJobsAsync(server, Enumerable.Repeat(others[0], SeenRepeats));
            line["disk_hit_ms"] = Report.Round(diskHitMs, 2);
            line["seen_ms_median"] = Report.Round(Stats.Median(seen), 3);
            line["compiles"] = capture.For(first, EventCapture.PackageCompiled).Count + capture.For(others[0], EventCapture.PackageCompiled).Count;
            line["disk_hits"] = capture.For(first, EventCapture.LoadedFromDisk).Count + capture.For(others[0], EventCapture.LoadedFromDisk).Count;
        }

        Report.Emit(line);
        return 0;
    }

    private static async Task<double> CpuPerJobAsync(JobServer server, IEnumerable<JobSource> sources)
    {
        var list = sources.ToList();
        var before = ProcessCpu.PreciseCpuMs(Environment.ProcessId);
        await TimeJobsAsync(server, list);
        return (ProcessCpu.PreciseCpuMs(Environment.ProcessId) - before) / list.Count;
    }

    private static async Task<double[]> TimeJobsAsync(JobServer server, IEnumerable<JobSource> sources)
    {
        var times = new List<double>();
        var x = 1L;
        foreach (var source in sources)
        {
            var started = Stopwatch.GetTimestamp();
            var value = await server.Submit<long>(source, x).Task.WaitAsync(Timeouts.Job);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Check(value, x++);
        }

        return [.. times];
    }

    private static void Check(long value, long x)
    {
        if (value != Sources.UniqueExpected(x))
            throw new InvalidOperationException($"A never-seen function returned {value} for {x}, expected {Sources.UniqueExpected(x)}.");
    }
}
