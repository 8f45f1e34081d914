namespace ParallelSharp.NodeDaemon.CompilerCache;

/// <summary>What the compile cache has done since it was created.</summary>
/// <param name="MemoryHits">Requests answered from memory.</param>
/// <param name="DiskHits">Requests answered from the disk tier (then kept in memory).</param>
/// <param name="Compiles">Compiles run (successful or not).</param>
/// <param name="Failures">Compiles that failed with a compilation error.</param>
/// <param name="FailureHits">Requests answered with a remembered compilation error, without compiling.</param>
/// <param name="TotalCompileTime">Time spent compiling.</param>
/// <param name="MemoryEntries">Compiled packages in memory now.</param>
/// <param name="FailureEntries">Compilation errors remembered now.</param>
/// <param name="DiskEntries">Compiled packages on disk now (as this node last counted them).</param>
internal sealed record CompilerCacheStatistics(
    long MemoryHits,
    long DiskHits,
    long Compiles,
    long Failures,
    long FailureHits,
    TimeSpan TotalCompileTime,
    int MemoryEntries,
    int FailureEntries,
    int DiskEntries);
