namespace ParallelSharp;

/// <summary>The job ran longer than its timeout and was stopped (its worker was replaced).</summary>
public class JobTimeoutException : ParallelSharpException
{
    /// <summary>Creates the exception.</summary>
    public JobTimeoutException() : base("The job timed out.") { }

    /// <summary>Creates the exception with a message.</summary>
    public JobTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public JobTimeoutException(string message, Exception? innerException) : base(message, innerException) { }
}
