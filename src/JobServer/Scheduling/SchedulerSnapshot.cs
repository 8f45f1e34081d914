namespace ParallelSharp.Scheduling;

/// <summary>The scheduler's counters at one moment.</summary>
internal sealed record SchedulerSnapshot(
    int Queued,
    int InFlight,
    long Reschedules,
    long LateResults,
    long NodesLost,
    long NodesJoined,
    long Abandoned,
    IReadOnlyDictionary<string, (long Completed, long Failed, long BusyMicroseconds, long Reschedules, long LateResults)> Nodes);
