using System.Globalization;

namespace ParallelSharp.Bench;

/// <summary>
/// CPU time of each live thread of a process, in nanoseconds (/proc/&lt;pid&gt;/task/*/schedstat), for measuring a short
/// window precisely: <see cref="MillisecondsSince"/> counts only what each thread used inside the window. (A plain sum
/// over live threads would drop the whole past of a thread that exits inside the window, such as an idle thread-pool
/// thread retiring, and could even come out negative.)
/// </summary>
internal sealed class ThreadCpu
{
    private readonly Dictionary<int, long> _nanoseconds;

    private ThreadCpu(Dictionary<int, long> nanoseconds) => _nanoseconds = nanoseconds;

    public static ThreadCpu Take(int pid)
    {
        var threads = new Dictionary<int, long>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var text = File.ReadAllText(Path.Combine(task, "schedstat"));
                    threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] =
                        long.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // The thread ended meanwhile.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process is gone: no threads.
        }

        return new ThreadCpu(threads);
    }

    /// <summary>CPU in ms that the threads alive now used since <paramref name="before"/> (all of it for threads started since).</summary>
    public double MillisecondsSince(ThreadCpu before)
    {
        long total = 0;
        foreach (var (tid, now) in _nanoseconds)
            total += now - before._nanoseconds.GetValueOrDefault(tid);
        return total / 1e6;
    }
}
