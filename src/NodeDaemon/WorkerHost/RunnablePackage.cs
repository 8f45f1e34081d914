namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>A compiled package as workers load it: the image and the local files of the assemblies it references.</summary>
/// <param name="Key">The package key.</param>
/// <param name="Image">The compiled assembly.</param>
/// <param name="ReferencePaths">Files of its non-framework references in the node's assembly store.</param>
internal sealed record RunnablePackage(string Key, byte[] Image, IReadOnlyList<string> ReferencePaths);
