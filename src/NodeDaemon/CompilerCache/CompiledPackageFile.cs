using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using ParallelSharp.NodeDaemon.Compilation;

namespace ParallelSharp.NodeDaemon.CompilerCache;

/// <summary>
/// The disk format of a compiled package: a header, the metadata, the image, and a SHA-256 of all of it, so that a
/// truncated or corrupted file is recognized (and recompiled) instead of loaded.
/// </summary>
/// <remarks>
/// Layout: <c>"PSHC"</c>, format version (UInt16), key, entry signature, parameter count (Int32), reference count
/// (Int32) and each reference (name, SHA-256, length as Int64), image length (Int32), image, then the SHA-256 of
/// everything before it. Strings are length-prefixed UTF-8 as <see cref="BinaryWriter"/> writes them.
/// </remarks>
internal static class CompiledPackageFile
{
    /// <summary>The extension of compiled-package files.</summary>
    public const string Extension = ".psc";

    private const ushort FormatVersion = 1;
    private const int HashLength = 32;
    private const int MaxReferences = 4096;

    private static ReadOnlySpan<byte> Magic => "PSHC"u8;

    /// <summary>The file content for <paramref name="package"/>.</summary>
    public static byte[] Serialize(CompiledPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        using var buffer = new MemoryStream(package.Image.Length + 1024);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(package.Key);
            writer.Write(package.EntrySignature);
            writer.Write(package.ParameterCount);
            writer.Write(package.References.Count);
            foreach (var reference in package.References)
            {
                writer.Write(reference.Name);
                writer.Write(reference.Sha256);
                writer.Write(reference.Length);
            }

            writer.Write(package.Image.Length);
            writer.Write(package.Image);
        }

        var hash = SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        buffer.Write(hash);
        return buffer.ToArray();
    }

    /// <summary>Reads a file's content, checking everything; never throws for bad content.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="expectedKey">The key the file is named after.</param>
    /// <param name="package">The package, when the content is valid.</param>
    /// <param name="problem">What is wrong with the content, when it is not.</param>
    public static bool TryParse(
        byte[] content, string expectedKey, [NotNullWhen(true)] out CompiledPackage? package, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(content);
        package = null;
        if (content.Length < Magic.Length + sizeof(ushort) + HashLength)
        {
            problem = $"it is only {content.Length} byte(s) long";
            return false;
        }

        var bodyLength = content.Length - HashLength;
        if (!SHA256.HashData(content.AsSpan(0, bodyLength)).AsSpan().SequenceEqual(content.AsSpan(bodyLength)))
        {
            problem = "its checksum does not match its content (truncated or corrupted)";
            return false;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(content, 0, bodyLength, writable: false), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                problem = "it is not a compiled-package file";
                return false;
            }

            var version = reader.ReadUInt16();
            if (version != FormatVersion)
            {
                problem = $"it has format version {version}, but this node reads version {FormatVersion}";
                return false;
            }

            var key = reader.ReadString();
            if (!string.Equals(key, expectedKey, StringComparison.Ordinal))
            {
                problem = $"it holds package {key}, not the one its name says";
                return false;
            }

            var signature = reader.ReadString();
            var parameterCount = reader.ReadInt32();
            var referenceCount = reader.ReadInt32();
            if (parameterCount < 0 || referenceCount is < 0 or > MaxReferences)
            {
                problem = $"it claims {parameterCount} parameter(s) and {referenceCount} reference(s)";
                return false;
            }

            var references = new AssemblyReference[referenceCount];
            for (var i = 0; i < references.Length; i++)
                references[i] = new AssemblyReference(reader.ReadString(), reader.ReadString(), reader.ReadInt64());

            var imageLength = reader.ReadInt32();
            if (imageLength <= 0 || imageLength != bodyLength - reader.BaseStream.Position)
            {
                problem = $"its image length {imageLength} does not match the file";
                return false;
            }

            package = new CompiledPackage(key, reader.ReadBytes(imageLength), signature, parameterCount, references, TimeSpan.Zero);
            problem = null;
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException or ArgumentException)
        {
            problem = $"it cannot be read: {e.Message}";
            return false;
        }
    }
}
