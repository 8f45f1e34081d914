using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Messages;

/// <summary>Node → worker: a compiled package to load under a handle, with the files of the assemblies it references.</summary>
/// <param name="Handle">The worker-scoped handle later jobs name.</param>
/// <param name="Key">The package key (for logs and errors).</param>
/// <param name="ReferencePaths">Local files of the non-framework assemblies it references.</param>
/// <param name="Image">The compiled assembly (IL with embedded PDB).</param>
public sealed record LoadPackageMessage(uint Handle, string Key, IReadOnlyList<string> ReferencePaths, byte[] Image)
{
    /// <summary>Appends the frame.</summary>
    public void Write(FrameWriter writer)
    {
        using var frame = writer.Begin(FrameType.LoadPackage);
        var w = new WireWriter(frame.Writer);
        w.WriteUInt32(Handle);
        w.WriteString(Key);
        w.WriteInt32(ReferencePaths.Count);
        foreach (var path in ReferencePaths)
            w.WriteString(path);
        w.WriteRaw(Image);
    }

    /// <summary>Reads the frame body.</summary>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    public static LoadPackageMessage Read(ReadOnlySpan<byte> body)
    {
        var r = new WireReader(body);
        var handle = r.ReadUInt32();
        var key = r.ReadString();
        var count = r.ReadInt32();
        if (count < 0 || count > 4096)
            throw new ProtocolException($"A LoadPackage frame lists {count} references; at most 4096 are allowed.");
        var paths = new string[count];
        for (var i = 0; i < count; i++)
            paths[i] = r.ReadString();
        return new LoadPackageMessage(handle, key, paths, r.ReadRest().ToArray());
    }
}
