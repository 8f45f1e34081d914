namespace ParallelSharp;

/// <summary>A node or worker could not run the job: it crashed, disconnected, or refused us.</summary>
public class NodeUnavailableException : ParallelSharpException
{
    /// <summary>Creates the exception.</summary>
    public NodeUnavailableException() : this("The node is unavailable.", NodeFailureKind.ConnectionFailed) { }

    /// <summary>Creates the exception with a message.</summary>
    public NodeUnavailableException(string message) : this(message, NodeFailureKind.ConnectionFailed) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public NodeUnavailableException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a message and the kind of failure.</summary>
    public NodeUnavailableException(string message, NodeFailureKind kind, Exception? innerException = null) : base(message, innerException) => Kind = kind;

    /// <summary>What went wrong.</summary>
    public NodeFailureKind Kind { get; }

    /// <summary>Whether trying again (elsewhere or later) may succeed. Authentication and version failures never do.</summary>
    public bool IsTransient => Kind is not (NodeFailureKind.AuthenticationFailed or NodeFailureKind.Incompatible);
}
