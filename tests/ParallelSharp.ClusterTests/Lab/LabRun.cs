using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace ParallelSharp.ClusterTests.Lab;

/// <summary>
/// One test's use of the lab: its daemons, its clients, the links it cut. Each test gets its own cluster name and
/// secret, so nothing of one test can reach another. Disposing kills every process it started (and their workers)
/// and heals every link it cut, whether the test passed or not.
/// </summary>
internal sealed class LabRun : IAsyncDisposable
{
    private readonly LabFixture _fixture;
    private readonly ITestOutputHelper _output;
    private readonly List<LabDaemon> _daemons = [];
    private readonly List<LabProcess> _clients = [];
    private readonly HashSet<int> _cut = [];

    public LabRun(LabFixture fixture, ITestOutputHelper output, string name)
    {
        fixture.EnsureUp();
        _fixture = fixture;
        _output = output;
        var unique = Guid.NewGuid().ToString("N")[..6];
        Cluster = $"{fixture.RunTag}-{name}-{unique}";
        Secret = $"{fixture.RunTag}-secret-{unique}";
    }

    /// <summary>This test's cluster name (starts with the fixture's run tag).</summary>
    public string Cluster { get; }

    /// <summary>This test's shared secret.</summary>
    public string Secret { get; }

    /// <summary>Starts a daemon in lab host <paramref name="host"/> (named node-K unless told otherwise) and waits until it listens.</summary>
    public async Task<LabDaemon> StartDaemonAsync(int host, int workers, string? nodeId = null, string? cluster = null, int port = LabEnvironment.NodePort)
    {
        var daemon = await LabDaemon.StartAsync(host, port, nodeId ?? $"node-{host}", cluster ?? Cluster, Secret, workers, _fixture.CacheDirectory);
        lock (_daemons)
            _daemons.Add(daemon);
        return daemon;
    }

    /// <summary>Starts the lab client in host 3 with this run's cluster and secret (unless <paramref name="args"/> override them).</summary>
    public LabProcess StartClient(string name, params string[] args)
    {
        var dll = LabEnvironment.LabClientDll;
        var all = new List<string> { LabEnvironment.DotnetHost, dll };
        if (!args.Contains("--secret"))
            all.AddRange(["--secret", Secret]);
        if (!args.Contains("--cluster"))
            all.AddRange(["--cluster", Cluster]);
        all.AddRange(["--timeout", TestTimeouts.ClientTimeoutSeconds.ToString(CultureInfo.InvariantCulture)]);
        all.AddRange(args);
        var client = LabProcess.Start($"lab client '{name}' in lab host 3", 3, Path.GetDirectoryName(dll)!, [.. all]);
        lock (_clients)
            _clients.Add(client);
        return client;
    }

    /// <summary>Waits (bounded) for a client to finish by itself and reads its report.</summary>
    public async Task<ClientReport> FinishAsync(LabProcess client)
    {
        var code = await client.WaitForExitAsync($"end of {client.Name}", TestTimeouts.ClientRun);
        var report = new ClientReport(client, code);
        foreach (var e in report.All("summary").Concat(report.All("statistics")))
            _output.WriteLine($"{client.Name}: {e}");
        return report;
    }

    /// <summary>
    /// <c>netns-lab.sh cut K [--silent]</c>; returns the Stopwatch timestamps taken just before it started and just after
    /// it returned: the link went down in between.
    /// </summary>
    public async Task<(long Started, long Done)> CutAsync(int host, bool silent)
    {
        lock (_cut)
            _cut.Add(host);
        var started = Stopwatch.GetTimestamp();
        var (code, output) = await LabFixture.RunLabAsync(silent ? ["cut", Host(host), "--silent"] : ["cut", Host(host)]);
        var done = Stopwatch.GetTimestamp();
        Assert.True(code == 0, $"netns-lab.sh cut {host} failed ({code}): {output}");
        return (started, done);
    }

    public async Task HealAsync(int host)
    {
        var (code, output) = await LabFixture.RunLabAsync("heal", Host(host));
        Assert.True(code == 0, $"netns-lab.sh heal {host} failed ({code}): {output}");
        lock (_cut)
            _cut.Remove(host);
    }

    /// <summary>Writes a measured figure to the test output (the bench owner collects these for bench/RESULTS.md).</summary>
    public void Figure(string name, double milliseconds) =>
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FIGURE {name} = {milliseconds:0.0} ms"));

    public void Note(string text) => _output.WriteLine(text);

    /// <summary>A Stopwatch timestamp in the lab client's unit (nanoseconds of the machine's monotonic clock).</summary>
    public static long MonoNanoseconds(long stopwatchTicks) => Stopwatch.GetElapsedTime(0, stopwatchTicks).Ticks * 100;

    public async ValueTask DisposeAsync()
    {
        List<LabProcess> clients;
        List<LabDaemon> daemons;
        lock (_clients)
            clients = [.. _clients];
        lock (_daemons)
            daemons = [.. _daemons];
        List<Exception> errors = [];
        foreach (var client in clients)
            await Collect(() => client.DisposeAsync().AsTask());
        foreach (var daemon in daemons)
            await Collect(() => daemon.DisposeAsync().AsTask());
        int[] cut;
        lock (_cut)
            cut = [.. _cut];
        foreach (var host in cut)
            await Collect(() => HealAsync(host));
        if (errors.Count > 0)
            throw new AggregateException("Cleaning up the lab run failed.", errors);

        async Task Collect(Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (Exception ex)
            {
                errors.Add(ex);
            }
        }
    }

    private static string Host(int host) => host.ToString(CultureInfo.InvariantCulture);
}
