using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ParallelSharp.Discovery.LabTool;

/// <summary>
/// advertise / browse with ParallelSharp.Discovery, printing one JSON object per line. Defaults to loopback only;
/// pass --interface to use a lab interface. Stops on "stop" or end of standard input, or on SIGTERM/SIGINT.
/// </summary>
/// <example>
/// dotnet ParallelSharp.Discovery.LabTool.dll advertise --name node-1 --port 7070 --interface psh0 --txt cpus=4 --txt gpu
/// dotnet ParallelSharp.Discovery.LabTool.dll browse --type _parallelsharp._tcp --interface psh0
/// </example>
internal static class Program
{
    private static readonly Lock s_outputGate = new();

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("advertise" or "browse"))
        {
            await Console.Error.WriteLineAsync(
                "usage: LabTool advertise --name N --port P [--type T] [--host H] [--interface IF|IP]... [--txt k=v|k]... [--ipv6] [--rescan S] [--verbose]\n" +
                "       LabTool browse [--type T] [--interface IF|IP]... [--ipv6] [--rescan S] [--verbose]\n" +
                "stdin: 'stop' (or end of input) stops; for advertise 'txt k=v ...' replaces the TXT attributes");
            return 2;
        }

        var options = Options.Parse(args[1..]);
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var loggerFactory = options.Verbose ? LoggerFactory.Create(b => b.AddProvider(new StderrLoggerProvider()).SetMinimumLevel(LogLevel.Trace)) : NullLoggerFactory.Instance;
        var mdns = new MdnsOptions { LoggerFactory = loggerFactory, UseIPv6 = options.Ipv6 };
        if (options.RescanSeconds is { } rescan)
            mdns.RescanInterval = TimeSpan.FromSeconds(rescan);
        foreach (var nic in options.Interfaces)
            mdns.Interfaces.Add(nic);

        try
        {
            return args[0] == "advertise"
                ? await AdvertiseAsync(options, mdns, stop)
                : await BrowseAsync(options, mdns, stop);
        }
        catch (DiscoveryException ex)
        {
            Emit(new() { ["event"] = "error", ["error"] = ex.Message });
            return 1;
        }
    }

    private static async Task<int> AdvertiseAsync(Options options, MdnsOptions mdns, CancellationTokenSource stop)
    {
        var profile = new ServiceProfile(options.Name ?? throw new ArgumentException("advertise needs --name"), options.Port)
        {
            ServiceType = options.ServiceType,
            Txt = options.Txt,
            HostName = options.Host ?? ServiceProfile.CreateHostName(),
        };

        var advertiser = ServiceAdvertiser.Create(profile, mdns);
        try
        {
            await advertiser.StartAsync(stop.Token);
            Emit(new()
            {
                ["event"] = "announced",
                ["instance"] = advertiser.InstanceName,
                ["host"] = advertiser.HostName,
                ["port"] = profile.Port,
                ["type"] = profile.ServiceType,
            });
            await foreach (var line in ReadCommandsAsync(stop.Token))
            {
                if (line.StartsWith("txt", StringComparison.Ordinal))
                {
                    var txt = ParseTxt(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1));
                    await advertiser.UpdateTxtAsync(txt, stop.Token);
                    Emit(new() { ["event"] = "txt-updated" });
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            await advertiser.DisposeAsync(); // sends the goodbye
        }

        Emit(new() { ["event"] = "stopped", ["instance"] = advertiser.InstanceName });
        return 0;
    }

    private static async Task<int> BrowseAsync(Options options, MdnsOptions mdns, CancellationTokenSource stop)
    {
        await using var browser = ServiceBrowser.Create(mdns, options.ServiceType);
        await browser.StartAsync(stop.Token);
        Emit(new() { ["event"] = "browsing", ["type"] = options.ServiceType });
        var commands = Task.Run(async () =>
        {
            await foreach (var _ in ReadCommandsAsync(stop.Token))
            {
                // only "stop" or end of input matter; both end ReadCommandsAsync
            }

            await stop.CancelAsync();
        });
        try
        {
            await foreach (var change in browser.WatchAsync(stop.Token))
            {
                var service = change.Service;
                Emit(new()
                {
                    ["event"] = change.Kind.ToString().ToLowerInvariant(),
                    ["instance"] = service.InstanceName,
                    ["type"] = service.ServiceType,
                    ["host"] = service.HostName,
                    ["port"] = service.Port,
                    ["addresses"] = service.Addresses.Select(a => a.ToString()).ToArray(),
                    ["txt"] = service.Txt,
                    ["goodbye"] = change.IsGoodbye,
                });
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // stopping
        }

        await commands;
        Emit(new() { ["event"] = "stopped" });
        return 0;
    }

    /// <summary>Lines from standard input until "stop", end of input or cancellation.</summary>
    private static async IAsyncEnumerable<string> ReadCommandsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string? line;
            try
            {
                line = await Console.In.ReadLineAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (line is null || line.Trim() == "stop")
                yield break;
            yield return line.Trim();
        }
    }

    private static Dictionary<string, string?> ParseTxt(IEnumerable<string> items)
    {
        var txt = new Dictionary<string, string?>();
        foreach (var item in items)
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
                txt[item] = null;
            else
                txt[item[..equals]] = item[(equals + 1)..];
        }

        return txt;
    }

    private static void Emit(Dictionary<string, object?> fields)
    {
        var line = JsonSerializer.Serialize(fields);
        lock (s_outputGate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    private sealed class Options
    {
        public string? Name { get; private set; }
        public int Port { get; private set; } = 7070;
        public string ServiceType { get; private set; } = ServiceProfile.DefaultServiceType;
        public string? Host { get; private set; }
        public List<string> Interfaces { get; } = [];
        public Dictionary<string, string?> Txt { get; private set; } = [];
        public bool Verbose { get; private set; }
        public bool Ipv6 { get; private set; }
        public int? RescanSeconds { get; private set; }

        public static Options Parse(string[] args)
        {
            var options = new Options();
            var txt = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--name": options.Name = Next(); break;
                    case "--port": options.Port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--type": options.ServiceType = Next(); break;
                    case "--host": options.Host = Next(); break;
                    case "--interface": options.Interfaces.Add(Next()); break;
                    case "--txt": txt.Add(Next()); break;
                    case "--verbose": options.Verbose = true; break;
                    case "--ipv6": options.Ipv6 = true; break;
                    case "--rescan": options.RescanSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    default: throw new ArgumentException($"unknown option {args[i]}");
                }
            }

            options.Txt = ParseTxt(txt);
            return options;
        }
    }
}
