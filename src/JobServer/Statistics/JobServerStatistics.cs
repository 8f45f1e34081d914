using System.Globalization;
using System.Text;

namespace ParallelSharp;

/// <summary>A job server's statistics at one moment: per node, and for the whole server (pp's <c>get_stats</c>).</summary>
/// <param name="Uptime">Time since the server was created.</param>
/// <param name="Queued">Jobs waiting in the server for a slot.</param>
/// <param name="Running">Jobs sent to nodes and not yet answered.</param>
/// <param name="Reschedules">Jobs moved to another node or worker after a failure.</param>
/// <param name="LateResultsIgnored">Results that arrived for jobs already completed elsewhere.</param>
/// <param name="NodesLost">Times a node was declared dead.</param>
/// <param name="NodesJoined">Times a node connected.</param>
/// <param name="JobsAbandoned">Jobs given up after their attempts.</param>
/// <param name="Nodes">Per-node figures.</param>
public sealed record JobServerStatistics(
    TimeSpan Uptime, int Queued, int Running, long Reschedules, long LateResultsIgnored, long NodesLost, long NodesJoined, long JobsAbandoned,
    IReadOnlyList<NodeStatistics> Nodes)
{
    /// <summary>Jobs finished, successfully or not, on all nodes.</summary>
    public long JobsFinished => Nodes.Sum(n => n.JobsCompleted + n.JobsFailed);

    /// <summary>The table pp's <c>print_stats</c> prints: jobs, share and times per node.</summary>
    public override string ToString()
    {
        var total = Math.Max(1, JobsFinished);
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Job execution statistics ({Uptime.TotalSeconds:0.00} s since start, {Queued} queued, {Running} running):");
        text.AppendLine(" node                      workers   jobs   share  failed  busy (s)  avg job (ms)  rescheduled  connected");
        foreach (var node in Nodes.OrderBy(n => n.NodeId, StringComparer.Ordinal))
        {
            var jobs = node.JobsCompleted + node.JobsFailed;
            text.AppendLine(c,
                $" {Truncate(node.NodeId, 25),-25} {node.Workers,7} {jobs,6} {100.0 * jobs / total,6:0.0}% {node.JobsFailed,7} {node.BusyTime.TotalSeconds,9:0.000} {node.AverageJobTime.TotalMilliseconds,13:0.000} {node.Reschedules,12}  {(node.IsConnected ? "yes" : "no")}");
        }

        text.Append(c, $"Reschedules: {Reschedules}, late results ignored: {LateResultsIgnored}, nodes lost: {NodesLost}, jobs abandoned: {JobsAbandoned}.");
        return text.ToString();
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
