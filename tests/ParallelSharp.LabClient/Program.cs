// A job server for the cluster tests, run inside a lab network namespace (the root namespace cannot reach the lab hosts).
// It runs the scenario given by its arguments and prints one JSON event per line; see LabOptions.Usage. It always ends
// by itself: the run is bounded by --timeout, and a watchdog exits the process if even the clean shutdown hangs.
// Events (each with "mono_ns", the machine's monotonic clock): ready, log (the job server's own log events: node joined
// 1100 / lost 1101 / connect failed 1102 / discovered 1110 / ignored 1112, job rescheduled 1200 / abandoned 1201),
// nodes-ready, round-ready (--gate), round-start, progress, job-failed, rescheduled-job (a job that ran again after its
// worker or node died: when it was put back and when it restarted), wrong-result, duplicate, round-end, error, fatal,
// statistics (per node), summary (completed, failed, wrong, duplicates, lost, checksums, late results, reschedules,
// nodes lost), disposed, exit.
using ParallelSharp.LabClient;

LabOptions options;
try
{
    options = LabOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    await Console.Error.WriteLineAsync(ex.Message + "\n" + LabOptions.Usage);
    return 2;
}

using var watchdog = new Timer(_ =>
{
    EventWriter.Emit("fatal", new() { ["phase"] = "watchdog", ["message"] = $"The client did not finish within {options.Timeout.TotalSeconds + 60:0} s; exiting." });
    Environment.Exit(5);
}, null, options.Timeout + TimeSpan.FromSeconds(60), Timeout.InfiniteTimeSpan);

var ok = await new Scenario(options).RunAsync();
EventWriter.Emit("exit", new() { ["code"] = ok ? 0 : 1 });
return ok ? 0 : 1;
