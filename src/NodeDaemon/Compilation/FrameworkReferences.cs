using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>
/// Metadata references to the .NET shared framework the node runs on: what every job may use without shipping it.
/// </summary>
/// <remarks>
/// Built once per process and shared by every compile: creating ~170 <see cref="MetadataReference"/>s and letting
/// Roslyn read their metadata is most of a cold compile, and reusing them is what makes later compiles take a few
/// milliseconds. The set is "the assemblies of the directory that holds System.Private.CoreLib", taken from the
/// host's trusted platform assemblies, so a node never lets jobs bind to its own dependencies (Roslyn, logging).
/// </remarks>
internal static class FrameworkReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references =
        new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared framework's assemblies, created on first use.</summary>
    public static ImmutableArray<MetadataReference> All => s_references.Value;

    /// <summary>The directory of the shared framework (Microsoft.NETCore.App) the node runs on.</summary>
    public static string Directory { get; } = GetFrameworkDirectory();

    private static string GetFrameworkDirectory()
    {
        var coreLib = typeof(object).Assembly.Location;
        var directory = Path.GetDirectoryName(coreLib);
        if (string.IsNullOrEmpty(directory))
            throw new InvalidOperationException(
                "The node cannot locate the .NET shared framework: System.Private.CoreLib has no file location. " +
                "Run the node as a framework-dependent application, not single-file or native AOT.");
        return directory;
    }

    private static ImmutableArray<MetadataReference> Create()
    {
        var trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string;
        if (string.IsNullOrEmpty(trusted))
            throw new InvalidOperationException(
                "The node cannot list the .NET shared framework: the runtime reports no TRUSTED_PLATFORM_ASSEMBLIES. " +
                "Run the node with the dotnet host, not single-file or native AOT.");

        var frameworkDirectory = Path.TrimEndingDirectorySeparator(Directory);
        var builder = ImmutableArray.CreateBuilder<MetadataReference>();
        foreach (var path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal))
        {
            if (!string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal) ||
                !path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                continue;
            builder.Add(MetadataReference.CreateFromFile(path));
        }

        return builder.ToImmutable();
    }
}
