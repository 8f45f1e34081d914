namespace ParallelSharp.NodeDaemon.Tests.Infrastructure;

/// <summary>Builds job packages the way JobSource does, without touching the file system.</summary>
internal static class Packages
{
    public static JobPackage Method(string code, string entryType, string entryMethod, IReadOnlyList<AssemblyReference>? references = null) =>
        new(JobPackageKind.Method, [new SourceDocument("Job.cs", code)], entryType, entryMethod, JobSource.DefaultUsings, references);

    public static JobPackage Documents(string entryType, string entryMethod, params SourceDocument[] documents) =>
        new(JobPackageKind.Method, documents, entryType, entryMethod, JobSource.DefaultUsings);

    public static JobPackage Lambda(string lambda) =>
        new(JobPackageKind.Lambda, [new SourceDocument("Lambda.cs", lambda)], string.Empty, string.Empty, JobSource.DefaultUsings);
}
