// Submit jobs to remote nodes: listed by address, found by mDNS/DNS-SD, or both.
//
//   on each node:   PARALLELSHARP_SECRET=s3cret dotnet ParallelSharp.NodeDaemon.dll --listen 0.0.0.0 --advertise
//   here:           PARALLELSHARP_SECRET=s3cret dotnet run --project examples/Cluster -- --node 10.0.0.5 --discover eth0
//
// Options: --node HOST[:PORT] (repeatable; default port 7741), --discover INTERFACE|* (browse mDNS there),
// --local N (also run N local workers; default 0), --jobs N, --cluster NAME. The secret comes from PARALLELSHARP_SECRET.
using System.Diagnostics;
using ParallelSharp;

var options = new JobServerOptions
{
    LocalWorkers = 0,
    Secret = Environment.GetEnvironmentVariable("PARALLELSHARP_SECRET"),
    NoNodeTimeout = TimeSpan.FromSeconds(30),
};
var jobCount = 64;
for (var i = 0; i < args.Length - 1; i += 2)
{
    switch (args[i])
    {
        case "--node": options.Nodes.Add(args[i + 1]); break;
        case "--discover": options.Discovery = true; options.DiscoveryInterfaces.Add(args[i + 1]); break;
        case "--local": options.LocalWorkers = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--jobs": jobCount = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--cluster": options.Cluster = args[i + 1]; break;
        default: Console.Error.WriteLine($"Unknown option {args[i]}"); return 2;
    }
}

if (options.Nodes.Count == 0 && !options.Discovery && options.LocalWorkers == 0)
{
    Console.Error.WriteLine("Give at least one of --node HOST[:PORT], --discover INTERFACE or --local N (see the comment at the top of Program.cs).");
    return 2;
}

const string code = """
    public static class Work
    {
        public static string Where(int n)
        {
            long sum = 0;
            for (var i = 0; i < 2_000_000 + n; i++)
                sum += i % 7;
            return $"{System.Environment.MachineName}/{System.Environment.ProcessId}:{sum}";
        }
    }
    """;

await using var server = new JobServer(options);
var where = JobSource.FromCode(code, "Work.Where");
var stopwatch = Stopwatch.StartNew();
var jobs = Enumerable.Range(0, jobCount).Select(i => server.Submit<string>(where, i)).ToList();
var byWorker = (await Task.WhenAll(jobs.Select(j => j.Task))).GroupBy(r => r.Split(':')[0]).OrderBy(g => g.Key, StringComparer.Ordinal);
foreach (var group in byWorker)
    Console.WriteLine($"{group.Key,-40} {group.Count(),5} job(s)");
Console.WriteLine($"{jobCount} jobs in {stopwatch.Elapsed.TotalSeconds:0.00} s on {server.ActiveNodes.Count} node(s)");
server.PrintStatistics();
return 0;
