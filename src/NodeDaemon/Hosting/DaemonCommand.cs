using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.NodeDaemon.Hosting;

/// <summary>The <c>parallelsharp-node</c> command line: parses options, runs a <see cref="NodeHost"/> until Ctrl+C, SIGTERM or the idle timeout.</summary>
internal static class DaemonCommand
{
    /// <summary>The environment variable read for the secret when no flag gives it.</summary>
    public const string SecretVariable = "PARALLELSHARP_SECRET";

    public static async Task<int> RunAsync(string[] args)
    {
        var listen = new Option<string>("--listen", "-l")
        {
            Description = "Address to accept job servers on. Loopback by default; any other address is an explicit choice and needs a secret.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int>("--port", "-p")
        {
            Description = $"TCP port to listen on (0 picks a free one).",
            DefaultValueFactory = _ => ProtocolConstants.DefaultPort,
        };
        var workers = new Option<int>("--workers", "-w")
        {
            Description = "Worker processes (one job at a time each). Default: one per CPU.",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var secret = new Option<string?>("--secret", "-s")
        {
            Description = $"Shared secret job servers must prove they know. Prefer --secret-file or the {SecretVariable} environment variable: a flag shows in the process list.",
        };
        var secretFile = new Option<FileInfo?>("--secret-file") { Description = "Read the shared secret from this file (first line)." };
        var allowOpen = new Option<bool>("--allow-open") { Description = "Run without a secret on a non-loopback address. Anyone who can reach the port can then run code on this machine." };
        var cluster = new Option<string>("--cluster")
        {
            Description = "Cluster name; job servers of another cluster are refused (and not advertised to).",
            DefaultValueFactory = _ => ProtocolConstants.DefaultCluster,
        };
        var nodeId = new Option<string?>("--node-id") { Description = "This node's name in the cluster. Default: machine name plus a random suffix." };
        var advertise = new Option<bool>("--advertise") { Description = "Announce this node on mDNS/DNS-SD (_parallelsharp._tcp) so job servers find it. Needs a secret (or --allow-open)." };
        var mdnsInterfaces = new Option<string[]>("--mdns-interface")
        {
            Description = "Interface name or address to advertise on (repeatable). Default: the interface of the listen address.",
            AllowMultipleArgumentsPerToken = true,
        };
        var idleTimeout = new Option<double>("--idle-timeout", "-t")
        {
            Description = "Exit after this many seconds with no job server connected (0 = never).",
            DefaultValueFactory = _ => 0,
        };
        var cacheDir = new Option<DirectoryInfo?>("--cache-dir") { Description = "Folder of the compile cache and assembly store. Default: ParallelSharp under the user's local application data." };
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "Least important log level to print (Trace, Debug, Information, Warning, Error).",
            DefaultValueFactory = _ => LogLevel.Information,
        };

        var root = new RootCommand(
            "parallelsharp-node: a ParallelSharp node. It accepts job servers that know the shared secret, compiles the C# " +
            "functions they send (cached by content hash) and runs them in worker processes, one job per worker at a time.")
        {
            listen, port, workers, secret, secretFile, allowOpen, cluster, nodeId, advertise, mdnsInterfaces, idleTimeout, cacheDir, logLevel,
        };

        root.SetAction(async (parse, cancellationToken) =>
        {
            using var loggerFactory = LoggerFactory.Create(b => b
                .SetMinimumLevel(parse.GetValue(logLevel))
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                }));
            var logger = loggerFactory.CreateLogger("parallelsharp-node");
            if (!IPAddress.TryParse(parse.GetValue(listen), out var address))
            {
                await Console.Error.WriteLineAsync($"'{parse.GetValue(listen)}' is not an IP address. Give --listen an address such as 127.0.0.1 or 0.0.0.0.").ConfigureAwait(false);
                return 2;
            }

            var resolvedSecret = ResolveSecret(parse.GetValue(secret), parse.GetValue(secretFile));
            var options = new NodeHostOptions
            {
                ListenEndPoint = new IPEndPoint(address, parse.GetValue(port)),
                Workers = parse.GetValue(workers),
                Secret = resolvedSecret,
                AllowOpen = parse.GetValue(allowOpen),
                Cluster = parse.GetValue(cluster)!,
                NodeId = parse.GetValue(nodeId),
                CacheDirectory = parse.GetValue(cacheDir)?.FullName,
                LoggerFactory = loggerFactory,
                Advertise = parse.GetValue(advertise),
            };
            foreach (var name in parse.GetValue(mdnsInterfaces) ?? [])
                options.AdvertiseInterfaces.Add(name);

            NodeHost host;
            try
            {
                host = new NodeHost(options);
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 2;
            }

            await using (host.ConfigureAwait(false))
            {
                try
                {
                    await host.StartAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (System.Net.Sockets.SocketException ex)
                {
                    await Console.Error.WriteLineAsync($"Cannot listen on {options.ListenEndPoint}: {ex.Message}").ConfigureAwait(false);
                    return 3;
                }

                // The port line is machine-readable: scripts and tests read it to learn a port chosen with --port 0.
                await Console.Out.WriteLineAsync($"listening {host.ListenEndPoint}").ConfigureAwait(false);
                await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                await host.WaitForShutdownAsync(TimeSpan.FromSeconds(parse.GetValue(idleTimeout)), cancellationToken).ConfigureAwait(false);
                Log.DaemonStopping(logger, host.NodeId);
            }

            return 0;
        });

        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }

    private static string? ResolveSecret(string? flag, FileInfo? file)
    {
        if (!string.IsNullOrEmpty(flag))
            return flag;
        if (file is not null)
            return File.ReadLines(file.FullName).FirstOrDefault()?.Trim();
        return Environment.GetEnvironmentVariable(SecretVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
    }
}
