namespace ParallelSharp;

/// <summary>What one node did for this job server (pp's per-node row in <c>print_stats</c>).</summary>
/// <param name="NodeId">The node's name (<c>local</c> for the in-process node).</param>
/// <param name="Endpoint">Where it is.</param>
/// <param name="IsConnected">Whether it is connected now.</param>
/// <param name="Workers">Its worker count now (0 if disconnected).</param>
/// <param name="JobsCompleted">Jobs it finished successfully.</param>
/// <param name="JobsFailed">Jobs it finished with an error (including crashes).</param>
/// <param name="BusyTime">Time its workers spent running this server's jobs.</param>
/// <param name="Reschedules">Jobs moved away from it (it died, or a worker crashed).</param>
/// <param name="LateResults">Results it sent for jobs already rescheduled or cancelled, which were ignored.</param>
public sealed record NodeStatistics(
    string NodeId, string Endpoint, bool IsConnected, int Workers, long JobsCompleted, long JobsFailed, TimeSpan BusyTime, long Reschedules, long LateResults)
{
    /// <summary>Average time a job ran on this node.</summary>
    public TimeSpan AverageJobTime => JobsCompleted + JobsFailed == 0 ? TimeSpan.Zero : BusyTime / (JobsCompleted + JobsFailed);
}
