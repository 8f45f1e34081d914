namespace ParallelSharp;

/// <summary>How the entry point of a job package is given.</summary>
public enum JobPackageKind
{
    /// <summary>A static method named by <see cref="JobPackage.EntryType"/> and <see cref="JobPackage.EntryMethod"/>.</summary>
    Method = 0,

    /// <summary>The only source document is a lambda expression such as <c>(int x) =&gt; x * x</c>.</summary>
    Lambda = 1,
}
