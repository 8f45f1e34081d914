using System.Diagnostics;
using System.Net;
using ParallelSharp.Generator.Tests.Corpus.Data;
using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>
/// Zero-install: a node daemon started from its own build folder, which holds no Newtonsoft.Json, runs a captured
/// function that calls Newtonsoft.Json, because the job server ships the assembly's bytes with the package.
/// </summary>
public sealed class DaemonShippingTests : IAsyncLifetime
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "psh-generator-daemon", Guid.NewGuid().ToString("N"));
    private Process? _daemon;

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xunit 2 does not call DisposeAsync on test classes, and the daemon leaked.
    public async Task DisposeAsync()
    {
        if (_daemon is { HasExited: false })
        {
            _daemon.Kill(entireProcessTree: true);
            await _daemon.WaitForExitAsync().WaitAsync(TestTimeouts.Job);
        }

        _daemon?.Dispose();
        if (Directory.Exists(_cache))
            Directory.Delete(_cache, recursive: true);
    }

    [Fact]
    public async Task Submit_FunctionUsingNewtonsoft_RunsOnDaemonThatLacksTheAssembly()
    {
        var daemon = DaemonAssembly();
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(daemon)!, "Newtonsoft.Json.dll")),
            "The daemon's folder must not hold the job's third-party assembly, or this test proves nothing.");
        var endPoint = await StartDaemonAsync(daemon);

        await using var server = new JobServer(new JobServerOptions { LocalWorkers = 0, Nodes = { $"127.0.0.1:{endPoint.Port}" } });
        const string json = """{"id":3,"items":["a","b","c"]}""";
        var count = await server.Submit(Json.CountProperties, json).Task.WaitAsync(TestTimeouts.Job);
        var normalized = await server.Submit(Json.Normalize, json).Task.WaitAsync(TestTimeouts.Job);

        Assert.Equal(Json.CountProperties(json), count);
        Assert.Equal(Json.Normalize(json), normalized);
    }

    private async Task<IPEndPoint> StartDaemonAsync(string daemon)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(daemon)!,
        };
        foreach (var argument in new[] { daemon, "--listen", "127.0.0.1", "--port", "0", "--workers", "1", "--cache-dir", _cache })
            start.ArgumentList.Add(argument);
        start.Environment.Remove("PARALLELSHARP_SECRET");
        var listening = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _daemon = new Process { StartInfo = start };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
                return;
            output.Enqueue(e.Data);
            if (e.Data.StartsWith("listening ", StringComparison.Ordinal) && IPEndPoint.TryParse(e.Data["listening ".Length..], out var endPoint))
                listening.TrySetResult(endPoint);
        };
        _daemon.OutputDataReceived += onLine;
        _daemon.ErrorDataReceived += onLine;
        _daemon.Start();
        _daemon.BeginOutputReadLine();
        _daemon.BeginErrorReadLine();
        try
        {
            return await listening.Task.WaitAsync(TestTimeouts.Start);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The node daemon did not report 'listening' in time. Its output:\n{string.Join('\n', output)}");
        }
    }

    private static string DaemonAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ParallelSharp.sln")))
                return Path.Combine(directory.FullName, "src", "NodeDaemon", "bin", configuration, "net10.0", "ParallelSharp.NodeDaemon.dll");
        }

        throw new InvalidOperationException("The repository root (with ParallelSharp.sln) was not found above the test folder.");
    }
}
