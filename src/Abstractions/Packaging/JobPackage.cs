using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace ParallelSharp;

/// <summary>
/// Everything a node needs to compile and run a job's function: its C# sources, the entry
/// point, the usings and the non-framework assemblies it references. Immutable and keyed by
/// content: two packages with the same <see cref="Key"/> compile to the same code.
/// </summary>
/// <remarks>
/// Users rarely build packages directly: <see cref="JobSource"/> does it for them. The package
/// travels to nodes as JSON; the assemblies it references travel separately, once per node.
/// </remarks>
public sealed class JobPackage
{
    /// <summary>The compiler identity that is part of every key: bump it when the way packages compile changes.</summary>
    public const string CompilerIdentity = "psh-compiler/1;csharp=latest;net10.0;release";

    private string? _key;

    /// <summary>Creates a package. Prefer <see cref="JobSource"/>'s factories.</summary>
    /// <exception cref="ArgumentException">A required part is missing.</exception>
    public JobPackage(
        JobPackageKind kind,
        IReadOnlyList<SourceDocument> sources,
        string entryType,
        string entryMethod,
        IReadOnlyList<string>? usings = null,
        IReadOnlyList<AssemblyReference>? references = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
            throw new ArgumentException("A job package needs at least one source document.", nameof(sources));
        if (kind == JobPackageKind.Method)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(entryType);
            ArgumentException.ThrowIfNullOrWhiteSpace(entryMethod);
        }

        // The package also arrives from the wire as JSON: every entry must be there, or the key cannot be computed.
        if (sources.Any(s => s is null || s.Path is null || s.Text is null))
            throw new ArgumentException("A job package's source documents must each have a path and a text.", nameof(sources));
        if (usings is not null && usings.Any(u => u is null))
            throw new ArgumentException("A job package's usings must not contain null.", nameof(usings));
        if (references is not null && references.Any(r => r is null || r.Name is null || r.Sha256 is null))
            throw new ArgumentException("A job package's assembly references must each have a name and a SHA-256.", nameof(references));

        Kind = kind;
        Sources = sources;
        EntryType = entryType ?? string.Empty;
        EntryMethod = entryMethod ?? string.Empty;
        Usings = usings ?? [];
        References = references ?? [];
    }

    /// <summary>How the entry point is given.</summary>
    public JobPackageKind Kind { get; }

    /// <summary>The C# sources, in a stable order.</summary>
    public IReadOnlyList<SourceDocument> Sources { get; }

    /// <summary>The full metadata name of the type that declares the entry method (for example <c>MyApp.Primes</c>).</summary>
    public string EntryType { get; }

    /// <summary>The name of the static entry method.</summary>
    public string EntryMethod { get; }

    /// <summary>Namespaces imported by every source document (global usings).</summary>
    public IReadOnlyList<string> Usings { get; }

    /// <summary>The non-framework assemblies the sources reference.</summary>
    public IReadOnlyList<AssemblyReference> References { get; }

    /// <summary>A description of the entry point for messages, for example <c>MyApp.Primes.SumPrimes</c>.</summary>
    [JsonIgnore]
    public string EntryDisplayName => Kind == JobPackageKind.Lambda ? "lambda" : $"{EntryType}.{EntryMethod}";

    /// <summary>
    /// The lower-case hexadecimal SHA-256 over everything that affects compilation: the sources
    /// (line endings normalized), the entry point, the usings, the referenced assemblies' content
    /// hashes and <see cref="CompilerIdentity"/>. Nodes cache compiled code under this key.
    /// </summary>
    [JsonIgnore]
    public string Key => _key ??= ComputeKey();

    private string ComputeKey()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string value)
        {
            // Length-prefix every field so that no two different packages serialize alike.
            var bytes = Encoding.UTF8.GetBytes(value);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        Add(CompilerIdentity);
        Add(((int)Kind).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(EntryType);
        Add(EntryMethod);
        Add(Usings.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var u in Usings)
            Add(u);
        Add(Sources.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var source in Sources)
        {
            Add(source.Path);
            // Line endings must not change the key: a Windows and a Linux client share the node's cache.
            Add(source.Text.Replace("\r\n", "\n", StringComparison.Ordinal));
        }

        Add(References.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var reference in References)
        {
            Add(reference.Name);
            Add(reference.Sha256);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
