namespace ParallelSharp;

/// <summary>Per-job settings for <see cref="JobServer.Submit{TResult}(JobSource, object?[], JobOptions?, Action{Job{TResult}}?, CancellationToken)"/>.</summary>
public sealed record JobOptions
{
    /// <summary>The group the job belongs to (pp's <c>group</c>); wait for a whole group with <see cref="JobServer.WaitAsync(string, CancellationToken)"/>. Default <c>default</c>.</summary>
    public string Group { get; init; } = JobServer.DefaultGroup;

    /// <summary>How long the job may run on its worker before the worker is replaced and the job fails with <see cref="JobTimeoutException"/>. Null: the server's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How many times the job may be started before a crash of its worker or node abandons it. Null: the server's default (3).</summary>
    public int? MaxAttempts { get; init; }
}
