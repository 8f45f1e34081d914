using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Messages;

/// <summary>
/// The have/need exchange for non-framework assemblies: the node names the hashes it lacks
/// (<see cref="FrameType.NeedAssemblies"/>), the client uploads exactly those (<see cref="FrameType.UploadAssembly"/>).
/// </summary>
public static class AssemblyMessages
{
    /// <summary>Appends a NeedAssemblies frame: the package handle waiting for them and the missing hashes.</summary>
    public static void WriteNeed(FrameWriter writer, uint packageHandle, IReadOnlyList<string> sha256s)
    {
        using var frame = writer.Begin(FrameType.NeedAssemblies);
        var w = new WireWriter(frame.Writer);
        w.WriteUInt32(packageHandle);
        w.WriteInt32(sha256s.Count);
        foreach (var sha in sha256s)
            w.WriteString(sha);
    }

    /// <summary>Reads a NeedAssemblies body.</summary>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    public static IReadOnlyList<string> ReadNeed(ReadOnlySpan<byte> body, out uint packageHandle)
    {
        var r = new WireReader(body);
        packageHandle = r.ReadUInt32();
        var count = r.ReadInt32();
        if (count < 0 || count > 4096)
            throw new ProtocolException($"A NeedAssemblies frame lists {count} assemblies; at most 4096 are allowed.");
        var list = new string[count];
        for (var i = 0; i < count; i++)
            list[i] = r.ReadString();
        r.EnsureEnd("need-assemblies");
        return list;
    }

    /// <summary>Appends an UploadAssembly frame.</summary>
    public static void WriteUpload(FrameWriter writer, AssemblyReference reference, ReadOnlySpan<byte> content)
    {
        using var frame = writer.Begin(FrameType.UploadAssembly);
        var w = new WireWriter(frame.Writer);
        w.WriteString(reference.Name);
        w.WriteString(reference.Sha256);
        w.WriteRaw(content);
    }

    /// <summary>Reads an UploadAssembly body; the content is a slice of it.</summary>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    public static AssemblyReference ReadUpload(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> content)
    {
        var r = new WireReader(body);
        var name = r.ReadString();
        var sha = r.ReadString();
        content = r.ReadRest();
        return new AssemblyReference(name, sha, content.Length);
    }
}
