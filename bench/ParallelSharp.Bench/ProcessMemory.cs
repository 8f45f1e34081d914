using System.Globalization;

namespace ParallelSharp.Bench;

/// <summary>
/// Resident memory of a process from /proc/&lt;pid&gt;/status and smaps_rollup (Linux), in MiB. VmRSS counts every
/// page mapped, including the runtime's files shared with the other workers and the node; Pss divides shared pages
/// among the processes that map them (what one more worker really costs).
/// </summary>
internal readonly record struct ProcessMemory(double VmRssMiB, double RssAnonMiB, double RssFileMiB, double PssMiB)
{
    /// <summary>Reads the figures of process <paramref name="pid"/>; null when it is gone or this is not Linux.</summary>
    public static ProcessMemory? Read(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/status");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        double pss;
        try
        {
            pss = Field(File.ReadAllLines($"/proc/{pid}/smaps_rollup"), "Pss:");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            pss = double.NaN;
        }

        return new ProcessMemory(Field(lines, "VmRSS:"), Field(lines, "RssAnon:"), Field(lines, "RssFile:"), pss);
    }

    public static ProcessMemory Self() => Read(Environment.ProcessId) ?? default;

    private static double Field(string[] lines, string name)
    {
        foreach (var line in lines)
        {
            if (!line.StartsWith(name, StringComparison.Ordinal))
                continue;
            var parts = line[name.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return double.Parse(parts[0], CultureInfo.InvariantCulture) / 1024.0; // kB → MiB
        }

        return double.NaN;
    }
}
