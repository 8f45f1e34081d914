using ParallelSharp.NodeDaemon.WorkerHost;

namespace ParallelSharp.NodeDaemon.Protocol;

/// <summary>
/// A package a client defined on its connection: waiting for assemblies, compiling, ready, or failed.
/// Jobs that arrive before it is ready wait here, in order.
/// </summary>
internal sealed class PackageState(uint handle, JobPackage package)
{
    public uint Handle { get; } = handle;

    public JobPackage Package { get; } = package;

    /// <summary>Hashes of referenced assemblies the node still lacks.</summary>
    public HashSet<string> MissingAssemblies { get; } = new(StringComparer.Ordinal);

    /// <summary>Jobs waiting for the package: (client job id, flags, timeout, payload).</summary>
    public List<(long JobId, byte Flags, uint Timeout, byte[] Payload)> Waiting { get; } = [];

    /// <summary>Set once compiled.</summary>
    public RunnablePackage? Runnable { get; set; }

    /// <summary>Set if it cannot be compiled: the JSON RemoteError every job of it answers with.</summary>
    public byte[]? Failure { get; set; }

    /// <summary>Whether a compile was started.</summary>
    public bool IsCompiling { get; set; }
}
