namespace ParallelSharp;

/// <summary>One try at running a job that did not produce a result.</summary>
/// <param name="Number">One-based attempt number.</param>
/// <param name="NodeId">The node the attempt ran on.</param>
/// <param name="Reason">What ended the attempt, in words.</param>
public sealed record JobAttempt(int Number, string NodeId, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"attempt {Number} on node {NodeId}: {Reason}";
}
