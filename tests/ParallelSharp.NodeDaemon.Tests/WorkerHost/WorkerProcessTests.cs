using System.Diagnostics;
using ParallelSharp.NodeDaemon.WorkerHost;
using ParallelSharp.Protocol.Framing;

namespace ParallelSharp.NodeDaemon.Tests.WorkerHost;

/// <summary>Starting a real worker process: how the node reads its output, and giving up on one that is not ready.</summary>
public sealed class WorkerProcessTests
{
    private static readonly TimeSpan s_ready = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StartAsync_ReadsTheWorkersOutputWithBlockingReads_NeverThroughTheSocketEngine()
    {
        // Linux only: the check reads /proc. An asynchronous read of the pipe (even of the ready signal alone) registers
        // it with the socket engine's epoll and makes it non-blocking for good; every result then took two wake-ups.
        if (!OperatingSystem.IsLinux())
            return;
        var events = new RecordingEvents();
        var worker = await WorkerProcess.StartAsync(WorkerLauncher.Locate(), 1, events, s_ready, CancellationToken.None);
        try
        {
            var fd = OurEndOfWorkerOutput(worker.ProcessId);
            var flags = Convert.ToInt32(FdInfo(fd, "flags:"), 8);
            const int nonBlocking = 0x800; // O_NONBLOCK
            Assert.True((flags & nonBlocking) == 0, $"The node's end of the worker's output (fd {fd}) is non-blocking (flags {flags:x}).");
            Assert.DoesNotContain(fd, EpollTargets());
        }
        finally
        {
            await worker.StopAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(1, events.Exited);
    }

    [Fact]
    public async Task StartAsync_GivenUpBeforeReady_KillsTheProcessAndReportsNothing()
    {
        var events = new RecordingEvents();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var ids = Process.GetProcesses().Select(p => p.Id).ToHashSet();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => WorkerProcess.StartAsync(WorkerLauncher.Locate(), 1, events, s_ready, cancelled.Token));

        Assert.Contains("did not become ready", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, events.Exited);
        Assert.Equal(0, events.Frames);
        // The worker it started is gone (StartAsync waits for its read loop, which ends when the process does).
        var pid = int.Parse(error.Message.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain(pid, ids);
        Assert.True(HasExited(pid), $"Worker process {pid} still runs.");
    }

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static int OurEndOfWorkerOutput(int workerPid)
    {
        var pipe = new FileInfo($"/proc/{workerPid}/fd/1").LinkTarget!;
        return Directory.GetFiles("/proc/self/fd")
            .Select(path => (Fd: int.Parse(Path.GetFileName(path), System.Globalization.CultureInfo.InvariantCulture), Target: new FileInfo(path).LinkTarget))
            .Where(f => f.Target == pipe && FdInfo(f.Fd, "flags:") is { } flags && (Convert.ToInt32(flags, 8) & 3) == 0) // O_RDONLY: our read end
            .Select(f => f.Fd)
            .Single();
    }

    private static string? FdInfo(int fd, string key) =>
        File.ReadLines($"/proc/self/fdinfo/{fd}").Where(l => l.StartsWith(key, StringComparison.Ordinal)).Select(l => l[key.Length..].Trim()).FirstOrDefault();

    private static HashSet<int> EpollTargets()
    {
        var targets = new HashSet<int>();
        foreach (var path in Directory.GetFiles("/proc/self/fd"))
        {
            if (new FileInfo(path).LinkTarget != "anon_inode:[eventpoll]")
                continue;
            foreach (var line in File.ReadLines($"/proc/self/fdinfo/{Path.GetFileName(path)}").Where(l => l.StartsWith("tfd:", StringComparison.Ordinal)))
                targets.Add(int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture));
        }

        return targets;
    }

    private sealed class RecordingEvents : IWorkerEvents
    {
        public int Frames;
        public int Exited;

        public void OnWorkerFrame(WorkerProcess worker, FrameType type, ReadOnlySpan<byte> body) => Interlocked.Increment(ref Frames);

        public void OnWorkerExited(WorkerProcess worker, int? exitCode, Exception? error) => Interlocked.Increment(ref Exited);
    }
}
