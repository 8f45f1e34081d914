namespace ParallelSharp;

/// <summary>Settings for <see cref="JobServer.Map{TArg, TResult}(JobSource, IEnumerable{TArg}, MapOptions?, CancellationToken)"/>.</summary>
public sealed record MapOptions
{
    /// <summary>
    /// Inputs per job (like <c>Pool.map</c>'s chunksize). Null picks one so that each worker gets about four chunks,
    /// which keeps small jobs cheap and still balances uneven ones.
    /// </summary>
    public int? ChunkSize { get; init; }

    /// <summary>The group the chunks belong to.</summary>
    public string Group { get; init; } = JobServer.DefaultGroup;

    /// <summary>How long one chunk may run. Null: the server's default.</summary>
    public TimeSpan? Timeout { get; init; }
}
