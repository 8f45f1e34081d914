using System.Diagnostics;
using System.Text.Json;

namespace ParallelSharp.LabClient;

/// <summary>
/// Writes one JSON object per line on standard output. Every event carries <c>mono_ns</c>: the machine's monotonic clock
/// (<see cref="Stopwatch"/>), which the test process in the root namespace reads too, so both sides' times compare.
/// </summary>
internal static class EventWriter
{
    private static readonly Lock s_gate = new();

    /// <summary>A Stopwatch timestamp in nanoseconds (100 ns resolution).</summary>
    public static long MonoNanoseconds(long stopwatchTicks) => Stopwatch.GetElapsedTime(0, stopwatchTicks).Ticks * 100;

    public static void Emit(string name, Dictionary<string, object?> fields)
    {
        var all = new Dictionary<string, object?>(fields.Count + 2) { ["event"] = name, ["mono_ns"] = MonoNanoseconds(Stopwatch.GetTimestamp()) };
        foreach (var (key, value) in fields)
            all[key] = value;
        var line = JsonSerializer.Serialize(all);
        lock (s_gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
