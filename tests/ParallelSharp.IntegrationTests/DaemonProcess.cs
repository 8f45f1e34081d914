using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace ParallelSharp.IntegrationTests;

/// <summary>
/// A real parallelsharp-node daemon started as a child process from its own build folder (which holds none of
/// the test's assemblies), on 127.0.0.1 with a free port. Killed on disposal, even when the test failed.
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DaemonProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IPEndPoint EndPoint { get; private set; } = null!;

    public int ProcessId => _process.Id;

    public string Address => $"127.0.0.1:{EndPoint.Port}";

    /// <summary>Everything the daemon printed so far (its log).</summary>
    public string Output => string.Join('\n', _output);

    public static string DaemonAssembly
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var path = Path.Combine(RepositoryRoot, "src", "NodeDaemon", "bin", configuration, "net10.0", "ParallelSharp.NodeDaemon.dll");
            Assert.True(File.Exists(path), $"The node daemon was not built at {path}.");
            return path;
        }
    }

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ParallelSharp.sln")))
                directory = directory.Parent;
            return directory?.FullName ?? throw new InvalidOperationException("The repository root (with ParallelSharp.sln) was not found above the test folder.");
        }
    }

    public static async Task<DaemonProcess> StartAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(DaemonAssembly)!,
        };
        start.ArgumentList.Add(DaemonAssembly);
        foreach (var argument in new[] { "--port", "0", "--log-level", "Debug" }.Concat(arguments))
            start.ArgumentList.Add(argument);
        start.Environment.Remove("PARALLELSHARP_SECRET");
        var daemon = new DaemonProcess(Process.Start(start)!);
        try
        {
            daemon.EndPoint = await daemon._listening.Task.WaitAsync(TestTimeouts.Job);
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }

        return daemon;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _listening.TrySetException(new InvalidOperationException($"The daemon exited before listening. Its output:\n{Output}"));
            return;
        }

        _output.Enqueue(line);
        if (line.StartsWith("listening ", StringComparison.Ordinal) && IPEndPoint.TryParse(line["listening ".Length..], out var endPoint))
            _listening.TrySetResult(endPoint);
    }

    /// <summary>Waits (bounded) until the daemon has logged a line containing <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text)
    {
        var deadline = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (deadline.Elapsed > TestTimeouts.Job)
                Assert.Fail($"The daemon never logged '{text}'. Its output:\n{Output}");
            await Task.Delay(20); // log lines have no event to wait on; the poll is bounded
        }
    }

    public IReadOnlyList<int> ChildProcessIds()
    {
        // Worker processes name their node with --parent-pid.
        var ids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                var index = Array.IndexOf(cmdline, "--parent-pid");
                if (index >= 0 && index + 1 < cmdline.Length && cmdline[index + 1] == ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    ids.Add(pid);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }

        return ids;
    }

    public void Kill() => _process.Kill(entireProcessTree: false);

    /// <summary>Asks the daemon to stop as Ctrl+C or a service manager would (SIGTERM), and returns its exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync().WaitAsync(TestTimeouts.ProcessExit);
        using var cts = new CancellationTokenSource(TestTimeouts.Job);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TestTimeouts.ProcessExit);
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        _process.Dispose();
    }
}
