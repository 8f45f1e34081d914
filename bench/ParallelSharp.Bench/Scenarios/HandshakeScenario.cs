using System.Diagnostics;
using System.Net.Sockets;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Handshake;

namespace ParallelSharp.Bench.Scenarios;

/// <summary>
/// Connect + mutual HMAC handshake with a real daemon on 127.0.0.1, measured with the protocol itself
/// (<see cref="ClientHandshake.RunAsync"/> over a <see cref="TcpClient"/>): a fresh connection each time, closed after the
/// welcome. The TCP connect and the handshake (hello → challenge with the node's proof → our proof → welcome) are
/// timed separately.
/// </summary>
internal static class HandshakeScenario
{
    private const int WarmUpConnections = 30;
    private const int ConnectionsPerRun = 300;

    public static async Task RunAsync(BenchOptions options)
    {
        using var cache = TempDirectory.Create("handshake");
        await using var daemon = await NodeDaemonProcess.StartAsync(cache.Path, RemoteNodes.WorkersArgument(options));
        await ConnectManyAsync(daemon, WarmUpConnections);

        var runs = new List<(double[] Connect, double[] Handshake, double[] Total)>();
        for (var run = 0; run < options.Repeat; run++)
        {
            var samples = await ConnectManyAsync(daemon, ConnectionsPerRun);
            runs.Add(samples);
            Report.Human($"run {run + 1}: {ConnectionsPerRun} connections: connect + handshake median {Report.F(Stats.Median(samples.Total) / 1000, "0.000")} ms, " +
                $"p99 {Report.F(Stats.Percentile(samples.Total, 99) / 1000, "0.000")} ms, max {Report.F(samples.Total.Max() / 1000, "0.000")} ms " +
                $"(connect alone median {Report.F(Stats.Median(samples.Connect), "0")} µs, handshake alone {Report.F(Stats.Median(samples.Handshake), "0")} µs)");
        }

        var line = Report.Line("handshake", "ms");
        line["connections_per_run"] = ConnectionsPerRun;
        line["median"] = Report.Round(Stats.Median(runs.Select(r => Stats.Median(r.Total))) / 1000, 3);
        line["p90"] = Report.Round(Stats.Median(runs.Select(r => Stats.Percentile(r.Total, 90))) / 1000, 3);
        line["p99"] = Report.Round(Stats.Median(runs.Select(r => Stats.Percentile(r.Total, 99))) / 1000, 3);
        line["max"] = Report.Round(runs.Max(r => r.Total.Max()) / 1000, 3);
        line["connect_median_us"] = Report.Round(Stats.Median(runs.Select(r => Stats.Median(r.Connect))));
        line["handshake_median_us"] = Report.Round(Stats.Median(runs.Select(r => Stats.Median(r.Handshake))));
        line["handshake_p99_us"] = Report.Round(Stats.Median(runs.Select(r => Stats.Percentile(r.Handshake, 99))));
        line["median_runs"] = Report.Array(runs.Select(r => Stats.Median(r.Total) / 1000), 3);
        line["p99_runs"] = Report.Array(runs.Select(r => Stats.Percentile(r.Total, 99) / 1000), 3);
        Report.Emit(line);
        Report.Human($"handshake (median of {options.Repeat} runs of {ConnectionsPerRun} connections): connect + handshake median {line["median"]} ms, " +
            $"p99 {line["p99"]} ms, max {line["max"]} ms");
    }

    private static async Task<(double[] Connect, double[] Handshake, double[] Total)> ConnectManyAsync(NodeDaemonProcess daemon, int count)
    {
        var connect = new double[count];
        var handshake = new double[count];
        var total = new double[count];
        var endpoint = daemon.Address;
        using var deadline = new CancellationTokenSource(Timeouts.Batch);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
            await client.ConnectAsync(daemon.EndPoint.Address, daemon.EndPoint.Port, deadline.Token);
            var connected = Stopwatch.GetTimestamp();
            var stream = client.GetStream();
            var reader = new FrameReader(stream, FrameLimits.HandshakeMaxFrameLength);
            var writer = new FrameWriter(stream);
            try
            {
                var info = await ClientHandshake.RunAsync(reader, writer, NodeDaemonProcess.Secret, "default", "bench-handshake", endpoint, deadline.Token);
                var done = Stopwatch.GetTimestamp();
                if (info.Workers < 1)
                    throw new InvalidOperationException($"The node at {endpoint} described itself with {info.Workers} workers.");
                connect[i] = Stopwatch.GetElapsedTime(started, connected).TotalMicroseconds;
                handshake[i] = Stopwatch.GetElapsedTime(connected, done).TotalMicroseconds;
                total[i] = Stopwatch.GetElapsedTime(started, done).TotalMicroseconds;
            }
            finally
            {
                await writer.DisposeAsync();
            }
        }

        return (connect, handshake, total);
    }
}
