using System.Diagnostics;
using System.Globalization;

namespace ParallelSharp.ClusterTests.Lab;

/// <summary>
/// Brings up a three-host lab (namespaces pshc-h1..pshc-h3 on a private bridge, no route out; host K has psh0 with
/// 10.250.0.K/24) for the cluster tests and ALWAYS takes it down afterwards, with every process the tests started,
/// also when tests fail. Hosts 1 and 2 run node daemons, host 3 the job server (the lab client).
/// </summary>
public sealed class LabFixture : IAsyncLifetime
{
    public const int Hosts = 3;

    private readonly string _cacheDirectory = Path.Combine(Path.GetTempPath(), "pshc-cache-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Starts every cluster name and secret of this run, so leftovers of this run can be found in /proc.</summary>
    public string RunTag { get; } = "pshc" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The compile cache the lab daemons share (deleted with the lab).</summary>
    public string CacheDirectory => _cacheDirectory;

    /// <summary>Why the lab could not be brought up (every test then fails with it), or null.</summary>
    public string? UpFailure { get; private set; }

    public async Task InitializeAsync()
    {
        if (LabEnvironment.SkipReason is not null)
            return;
        foreach (var built in new[] { LabEnvironment.DaemonDll, LabEnvironment.LabClientDll })
        {
            if (!File.Exists(built))
            {
                UpFailure = $"{built} was not built; build the solution (or this test project) first.";
                return;
            }
        }

        // A crashed earlier run may have left our lab behind: start clean.
        await RunLabAsync("down");
        var (code, output) = await RunLabAsync("up", Hosts.ToString(CultureInfo.InvariantCulture));
        if (code != 0)
            UpFailure = $"netns-lab.sh up {Hosts} failed with exit code {code}: {output}";
        Directory.CreateDirectory(_cacheDirectory);
    }

    /// <summary>Fails the calling test if the lab is not up.</summary>
    public void EnsureUp()
    {
        if (UpFailure is { } failure)
            Assert.Fail(failure);
    }

    public async Task DisposeAsync()
    {
        if (LabEnvironment.SkipReason is not null)
            return;
        // Every process of this run (daemons, clients: their command lines carry the run tag) and their workers.
        var ours = ProcessTable.Find(c => c.Any(a => a.StartsWith(RunTag, StringComparison.Ordinal)));
        var workers = ours.SelectMany(ProcessTable.WorkersOf).ToList();
        foreach (var pid in ours.Concat(workers))
            ProcessTable.KillHard(pid);
        await ProcessTable.WaitAllExitedAsync(ours.Concat(workers), TestTimeouts.ProcessExit);
        // down also stops whatever still runs inside the lab namespaces, then removes them.
        await RunLabAsync("down");
        try
        {
            Directory.Delete(_cacheDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort: a temp folder.
        }
    }

    /// <summary>Runs <c>netns-lab.sh ARGS</c> with our prefix, bounded; returns its exit code and output.</summary>
    internal static async Task<(int Code, string Output)> RunLabAsync(params string[] args)
    {
        var start = new ProcessStartInfo(LabEnvironment.LabScript) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["PSH_LAB_PREFIX"] = LabEnvironment.LabPrefix;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.LabCommand);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"netns-lab.sh {string.Join(' ', args)} did not finish within {TestTimeouts.LabCommand.TotalSeconds:0} s");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}

/// <summary>The cluster tests share one lab and run one at a time (they share its hosts, ports and links).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "Cluster lab";
}
