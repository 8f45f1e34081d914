using System.Diagnostics;

namespace ParallelSharp;

public sealed partial class JobServer
{
    private readonly long _createdAt = Stopwatch.GetTimestamp();

    /// <summary>Statistics per node and for the whole server (pp's <c>get_stats</c>).</summary>
    public JobServerStatistics GetStatistics()
    {
        var snapshot = _scheduler.Snapshot();
        var connected = _scheduler.Nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var nodes = snapshot.Nodes.Select(pair =>
        {
            connected.TryGetValue(pair.Key, out var node);
            var (completed, failed, busy, reschedules, late) = pair.Value;
            return new NodeStatistics(pair.Key, node?.Endpoint ?? "-", node is not null, node?.Workers ?? 0,
                completed, failed, TimeSpan.FromMicroseconds(busy), reschedules, late);
        }).ToList();
        return new JobServerStatistics(Stopwatch.GetElapsedTime(_createdAt), snapshot.Queued, snapshot.InFlight, snapshot.Reschedules,
            snapshot.LateResults, snapshot.NodesLost, snapshot.NodesJoined, snapshot.Abandoned, nodes);
    }

    /// <summary>Writes the statistics table (pp's <c>print_stats</c>) to <paramref name="writer"/>, or to the console.</summary>
    public void PrintStatistics(TextWriter? writer = null) => (writer ?? Console.Out).WriteLine(GetStatistics().ToString());
}
