using System.Security.Cryptography;

namespace ParallelSharp;

/// <summary>
/// A function to run as a job, given as C# source: the code, its entry point, and anything it
/// references beyond the .NET shared framework.
/// </summary>
/// <remarks>
/// Use <see cref="FromCode"/> for a class with a static method, or <see cref="FromLambda"/> when all
/// you have is the text of a lambda (from a command line, say). A JobSource is immutable and cheap to
/// reuse: keep one per function and submit it many times; nodes compile it once.
/// </remarks>
public sealed class JobSource
{
    private static readonly string[] s_defaultUsings =
    [
        "System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Numerics",
        "System.Threading", "System.Threading.Tasks",
    ];

    private JobSource(JobPackage package, IReadOnlyDictionary<string, string> assemblyFiles)
    {
        Package = package;
        AssemblyFiles = assemblyFiles;
    }

    /// <summary>The package that travels to nodes.</summary>
    public JobPackage Package { get; }

    /// <summary>Local file of each referenced assembly, by SHA-256 (what is uploaded to a node that lacks it).</summary>
    public IReadOnlyDictionary<string, string> AssemblyFiles { get; }

    /// <summary>The namespaces every job package imports unless told otherwise.</summary>
    public static IReadOnlyList<string> DefaultUsings => s_defaultUsings;

    /// <summary>Creates a job source from C# code and the name of a static method in it.</summary>
    /// <param name="code">C# source declaring the entry type (namespaces, classes, records, helpers).</param>
    /// <param name="entryPoint">The entry method as <c>Namespace.Type.Method</c> (nested types as <c>Outer+Inner.Method</c>).</param>
    /// <param name="usings">Extra namespaces to import in addition to <see cref="DefaultUsings"/>.</param>
    /// <param name="assemblyPaths">Files of non-framework assemblies the code references (NuGet packages, your own libraries).</param>
    /// <exception cref="ArgumentException">The code is empty, the entry point is not of the form <c>Type.Method</c>, or an assembly file does not exist.</exception>
    public static JobSource FromCode(string code, string entryPoint, IEnumerable<string>? usings = null, IEnumerable<string>? assemblyPaths = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        ArgumentException.ThrowIfNullOrWhiteSpace(entryPoint);
        var dot = entryPoint.LastIndexOf('.');
        if (dot <= 0 || dot == entryPoint.Length - 1)
            throw new ArgumentException(
                $"The entry point '{entryPoint}' must name a type and a static method, such as 'MyApp.Primes.SumPrimes'.", nameof(entryPoint));

        return Create(JobPackageKind.Method, [new SourceDocument("Job.cs", code)], entryPoint[..dot], entryPoint[(dot + 1)..], usings, assemblyPaths);
    }

    /// <summary>Creates a job source from the text of a lambda expression with typed parameters, such as <c>(int x) =&gt; x * x</c>.</summary>
    /// <remarks>
    /// The node wraps the lambda in a static method and compiles it like any other source, so it is
    /// cached and unloadable; the parameters must be typed explicitly because nothing else tells their types.
    /// </remarks>
    /// <exception cref="ArgumentException">The text is empty.</exception>
    public static JobSource FromLambda(string lambda, IEnumerable<string>? usings = null, IEnumerable<string>? assemblyPaths = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lambda);
        return Create(JobPackageKind.Lambda, [new SourceDocument("Lambda.cs", lambda)], string.Empty, string.Empty, usings, assemblyPaths);
    }

    /// <summary>Creates a job source from several source documents; used by the ParallelSharp source generator.</summary>
    /// <exception cref="ArgumentException">A required part is missing or an assembly file does not exist.</exception>
    public static JobSource FromDocuments(
        IReadOnlyList<SourceDocument> sources, string entryType, string entryMethod, IEnumerable<string>? usings = null, IEnumerable<string>? assemblyPaths = null) =>
        Create(JobPackageKind.Method, sources, entryType, entryMethod, usings, assemblyPaths);

    private static JobSource Create(
        JobPackageKind kind, IReadOnlyList<SourceDocument> sources, string entryType, string entryMethod, IEnumerable<string>? usings, IEnumerable<string>? assemblyPaths)
    {
        var allUsings = s_defaultUsings.Concat(usings ?? []).Distinct(StringComparer.Ordinal).ToArray();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var references = new List<AssemblyReference>();
        foreach (var path in (assemblyPaths ?? []).Distinct(StringComparer.Ordinal))
        {
            if (!File.Exists(path))
                throw new ArgumentException($"The referenced assembly '{path}' does not exist. Give the path of a .dll file.", nameof(assemblyPaths));
            var bytes = File.ReadAllBytes(path);
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (files.TryAdd(sha, Path.GetFullPath(path)))
                references.Add(new AssemblyReference(Path.GetFileNameWithoutExtension(path), sha, bytes.LongLength));
        }

        references.Sort((a, b) => string.CompareOrdinal(a.Sha256, b.Sha256));
        return new JobSource(new JobPackage(kind, sources, entryType, entryMethod, allUsings, references), files);
    }

    /// <inheritdoc />
    public override string ToString() => Package.EntryDisplayName;
}
