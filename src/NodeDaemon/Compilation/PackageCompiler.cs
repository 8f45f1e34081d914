using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ParallelSharp.NodeDaemon.AssemblyStore;

namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>
/// Compiles job packages with Roslyn into in-memory assemblies (IL with an embedded portable PDB), each with a
/// generated <c>ParallelSharp.Generated.JobEntryPoint</c> that workers call (see <see cref="JobEntryPointContract"/>).
/// </summary>
/// <remarks>
/// <para>One instance serves the whole node and is safe to use from several threads. Compiling is CPU-bound and
/// synchronous; the compile cache runs it off the caller's thread and limits how many run at once.</para>
/// <para>The first compile in a process costs about a second (Roslyn's own JIT and the framework's metadata);
/// later ones take milliseconds because the framework references are created once and shared. Call
/// <see cref="WarmUp"/> at node start, in the background, so the first real job does not pay that second.</para>
/// </remarks>
internal sealed partial class PackageCompiler : IPackageCompiler
{
    /// <summary>The path of the syntax tree holding the package's global usings.</summary>
    public const string UsingsPath = "<ParallelSharp.Usings>";

    /// <summary>The path of the syntax tree holding the generated invoker.</summary>
    public const string GeneratedPath = "<ParallelSharp.Generated>";

    private const int MaxReportedDiagnostics = 100;

    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest, DocumentationMode.None);

    private static readonly CSharpCompilationOptions s_compilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        optimizationLevel: OptimizationLevel.Release,
        deterministic: true,
        // Jobs are trusted code that runs with the worker's rights anyway; the entry point itself may not use pointers.
        allowUnsafe: true,
        // Only errors fail a job: nullable analysis would add warnings and cost time for nothing.
        nullableContextOptions: NullableContextOptions.Disable,
        // One thread per compile: a job's package is a few methods, too small to gain from a parallel build, and a
        // parallel build fills the node's few thread-pool threads, so that every session, result and signal handled
        // meanwhile waits for the pool to grow (a SIGTERM during the start-up warm-up waited 0.4-0.6 s).
        concurrentBuild: false);

    // Embedded portable PDB: remote stack traces name lines of the submitted source, with no file to ship beside the image.
    private static readonly EmitOptions s_emitOptions = new(debugInformationFormat: DebugInformationFormat.Embedded);

    private readonly IAssemblyStore _assemblyStore;
    private readonly ILogger _logger;

    // Content-addressed, so an entry never goes stale; the node's store bounds how many there can be.
    private readonly ConcurrentDictionary<string, MetadataReference> _storeReferences = new(StringComparer.Ordinal);

    /// <summary>Creates the compiler.</summary>
    /// <param name="assemblyStore">Where the packages' non-framework assemblies are found, by SHA-256.</param>
    /// <param name="logger">Receives compile events; none by default.</param>
    public PackageCompiler(IAssemblyStore assemblyStore, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(assemblyStore);
        _assemblyStore = assemblyStore;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The simple name of the assembly a package compiles to: unique per package key.</summary>
    public static string AssemblyNameFor(JobPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        return $"psh-job-{package.Key[..16]}";
    }

    /// <inheritdoc />
    public CompiledPackage Compile(JobPackage package, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var compiled = package.Kind == JobPackageKind.Lambda
                ? CompileLambda(package, started, cancellationToken)
                : CompileMethod(package, started, cancellationToken);
            Log.PackageCompiled(_logger, package.Key, compiled.EntrySignature, compiled.CompileTime.TotalMilliseconds, compiled.Image.Length);
            return compiled;
        }
        catch (JobCompilationException e)
        {
            Log.PackageCompileFailed(_logger, package.Key, package.EntryDisplayName, e.Message);
            throw;
        }
    }

    private CompiledPackage CompileMethod(JobPackage package, long started, CancellationToken cancellationToken)
    {
        var references = ResolveReferences(package);
        var usings = ParseUsings(package, cancellationToken);
        var documents = new DocumentTree[package.Sources.Count];
        for (var i = 0; i < documents.Length; i++)
        {
            var document = package.Sources[i];
            var text = SourceText.From(NormalizeLineEndings(document.Text), Encoding.UTF8);
            var tree = CSharpSyntaxTree.ParseText(text, s_parseOptions, document.Path, cancellationToken);
            documents[i] = new DocumentTree(document, tree, 0, text);
        }

        var compilation = CSharpCompilation.Create(
            AssemblyNameFor(package), [usings, .. documents.Select(d => d.Tree)], references, s_compilationOptions);
        var entry = ResolveEntry(compilation, documents, package, package.EntryType, package.EntryMethod, displayName: null, cancellationToken);
        return Emit(package, compilation, documents, entry, started, cancellationToken);
    }

    private static EntryPoint ResolveEntry(
        CSharpCompilation compilation, IReadOnlyList<DocumentTree> documents, JobPackage package,
        string entryType, string entryMethod, string? displayName, CancellationToken cancellationToken)
    {
        try
        {
            return EntryPointResolver.Resolve(compilation, package, entryType, entryMethod, displayName);
        }
        catch (JobCompilationException)
        {
            // A broken source often hides or garbles its entry point: the compiler's errors then say more than ours.
            ThrowIfErrors(package, compilation.GetDiagnostics(cancellationToken), documents);
            throw;
        }
    }

    private static CompiledPackage Emit(
        JobPackage package, CSharpCompilation compilation, IReadOnlyList<DocumentTree> documents, EntryPoint entry,
        long started, CancellationToken cancellationToken)
    {
        // The invoker is a tree of its own: the user's documents are never edited, so their positions stay put.
        var invokerText = SourceText.From(InvokerSource.Generate(entry), Encoding.UTF8);
        var invokerTree = CSharpSyntaxTree.ParseText(invokerText, s_parseOptions, GeneratedPath, cancellationToken);
        var complete = compilation.AddSyntaxTrees(invokerTree);

        using var image = new MemoryStream();
        var result = complete.Emit(image, options: s_emitOptions, cancellationToken: cancellationToken);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var userErrors = errors.Where(d => !ReferenceEquals(d.Location.SourceTree, invokerTree)).ToList();
            if (userErrors.Count > 0)
                throw Errors.CompilationFailed(package, DocumentTree.Map(userErrors, documents, MaxReportedDiagnostics));
            throw Errors.InvokerFailed(package, entry.Signature, DocumentTree.Map(errors, documents, MaxReportedDiagnostics));
        }

        return new CompiledPackage(
            package.Key, image.ToArray(), entry.Signature, entry.Method.Parameters.Length, package.References, Stopwatch.GetElapsedTime(started));
    }

    private static void ThrowIfErrors(JobPackage package, IEnumerable<Diagnostic> diagnostics, IReadOnlyList<DocumentTree> documents)
    {
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
            throw Errors.CompilationFailed(package, DocumentTree.Map(errors, documents, MaxReportedDiagnostics));
    }

    private ImmutableArray<MetadataReference> ResolveReferences(JobPackage package)
    {
        var framework = FrameworkReferences.All;
        if (package.References.Count == 0)
            return framework;

        var builder = ImmutableArray.CreateBuilder<MetadataReference>(framework.Length + package.References.Count);
        builder.AddRange(framework);
        foreach (var reference in package.References)
        {
            if (!_assemblyStore.TryGetPath(reference.Sha256, out var path))
                throw Errors.ReferenceMissing(package, reference);

            // From an image, not the file: a memory-mapped reference would keep the store's file open for the node's life.
            builder.Add(_storeReferences.GetOrAdd(reference.Sha256, static (_, file) =>
                MetadataReference.CreateFromImage(ImmutableCollectionsMarshal.AsImmutableArray(File.ReadAllBytes(file)), filePath: file), path));
        }

        return builder.MoveToImmutable();
    }

    private static SyntaxTree ParseUsings(JobPackage package, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var import in package.Usings)
        {
            var trimmed = import.Trim().TrimEnd(';').Trim();
            if (trimmed.Length > 0)
                text.Append("global using ").Append(trimmed).Append(";\n");
        }

        return CSharpSyntaxTree.ParseText(SourceText.From(text.ToString(), Encoding.UTF8), s_parseOptions, UsingsPath, cancellationToken);
    }

    private static string NormalizeLineEndings(string text) =>
        // The package key ignores line endings, so the code compiled under it must not depend on them either.
        text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
