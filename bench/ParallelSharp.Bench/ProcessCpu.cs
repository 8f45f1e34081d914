using System.Globalization;

namespace ParallelSharp.Bench;

/// <summary>
/// CPU time and context switches of a process (all its threads), from /proc (Linux): where a scenario's CPU went
/// (the job server process, which hosts the local node, or the workers) and how often its threads went to sleep.
/// </summary>
internal readonly record struct ProcessCpu(double CpuMs, long VoluntarySwitches, long InvoluntarySwitches)
{
    // USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux build .NET runs on.
    private const double TicksPerSecond = 100.0;

    public static ProcessCpu Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long voluntary = 0, involuntary = 0;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                        voluntary += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                    else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        involuntary += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                }
            }

            return new ProcessCpu(ticks * 1000.0 / TicksPerSecond, voluntary, involuntary);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return default;
        }
    }

    /// <summary>
    /// CPU time of a process's live threads in ms with nanosecond resolution (the sum of /proc/&lt;pid&gt;/task/*/schedstat),
    /// for spans too short for the 10 ms ticks of /proc/&lt;pid&gt;/stat; NaN where unavailable.
    /// </summary>
    public static double PreciseCpuMs(int pid)
    {
        try
        {
            long nanoseconds = 0;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var text = File.ReadAllText(Path.Combine(task, "schedstat"));
                    nanoseconds += long.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // The thread ended meanwhile.
                }
            }

            return nanoseconds / 1e6;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    public static ProcessCpu operator -(ProcessCpu a, ProcessCpu b) =>
        new(a.CpuMs - b.CpuMs, a.VoluntarySwitches - b.VoluntarySwitches, a.InvoluntarySwitches - b.InvoluntarySwitches);

    public static ProcessCpu operator +(ProcessCpu a, ProcessCpu b) =>
        new(a.CpuMs + b.CpuMs, a.VoluntarySwitches + b.VoluntarySwitches, a.InvoluntarySwitches + b.InvoluntarySwitches);
}

/// <summary>
/// CPU of the job server process and of its local workers, read together, and the thread-pool work items the job
/// server process ran (each is a hand-off between threads on the data path: a read loop, a flush loop, a continuation).
/// </summary>
internal readonly record struct CpuSnapshot(ProcessCpu Server, ProcessCpu Workers, long ThreadPoolItems)
{
    public static CpuSnapshot Take(JobServer server) => new(
        ProcessCpu.Read(Environment.ProcessId),
        server.LocalWorkerProcessIds.Select(ProcessCpu.Read).Aggregate(default(ProcessCpu), (a, b) => a + b),
        ThreadPool.CompletedWorkItemCount);

    public static CpuSnapshot operator -(CpuSnapshot a, CpuSnapshot b) =>
        new(a.Server - b.Server, a.Workers - b.Workers, a.ThreadPoolItems - b.ThreadPoolItems);
}

/// <summary>Busy and total CPU time of the whole machine from /proc/stat (all processes, ours and others'), in ms.</summary>
internal readonly record struct MachineCpu(double BusyMs, double TotalMs)
{
    public static MachineCpu Read()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Sum();
            var idle = fields[3] + fields[4]; // idle + iowait
            return new MachineCpu((total - idle) * 10.0, total * 10.0); // USER_HZ = 100: 10 ms a tick
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return default;
        }
    }

    public static MachineCpu operator -(MachineCpu a, MachineCpu b) => new(a.BusyMs - b.BusyMs, a.TotalMs - b.TotalMs);
}
