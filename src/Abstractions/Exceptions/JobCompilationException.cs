namespace ParallelSharp;

/// <summary>The job's source did not compile, or its entry point is not something a job can call.</summary>
public class JobCompilationException : ParallelSharpException
{
    /// <summary>Creates the exception.</summary>
    public JobCompilationException() : this("The job's source did not compile.", []) { }

    /// <summary>Creates the exception with a message.</summary>
    public JobCompilationException(string message) : this(message, []) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public JobCompilationException(string message, Exception? innerException) : base(message, innerException) => Diagnostics = [];

    /// <summary>Creates the exception with the compiler's diagnostics.</summary>
    public JobCompilationException(string message, IReadOnlyList<CompilerDiagnostic> diagnostics) : base(message) =>
        Diagnostics = diagnostics ?? [];

    /// <summary>The compiler errors, positioned in the submitted source.</summary>
    public IReadOnlyList<CompilerDiagnostic> Diagnostics { get; }
}
