namespace ParallelSharp;

/// <summary>The base of every error ParallelSharp reports about a job, a node or the wire.</summary>
public class ParallelSharpException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ParallelSharpException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ParallelSharpException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public ParallelSharpException(string message, Exception? innerException) : base(message, innerException) { }
}
