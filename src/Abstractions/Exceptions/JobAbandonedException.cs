namespace ParallelSharp;

/// <summary>The job killed the worker or node it ran on in each of its allowed attempts, and was given up.</summary>
/// <remarks>A job that keeps crashing workers is a "poison" job: retrying it forever would take the cluster down one node after another.</remarks>
public class JobAbandonedException : ParallelSharpException
{
    /// <summary>Creates the exception.</summary>
    public JobAbandonedException() : this("The job was abandoned.", []) { }

    /// <summary>Creates the exception with a message.</summary>
    public JobAbandonedException(string message) : this(message, []) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public JobAbandonedException(string message, Exception? innerException) : base(message, innerException) => Attempts = [];

    /// <summary>Creates the exception with the history of attempts.</summary>
    public JobAbandonedException(string message, IReadOnlyList<JobAttempt> attempts) : base(message) => Attempts = attempts ?? [];

    /// <summary>Every attempt, in order.</summary>
    public IReadOnlyList<JobAttempt> Attempts { get; }
}
