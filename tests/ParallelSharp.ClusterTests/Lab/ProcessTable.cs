using System.Diagnostics;
using System.Globalization;

namespace ParallelSharp.ClusterTests.Lab;

/// <summary>
/// Finds processes by their command line in /proc. The lab hosts are network namespaces only: they share the PID
/// namespace with the tests, so a daemon started in a lab host is visible (and killable) from here.
/// </summary>
internal static class ProcessTable
{
    /// <summary>Every process whose command line (arguments split at NUL) satisfies <paramref name="match"/>.</summary>
    public static IReadOnlyList<int> Find(Func<string[], bool> match)
    {
        var ids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).TrimEnd('\0').Split('\0');
                if (cmdline.Length > 0 && match(cmdline))
                    ids.Add(pid);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to read.
            }
        }

        return ids;
    }

    /// <summary>The value after <paramref name="option"/> in a command line, or null.</summary>
    public static string? OptionValue(string[] cmdline, string option)
    {
        var index = Array.IndexOf(cmdline, option);
        return index >= 0 && index + 1 < cmdline.Length ? cmdline[index + 1] : null;
    }

    /// <summary>The worker processes of the node daemon <paramref name="daemonPid"/> (workers carry <c>--parent-pid</c>).</summary>
    public static IReadOnlyList<int> WorkersOf(int daemonPid)
    {
        var parent = daemonPid.ToString(CultureInfo.InvariantCulture);
        return Find(c => OptionValue(c, "--parent-pid") == parent);
    }

    public static bool IsAlive(int pid)
    {
        // A zombie still has a /proc entry; only a process that has not exited counts.
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL, as <c>kill -9</c>: no cleanup, no goodbye. Returns false if the process was already gone.</summary>
    public static bool KillHard(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: false); // SIGKILL on Unix
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Waits (bounded) until none of <paramref name="pids"/> runs any more; returns those still running.</summary>
    public static async Task<IReadOnlyList<int>> WaitAllExitedAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var pending = pids.ToList();
        var deadline = Stopwatch.StartNew();
        while (pending.Count > 0 && deadline.Elapsed < timeout)
        {
            pending.RemoveAll(p => !IsAlive(p));
            if (pending.Count > 0)
                await Task.Delay(50); // process exit has no event for non-children; the poll is bounded
        }

        pending.RemoveAll(p => !IsAlive(p));
        return pending;
    }
}
