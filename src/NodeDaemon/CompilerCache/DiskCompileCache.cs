using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using ParallelSharp.NodeDaemon.AssemblyStore;
using ParallelSharp.NodeDaemon.Compilation;

namespace ParallelSharp.NodeDaemon.CompilerCache;

/// <summary>
/// The disk tier of the compile cache: one file per package key, written atomically, validated on every read,
/// bounded by count and bytes with the least recently used files evicted first.
/// </summary>
/// <remarks>
/// A file's last-write time records its last use. Several node processes may share the directory: writes never
/// overwrite, a reader that loses a race with an eviction simply misses, and the counts are re-taken from the
/// directory whenever an eviction runs. Reads and writes are synchronous file I/O: callers run them off hot threads.
/// </remarks>
internal sealed class DiskCompileCache
{
    // A temporary file older than this belongs to a writer that died.
    private static readonly TimeSpan s_staleTemporary = TimeSpan.FromHours(1);

    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private bool _counted;
    private int _count;
    private long _bytes;

    /// <summary>Creates the tier over <paramref name="directory"/> (created on first write).</summary>
    public DiskCompileCache(string directory, int maxEntries, long maxBytes, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(maxEntries);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        Directory = Path.GetFullPath(directory);
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The directory holding the files.</summary>
    public string Directory { get; }

    /// <summary>How many compiled packages are on disk (as last counted).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                EnsureCountedLocked();
                return _count;
            }
        }
    }

    /// <summary>The file of package <paramref name="key"/>.</summary>
    public string PathFor(string key) => Path.Combine(Directory, key + CompiledPackageFile.Extension);

    /// <summary>Reads package <paramref name="key"/>; an unreadable file is deleted and reported as a miss.</summary>
    public bool TryRead(string key, [NotNullWhen(true)] out CompiledPackage? package)
    {
        package = null;
        var path = PathFor(key);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Locked or unreadable right now (another process writing or evicting): a miss, not a corruption.
            Log.CompiledPackageFileCorrupt(_logger, key, path, $"it could not be read ({e.Message})");
            return false;
        }

        if (!CompiledPackageFile.TryParse(content, key, out package, out var problem))
        {
            Log.CompiledPackageFileCorrupt(_logger, key, path, problem);
            if (AtomicFile.TryDelete(path))
            {
                lock (_lock)
                {
                    if (_counted)
                    {
                        _count--;
                        _bytes -= content.Length;
                    }
                }
            }

            return false;
        }

        Touch(path);
        return true;
    }

    /// <summary>Writes <paramref name="package"/> unless another writer already did, then evicts beyond the bounds.</summary>
    /// <exception cref="IOException">The directory cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory cannot be written.</exception>
    public void Write(CompiledPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var content = CompiledPackageFile.Serialize(package);
        var path = PathFor(package.Key);
        if (!AtomicFile.TryCreate(path, content, durable: false))
            return;
        Touch(path);

        lock (_lock)
        {
            if (_counted)
            {
                _count++;
                _bytes += content.Length;
            }
            else
            {
                CountLocked();
            }

            if (_count > _maxEntries || _bytes > _maxBytes)
                EvictLocked(keep: path);
        }
    }

    private void Touch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, _timeProvider.GetUtcNow().UtcDateTime);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Evicted or locked by another process meanwhile: its recency does not matter any more.
        }
    }

    private void EnsureCountedLocked()
    {
        if (!_counted)
            CountLocked();
    }

    private void CountLocked()
    {
        var entries = ListEntries();
        _count = entries.Count;
        _bytes = entries.Sum(f => f.Length);
        _counted = true;
    }

    private void EvictLocked(string keep)
    {
        // Evict a tenth below the bounds, so that a full cache does not rescan the directory on every write.
        var targetCount = _maxEntries - (_maxEntries / 10);
        var targetBytes = _maxBytes - (_maxBytes / 10);
        var entries = ListEntries();
        entries.Sort((a, b) => a.LastWriteTimeUtc != b.LastWriteTimeUtc
            ? a.LastWriteTimeUtc.CompareTo(b.LastWriteTimeUtc)
            : string.CompareOrdinal(a.Name, b.Name));

        var count = entries.Count;
        var bytes = entries.Sum(f => f.Length);
        var evicted = 0;
        var evictedBytes = 0L;
        foreach (var file in entries)
        {
            if (count <= targetCount && bytes <= targetBytes)
                break;
            if (string.Equals(file.FullName, keep, StringComparison.Ordinal))
                continue;
            if (AtomicFile.TryDelete(file.FullName))
            {
                evicted++;
                evictedBytes += file.Length;
            }
            else if (File.Exists(file.FullName))
            {
                continue; // In use elsewhere: it stays and still counts.
            }

            count--;
            bytes -= file.Length;
        }

        _count = count;
        _bytes = bytes;
        if (evicted > 0)
            Log.CompileCacheDiskEvicted(_logger, evicted, evictedBytes, Directory);
    }

    private List<FileInfo> ListEntries()
    {
        var entries = new List<FileInfo>();
        try
        {
            var directory = new DirectoryInfo(Directory);
            if (!directory.Exists)
                return entries;

            // Temporary files carry the file system's own clock, not the injected one.
            var staleBefore = DateTime.UtcNow - s_staleTemporary;
            foreach (var file in directory.EnumerateFiles())
            {
                if (file.Name.EndsWith(CompiledPackageFile.Extension, StringComparison.Ordinal))
                    entries.Add(file);
                else if (file.Name.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal) && file.LastWriteTimeUtc < staleBefore)
                    AtomicFile.TryDelete(file.FullName);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CompileCacheDiskScanFailed(_logger, Directory, e);
        }

        return entries;
    }
}
