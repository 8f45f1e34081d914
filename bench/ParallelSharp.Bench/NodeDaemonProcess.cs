using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace ParallelSharp.Bench;

/// <summary>
/// A real <c>parallelsharp-node</c> daemon as a child process (<c>dotnet ParallelSharp.NodeDaemon.dll</c>, from the
/// repository's own build of this configuration), on 127.0.0.1 with a port it picks. It is killed, with its workers,
/// on disposal, whatever happened before; a daemon killed with SIGKILL leaves orphaned workers, which disposal finds
/// by their <c>--parent-pid</c> and kills by id. Two safety nets for a bench that is itself stopped (bench/run.sh's
/// <c>timeout</c>, Ctrl+C): every daemon still running when this process exits is killed then, and each daemon is
/// started with an idle timeout, so one that survives anyway exits by itself once no job server is connected.
/// </summary>
internal sealed class NodeDaemonProcess : IAsyncDisposable
{
    public const string Secret = "bench-secret";

    // The daemon's console log line of its event 2402 (CompilerWarmedUp) carries its category and id like this.
    private const string CompilerWarmedUpEvent = "ParallelSharp.NodeDaemon[2402]";
    private const string CompilerWarmUpYieldedEvent = "ParallelSharp.NodeDaemon[2411]";
    private const int SigKill = 9;
    private const int SigTerm = 15;

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    // Longer than any gap between the connections of a scenario.
    private const string IdleTimeoutSeconds = "120";

    private static readonly ConcurrentDictionary<int, NodeDaemonProcess> s_live = new();

    // Kept referenced for the life of the process: a collected registration stops handling its signal.
    private static readonly PosixSignalRegistration[] s_signals;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _compilerWarm = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private NodeDaemonProcess(Process process, long startedAt)
    {
        _process = process;
        StartedAt = startedAt;
        ProcessId = process.Id;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                _output.Enqueue(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Environment variables given to every daemon started from now on (the bench's <c>--daemon-env</c>).</summary>
    public static Dictionary<string, string> ExtraEnvironment { get; } = new(StringComparer.Ordinal);

    public int ProcessId { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp taken just before the process was started.</summary>
    public long StartedAt { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which its <c>listening</c> line was read (workers up, socket open).</summary>
    public long ListeningAt { get; private set; }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which its standard output closed (it exited), or 0.</summary>
    public long ExitedAt { get; private set; }

    public IPEndPoint EndPoint { get; private set; } = null!;

    /// <summary>The exit code, once it has exited.</summary>
    public int ExitCode => _process.ExitCode;

    public string Address => $"127.0.0.1:{EndPoint.Port}";

    /// <summary>Seconds from starting the process to its <c>listening</c> line.</summary>
    public double StartToListeningSeconds => Stopwatch.GetElapsedTime(StartedAt, ListeningAt).TotalSeconds;

    /// <summary>The last 40 lines the daemon printed (its log), for error messages.</summary>
    public string Output => string.Join('\n', _output.TakeLast(40));

    /// <summary>The repository root: the first folder above this bench's build output that holds ParallelSharp.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ParallelSharp.sln")))
                directory = directory.Parent;
            return directory?.FullName ?? throw new InvalidOperationException(
                $"The repository root (with ParallelSharp.sln) was not found above {AppContext.BaseDirectory}; run the bench from its build folder.");
        }
    }

    /// <summary>The daemon as the bench's build produced it (the bench references the job server, which references the node).</summary>
    public static string DaemonAssembly
    {
        get
        {
            var path = Path.Combine(RepositoryRoot, "src", "NodeDaemon", "bin", Configuration, "net10.0", "ParallelSharp.NodeDaemon.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException(
                $"The node daemon was not built at {path}. Build the bench with 'dotnet build -c {Configuration}' first.", path);
        }
    }

    /// <summary>
    /// Starts a daemon (give it <c>--workers</c> in <paramref name="arguments"/>), waits for its <c>listening</c> line and
    /// then for its compiler warm-up to end: the warm-up compiles in the background for seconds of CPU after the start,
    /// and a measurement that overlaps it measures the warm-up.
    /// </summary>
    public static async Task<NodeDaemonProcess> StartAsync(string cacheDirectory, params string[] arguments)
    {
        var daemon = Launch(cacheDirectory, arguments);
        try
        {
            await daemon.WaitUntilListeningAsync(Timeouts.Start);
            await daemon.WaitForCompilerWarmUpAsync(Timeouts.Start);
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }

        return daemon;
    }

    /// <summary>Starts a daemon and returns at once (the caller times its start).</summary>
    public static NodeDaemonProcess Launch(string cacheDirectory, params string[] arguments)
    {
        var muxer = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? path
            : "dotnet";
        var info = new ProcessStartInfo(muxer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(DaemonAssembly)!,
        };
        info.ArgumentList.Add(DaemonAssembly);
        string[] defaults = ["--listen", "127.0.0.1", "--port", "0", "--secret", Secret, "--cache-dir", cacheDirectory, "--idle-timeout", IdleTimeoutSeconds];
        foreach (var argument in defaults.Concat(arguments))
            info.ArgumentList.Add(argument);
        info.Environment.Remove("PARALLELSHARP_SECRET");
        foreach (var (name, value) in ExtraEnvironment)
            info.Environment[name] = value;
        var startedAt = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the node daemon.");
        var daemon = new NodeDaemonProcess(process, startedAt);
        s_live[daemon.ProcessId] = daemon;
        return daemon;
    }

    static NodeDaemonProcess()
    {
        // ProcessExit covers a normal exit; a signal (run.sh's timeout, Ctrl+C) ends the process without raising it here,
        // so the signals get a handler of their own. It does not cancel the signal: the default termination follows.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllLive();
        s_signals = [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT }.Select(s => PosixSignalRegistration.Create(s, _ => KillAllLive()))];
    }

    /// <summary>Kills every daemon not yet disposed, and its workers (the bench is exiting, perhaps on SIGTERM).</summary>
    private static void KillAllLive()
    {
        foreach (var daemon in s_live.Values)
        {
            var workers = daemon.WorkerProcessIds();
            daemon.TryKill(daemon._process);
            foreach (var pid in workers)
            {
                try
                {
                    using var worker = Process.GetProcessById(pid);
                    daemon.TryKill(worker);
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
        }
    }

    private void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Exited meanwhile.
        }
    }

    public async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        try
        {
            EndPoint = await _listening.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The node daemon (pid {ProcessId}) did not print 'listening' within {timeout}. Its output:\n{Output}");
        }
    }

    /// <summary>Waits (bounded) for the daemon's log line of its compiler warm-up's end (event 2402, or 2411 if it gave way to a job's compile).</summary>
    public async Task WaitForCompilerWarmUpAsync(TimeSpan timeout)
    {
        try
        {
            await _compilerWarm.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Report.Human($"warning: node daemon {ProcessId} logged no compiler warm-up within {timeout}; measuring anyway");
        }
    }

    /// <summary>Sends SIGKILL to the daemon alone (like <c>kill -9</c>); returns the timestamp taken just before.</summary>
    public long KillHard() => Signal(SigKill);

    /// <summary>Sends SIGTERM to the daemon (a graceful stop: mDNS goodbye, connections closed); returns the timestamp taken just before.</summary>
    public long Terminate() => Signal(SigTerm);

    /// <summary>Waits (bounded) for the daemon to exit.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
    }

    /// <summary>CPU of the daemon process itself (its network loop, scheduling to workers).</summary>
    public ProcessCpu DaemonCpu() => ProcessCpu.Read(ProcessId);

    /// <summary>CPU of its worker processes, summed.</summary>
    public ProcessCpu WorkersCpu() => WorkerProcessIds().Select(ProcessCpu.Read).Aggregate(default(ProcessCpu), (a, b) => a + b);

    /// <summary>The daemon's worker processes: they name it with <c>--parent-pid</c> (still readable after the daemon died).</summary>
    public IReadOnlyList<int> WorkerProcessIds()
    {
        var ids = new List<int>();
        var parent = ProcessId.ToString(CultureInfo.InvariantCulture);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                var index = Array.IndexOf(cmdline, "--parent-pid");
                if (index >= 0 && index + 1 < cmdline.Length && cmdline[index + 1] == parent)
                    ids.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is not ours.
            }
        }

        return ids;
    }

    private long Signal(int signal)
    {
        var at = Stopwatch.GetTimestamp();
        if (SendSignal(ProcessId, signal) != 0)
            throw new InvalidOperationException($"kill({ProcessId}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        return at;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            ExitedAt = Stopwatch.GetTimestamp();
            _listening.TrySetException(new InvalidOperationException($"The node daemon exited before listening. Its output:\n{Output}"));
            _exited.TrySetResult();
            return;
        }

        _output.Enqueue(line);
        if (line.Contains(CompilerWarmedUpEvent, StringComparison.Ordinal) || line.Contains(CompilerWarmUpYieldedEvent, StringComparison.Ordinal))
            _compilerWarm.TrySetResult();
        while (_output.Count > 200)
            _output.TryDequeue(out _);
        if (ListeningAt == 0 && line.StartsWith("listening ", StringComparison.Ordinal) && IPEndPoint.TryParse(line["listening ".Length..], out var endPoint))
        {
            ListeningAt = Stopwatch.GetTimestamp();
            _listening.TrySetResult(endPoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // Workers found first, while their cmdline still names this daemon; then the daemon (and anything it still has).
        var workers = WorkerProcessIds();
        TryKill(_process);
        foreach (var pid in workers)
        {
            try
            {
                using var worker = Process.GetProcessById(pid);
                TryKill(worker);
                await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or TimeoutException)
            {
                // Already gone, or will be shortly (killed).
            }
        }

        try
        {
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
            await _exited.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            Report.Human($"warning: node daemon {ProcessId} did not exit within 10 s of SIGKILL");
        }

        s_live.TryRemove(ProcessId, out _);
        _process.Dispose();
    }

    // kill(2) itself: Process.Kill only sends SIGKILL, and starting kill(1) would put a fork and exec inside the timed span.
    // DllImport rather than LibraryImport: the source-generated stub needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
