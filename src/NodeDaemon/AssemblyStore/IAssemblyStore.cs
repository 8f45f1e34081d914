using System.Diagnostics.CodeAnalysis;

namespace ParallelSharp.NodeDaemon.AssemblyStore;

/// <summary>The node's content-addressed store of non-framework assemblies: files named by their SHA-256.</summary>
internal interface IAssemblyStore
{
    /// <summary>Whether the store holds the assembly with this SHA-256 (false for anything that is not a SHA-256).</summary>
    bool Has(string sha256);

    /// <summary>The local file of the assembly with this SHA-256, which compilers reference and workers load.</summary>
    /// <returns><see langword="false"/> when the store lacks it (or <paramref name="sha256"/> is not a SHA-256).</returns>
    bool TryGetPath(string sha256, [NotNullWhen(true)] out string? path);

    /// <summary>Stores an uploaded assembly after checking its length and SHA-256 against <paramref name="reference"/>.</summary>
    /// <returns>The stored file's path.</returns>
    /// <exception cref="ArgumentException"><paramref name="reference"/>'s SHA-256 is not 64 hexadecimal digits.</exception>
    /// <exception cref="InvalidDataException">The content does not match the reference; nothing was stored.</exception>
    /// <exception cref="IOException">The store's directory cannot be written.</exception>
    string Put(AssemblyReference reference, ReadOnlySpan<byte> content);
}
