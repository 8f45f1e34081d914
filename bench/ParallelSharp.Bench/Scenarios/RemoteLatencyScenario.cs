using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace ParallelSharp.Bench.Scenarios;

/// <summary>
/// One job at a time through one remote node on loopback (a daemon process with 2 workers on 127.0.0.1, a job server
/// with <c>LocalWorkers = 0</c>): percentiles of submit → result in microseconds. Next to it, the floor of the
/// transport it adds: a bare TCP round trip of a small message between two async sockets on loopback.
/// </summary>
internal static class RemoteLatencyScenario
{
    private const int TcpMessageBytes = 32;

    public static async Task RunAsync(BenchOptions options)
    {
        using var cache = TempDirectory.Create("remote-latency");
        await using var daemon = await NodeDaemonProcess.StartAsync(cache.Path, RemoteNodes.WorkersArgument(options));
        await using var server = new JobServer(RemoteNodes.ServerOptions(options, daemon));
        await RemoteNodes.WaitForNodesAsync(server, 1);
        await LatencyScenario.WarmUpAsync(server);

        var runs = new List<(double P50, double P90, double P99, double Mean, double Max)>();
        var blockingRuns = new List<(double P50, double P90, double P99, double Mean, double Max)>();
        var tcpRuns = new List<(double P50, double P90, double P99, double Mean, double Max)>();
        var before = RemoteCpu.Take(daemon);
        for (var run = 0; run < options.Repeat; run++)
        {
            var figures = LatencyScenario.Summarize(await LatencyScenario.MeasureAsync(server, options.LatencyN, blocking: false));
            runs.Add(figures);
            Report.Human($"await run {run + 1}: p50 {Report.F(figures.P50)} µs, p90 {Report.F(figures.P90)} µs, p99 {Report.F(figures.P99)} µs, " +
                $"mean {Report.F(figures.Mean)} µs, max {Report.F(figures.Max)} µs");
        }

        var cpu = RemoteCpu.Take(daemon) - before;
        var jobs = (double)options.Repeat * options.LatencyN;
        Report.Human($"per round trip: CPU {Report.F(cpu.Server.CpuMs * 1000 / jobs)} µs job server, {Report.F(cpu.Daemon.CpuMs * 1000 / jobs)} µs daemon, " +
            $"{Report.F(cpu.Workers.CpuMs * 1000 / jobs)} µs workers; voluntary switches {Report.F(cpu.Server.VoluntarySwitches / jobs, "0.00")} / " +
            $"{Report.F(cpu.Daemon.VoluntarySwitches / jobs, "0.00")} / {Report.F(cpu.Workers.VoluntarySwitches / jobs, "0.00")}");

        // Interleaved with the jobs' runs, so that both see the same load.
        for (var run = 0; run < options.Repeat; run++)
        {
            var figures = LatencyScenario.Summarize(await LatencyScenario.MeasureAsync(server, options.LatencyN, blocking: true));
            blockingRuns.Add(figures);
            var tcp = LatencyScenario.Summarize(await TcpRoundTripsAsync(options.LatencyN));
            tcpRuns.Add(tcp);
            Report.Human($"blocking .Result run {run + 1}: p50 {Report.F(figures.P50)} µs, p99 {Report.F(figures.P99)} µs; " +
                $"bare TCP round trip ({TcpMessageBytes} B, loopback): p50 {Report.F(tcp.P50)} µs, p99 {Report.F(tcp.P99)} µs");
        }

        var line = Report.Line("remote_latency", "us");
        line["n"] = options.LatencyN;
        line["workers"] = options.Workers;
        line["p50"] = Report.Round(Stats.Median(runs.Select(r => r.P50)));
        line["p90"] = Report.Round(Stats.Median(runs.Select(r => r.P90)));
        line["p99"] = Report.Round(Stats.Median(runs.Select(r => r.P99)));
        line["p50_best"] = Report.Round(runs.Min(r => r.P50));
        line["mean"] = Report.Round(Stats.Median(runs.Select(r => r.Mean)));
        line["p50_blocking"] = Report.Round(Stats.Median(blockingRuns.Select(r => r.P50)));
        line["p99_blocking"] = Report.Round(Stats.Median(blockingRuns.Select(r => r.P99)));
        line["tcp_rtt_p50"] = Report.Round(Stats.Median(tcpRuns.Select(r => r.P50)));
        line["tcp_rtt_p99"] = Report.Round(Stats.Median(tcpRuns.Select(r => r.P99)));
        line["cpu_us_per_job_server"] = Report.Round(cpu.Server.CpuMs * 1000 / jobs);
        line["cpu_us_per_job_daemon"] = Report.Round(cpu.Daemon.CpuMs * 1000 / jobs);
        line["cpu_us_per_job_workers"] = Report.Round(cpu.Workers.CpuMs * 1000 / jobs);
        line["voluntary_switches_per_job_server"] = Report.Round(cpu.Server.VoluntarySwitches / jobs, 2);
        line["voluntary_switches_per_job_daemon"] = Report.Round(cpu.Daemon.VoluntarySwitches / jobs, 2);
        line["voluntary_switches_per_job_workers"] = Report.Round(cpu.Workers.VoluntarySwitches / jobs, 2);
        line["runs"] = new JsonArray([.. runs.Select(r => (JsonNode)new JsonObject
        {
            ["p50"] = Report.Round(r.P50),
            ["p90"] = Report.Round(r.P90),
            ["p99"] = Report.Round(r.P99),
            ["max"] = Report.Round(r.Max),
        })]);
        Report.Emit(line);
        Report.Human($"remote latency (median of {options.Repeat} runs of {options.LatencyN}): p50 {line["p50"]} µs, p90 {line["p90"]} µs, p99 {line["p99"]} µs; " +
            $"blocking p50 {line["p50_blocking"]} µs; bare TCP round trip p50 {line["tcp_rtt_p50"]} µs");
    }

    /// <summary>Round trips of a small message between two async sockets with Nagle off on 127.0.0.1 (an echo in this process).</summary>
    private static async Task<double[]> TcpRoundTripsAsync(int n)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = new CancellationTokenSource(Timeouts.Batch);
        var accepting = listener.AcceptAsync(deadline.Token).AsTask();
        await client.ConnectAsync(listener.LocalEndPoint!, deadline.Token);
        using var peer = await accepting;
        peer.NoDelay = true;

        var echo = Task.Run(async () =>
        {
            var buffer = new byte[TcpMessageBytes];
            for (var i = 0; i < n + 100; i++)
            {
                await ReceiveExactlyAsync(peer, buffer, deadline.Token);
                await peer.SendAsync(buffer, SocketFlags.None, deadline.Token);
            }
        });

        var message = new byte[TcpMessageBytes];
        var reply = new byte[TcpMessageBytes];
        var samples = new double[n];
        for (var i = 0; i < n + 100; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await client.SendAsync(message, SocketFlags.None, deadline.Token);
            await ReceiveExactlyAsync(client, reply, deadline.Token);
            if (i >= 100) // the first 100 warm the path up
                samples[i - 100] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        await echo.WaitAsync(Timeouts.Job);
        return samples;
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var got = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (got == 0)
                throw new IOException("The loopback echo closed early.");
            read += got;
        }
    }
}
