namespace ParallelSharp;

/// <summary>A peer sent something the protocol does not allow: a malformed or oversized frame, another version, a wrong secret.</summary>
/// <remarks>Only the connection that carried it is closed; the daemon and the job server go on.</remarks>
public class ProtocolException : ParallelSharpException
{
    /// <summary>Creates the exception.</summary>
    public ProtocolException() : base("The peer violated the ParallelSharp protocol.") { }

    /// <summary>Creates the exception with a message.</summary>
    public ProtocolException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ProtocolException(string message, Exception? innerException) : base(message, innerException) { }
}
