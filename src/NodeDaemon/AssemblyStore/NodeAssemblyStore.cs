using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ParallelSharp.NodeDaemon.AssemblyStore;

/// <summary>
/// The node's content-addressed store of non-framework assemblies: one file per SHA-256 in one directory, written
/// atomically and verified before it is stored, so a path it returns always holds exactly the named content.
/// </summary>
/// <remarks>
/// The have/need exchange asks <see cref="Has"/> (or <see cref="FindMissing"/>) for a package's references, stores each
/// upload with <see cref="Put"/>, and the compiler and workers use <see cref="TryGetPath"/>. Safe for concurrent use,
/// also by several node processes sharing the directory. Never shadows the shared framework: the job server does not
/// upload framework assemblies at all.
/// </remarks>
internal sealed class NodeAssemblyStore : IAssemblyStore
{
    private const string Extension = ".dll";

    private static readonly SearchValues<char> s_hexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private readonly ILogger _logger;

    /// <summary>Creates a store in <paramref name="directory"/> (created on first write).</summary>
    /// <param name="directory">The store's directory; <see cref="DefaultDirectory"/> when the node has no setting.</param>
    /// <param name="logger">Receives store events; none by default.</param>
    public NodeAssemblyStore(string directory, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The default directory: <c>ParallelSharp/assemblies</c> under the user's local application data (or the temp directory).</summary>
    public static string DefaultDirectory { get; } = Path.Combine(DefaultRoot(), "ParallelSharp", "assemblies");

    /// <summary>The store's directory.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public bool Has(string sha256) => TryGetPath(sha256, out _);


    /// <inheritdoc />
    public bool TryGetPath(string sha256, [NotNullWhen(true)] out string? path)
    {
        path = null;
        if (!TryNormalize(sha256, out var normalized))
            return false;
        var candidate = PathFor(normalized);
        if (!File.Exists(candidate))
            return false;
        path = candidate;
        return true;
    }

    /// <summary>The references among <paramref name="references"/> the store lacks: what the node asks the job server to upload.</summary>
    public IReadOnlyList<AssemblyReference> FindMissing(IEnumerable<AssemblyReference> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        return references.Where(r => !Has(r.Sha256)).ToList();
    }

    /// <inheritdoc />
    public string Put(AssemblyReference reference, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!TryNormalize(reference.Sha256, out var sha256))
            throw Errors.InvalidSha256(reference.Sha256, nameof(reference));

        if (content.Length != reference.Length)
        {
            Log.AssemblyRefused(_logger, reference.Name, sha256, "length mismatch");
            throw Errors.AssemblyLengthMismatch(reference, content.Length);
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(content));
        if (!string.Equals(actual, sha256, StringComparison.Ordinal))
        {
            Log.AssemblyRefused(_logger, reference.Name, sha256, "SHA-256 mismatch");
            throw Errors.AssemblyHashMismatch(reference, actual);
        }

        var path = PathFor(sha256);
        if (File.Exists(path))
            return path;

        // Durable: unlike compiled packages, stored assemblies are trusted by name and never re-hashed on read.
        if (AtomicFile.TryCreate(path, content, durable: true))
            Log.AssemblyStored(_logger, reference.Name, sha256, content.Length);
        return path;
    }

    private string PathFor(string normalizedSha256) => Path.Combine(Directory, normalizedSha256 + Extension);

    // Also the guard against path traversal: only 64 hex digits ever become a file name.
    private static bool TryNormalize(string? sha256, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (sha256 is not { Length: 64 } || sha256.AsSpan().ContainsAnyExcept(s_hexDigits))
            return false;
        normalized = sha256.ToLowerInvariant();
        return true;
    }

    private static string DefaultRoot()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(root) ? Path.GetTempPath() : root;
    }
}
