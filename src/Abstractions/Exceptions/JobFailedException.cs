namespace ParallelSharp;

/// <summary>The job's own code threw on the node. The remote exception is described, not rethrown.</summary>
/// <remarks>Exceptions never travel as objects: the node sends their type, message and stack trace as text.</remarks>
public class JobFailedException : ParallelSharpException
{
    /// <summary>Creates the exception.</summary>
    public JobFailedException() : this("The job failed.", string.Empty, string.Empty, string.Empty, string.Empty) { }

    /// <summary>Creates the exception with a message.</summary>
    public JobFailedException(string message) : this(message, string.Empty, string.Empty, string.Empty, string.Empty) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public JobFailedException(string message, Exception? innerException) : base(message, innerException)
    {
        RemoteType = RemoteMessage = RemoteStackTrace = NodeId = string.Empty;
    }

    /// <summary>Creates the exception from the description of a remote error.</summary>
    public JobFailedException(string message, string remoteType, string remoteMessage, string remoteStackTrace, string nodeId)
        : base(message)
    {
        RemoteType = remoteType;
        RemoteMessage = remoteMessage;
        RemoteStackTrace = remoteStackTrace;
        NodeId = nodeId;
    }

    /// <summary>The full name of the exception type thrown on the node.</summary>
    public string RemoteType { get; }

    /// <summary>The message of the exception thrown on the node.</summary>
    public string RemoteMessage { get; }

    /// <summary>The stack trace on the node, in the job's own source.</summary>
    public string RemoteStackTrace { get; }

    /// <summary>The node that ran the job.</summary>
    public string NodeId { get; }

    /// <inheritdoc />
    public override string? StackTrace => base.StackTrace is { } local
        ? $"{RemoteStackTrace}{Environment.NewLine}--- End of remote stack trace on node {NodeId} ---{Environment.NewLine}{local}"
        : RemoteStackTrace;
}
