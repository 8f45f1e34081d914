namespace ParallelSharp.NodeDaemon.CompilerCache;

/// <summary>Bounds and location of the node's compile cache.</summary>
internal sealed class CompilerCacheOptions
{
    /// <summary>The directory of the disk tier; <see langword="null"/> for <see cref="DefaultDirectory"/>.</summary>
    public string? Directory { get; init; }

    /// <summary>Whether compiled packages are kept on disk across node restarts. Default <see langword="true"/>.</summary>
    public bool UseDisk { get; init; } = true;

    /// <summary>How many compiled packages stay in memory (least recently used go first). Default 256.</summary>
    public int MaxMemoryEntries { get; init; } = 256;

    /// <summary>How many compile failures are remembered, so a broken package is not recompiled for each of its jobs. Default 256.</summary>
    public int MaxFailureEntries { get; init; } = 256;

    /// <summary>How many compiled packages the disk tier keeps. Default 4096.</summary>
    public int MaxDiskEntries { get; init; } = 4096;

    /// <summary>How many bytes the disk tier may use. Default 1 GiB.</summary>
    public long MaxDiskBytes { get; init; } = 1L << 30;

    /// <summary>
    /// How many compiles may run at once. Each peaks at 115–200 MB and keeps a core busy, so the default is
    /// half the cores, between 1 and 2.
    /// </summary>
    public int MaxConcurrentCompiles { get; init; } = Math.Clamp(Environment.ProcessorCount / 2, 1, 2);

    /// <summary>The clock that stamps disk entries' last use (for eviction). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The default disk directory: <c>ParallelSharp/compiled</c> under the user's local application data (or the temp directory).</summary>
    public static string DefaultDirectory { get; } = Path.Combine(DefaultRoot(), "ParallelSharp", "compiled");

    private static string DefaultRoot()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(root) ? Path.GetTempPath() : root;
    }
}
