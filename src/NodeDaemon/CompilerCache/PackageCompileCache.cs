using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ParallelSharp.NodeDaemon.AssemblyStore;
using ParallelSharp.NodeDaemon.Compilation;

namespace ParallelSharp.NodeDaemon.CompilerCache;

/// <summary>
/// The node's compile cache: compiled packages by key in memory (LRU, bounded by count) over a disk tier that
/// survives restarts, with one compile per key however many jobs ask at once.
/// </summary>
/// <remarks>
/// <para>A memory hit completes synchronously without allocating. A miss runs on the thread pool: the disk tier is
/// read first, then the package is compiled, with at most <see cref="CompilerCacheOptions.MaxConcurrentCompiles"/>
/// compiles at a time (each keeps a core busy and peaks at 115–200 MB). Concurrent requests for one key share that
/// work; a caller's cancellation stops only its own wait, never the shared compile.</para>
/// <para>Compilation errors are remembered (bounded), so a broken package used by 10,000 jobs compiles once and each
/// job gets its own <see cref="JobCompilationException"/>. Other failures (a missing referenced assembly, I/O,
/// cancellation) are not remembered: asking again may succeed.</para>
/// </remarks>
internal sealed class PackageCompileCache : IDisposable
{
    private readonly IPackageCompiler _compiler;
    private readonly DiskCompileCache? _disk;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly LruMap<string, CompiledPackage> _memory;
    private readonly LruMap<string, JobCompilationException> _failures;
    private readonly Dictionary<string, Task<CompiledPackage>> _inFlight = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _compileSlots;
    private readonly CancellationTokenSource _lifetime = new();
    // Cancelled when a real compile arrives: a job must not wait for the rest of a warm-up whose only purpose was to
    // make that job's compile fast. What the warm-up already jitted stays jitted.
    private readonly CancellationTokenSource _warmUpYield = new();
    private long _memoryHits;
    private long _diskHits;
    private long _compiles;
    private long _failureCount;
    private long _failureHits;
    private long _compileTicks;
    private bool _disposed;

    /// <summary>Creates the node's cache with its own <see cref="PackageCompiler"/> and the default bounds.</summary>
    /// <param name="directory">The disk tier's directory.</param>
    /// <param name="assemblies">Where packages' non-framework assemblies are found.</param>
    /// <param name="logger">Receives compile and cache events; none by default.</param>
    public PackageCompileCache(string directory, IAssemblyStore assemblies, ILogger? logger = null)
        : this(new PackageCompiler(assemblies, logger), new CompilerCacheOptions { Directory = directory }, logger)
    {
    }

    /// <summary>Creates the cache.</summary>
    /// <param name="compiler">Compiles what the cache does not hold.</param>
    /// <param name="options">Bounds and location; the defaults when <see langword="null"/>.</param>
    /// <param name="logger">Receives cache events; none by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound in <paramref name="options"/> is negative, or no compile may run.</exception>
    public PackageCompileCache(IPackageCompiler compiler, CompilerCacheOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(compiler);
        options ??= new CompilerCacheOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxMemoryEntries, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxFailureEntries, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentCompiles, 1, nameof(options));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));

        _compiler = compiler;
        _logger = logger ?? NullLogger.Instance;
        _memory = new LruMap<string, CompiledPackage>(options.MaxMemoryEntries, StringComparer.Ordinal);
        _failures = new LruMap<string, JobCompilationException>(options.MaxFailureEntries, StringComparer.Ordinal);
        _compileSlots = new SemaphoreSlim(options.MaxConcurrentCompiles, options.MaxConcurrentCompiles);
        if (options.UseDisk)
        {
            _disk = new DiskCompileCache(
                options.Directory ?? CompilerCacheOptions.DefaultDirectory, options.MaxDiskEntries, options.MaxDiskBytes, options.TimeProvider, _logger);
        }
    }

    /// <summary>The disk tier's directory; <see langword="null"/> without a disk tier.</summary>
    public string? DiskDirectory => _disk?.Directory;

    /// <summary>What the cache has done so far.</summary>
    public CompilerCacheStatistics Statistics
    {
        get
        {
            int memoryEntries, failureEntries;
            lock (_lock)
            {
                memoryEntries = _memory.Count;
                failureEntries = _failures.Count;
            }

            return new CompilerCacheStatistics(
                Interlocked.Read(ref _memoryHits),
                Interlocked.Read(ref _diskHits),
                Interlocked.Read(ref _compiles),
                Interlocked.Read(ref _failureCount),
                Interlocked.Read(ref _failureHits),
                TimeSpan.FromTicks(Interlocked.Read(ref _compileTicks)),
                memoryEntries,
                failureEntries,
                _disk?.Count ?? 0);
        }
    }

    /// <summary>Returns the compiled package for <paramref name="package"/>: from memory, from disk, or compiled now.</summary>
    /// <remarks>A memory hit completes synchronously; its <see cref="CompiledPackage.CompileTime"/> is zero.</remarks>
    /// <exception cref="JobCompilationException">The package does not compile (remembered: later calls fail at once).</exception>
    /// <exception cref="FileNotFoundException">The package references an assembly the node's store does not hold yet.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public ValueTask<CompiledPackage> GetOrCompileAsync(JobPackage package, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var key = package.Key;
        Task<CompiledPackage>? shared;
        lock (_lock)
        {
            if (_memory.TryGet(key, out var cached))
            {
                Interlocked.Increment(ref _memoryHits);
                return ValueTask.FromResult(cached); // cache hit: no state machine, no allocation
            }

            if (_failures.TryGet(key, out var failure))
            {
                Interlocked.Increment(ref _failureHits);
                return ValueTask.FromException<CompiledPackage>(Errors.CachedFailure(failure));
            }

            if (!_inFlight.TryGetValue(key, out shared))
            {
                // Off the caller's thread: disk I/O and compiling are blocking and CPU-bound. The entry is added
                // under the lock before the work can finish and remove it (its removal takes the same lock).
                shared = StartLoadOrCompile(package);
                _inFlight.Add(key, shared);
            }
        }

        return WaitAsync(shared, cancellationToken);
    }

    /// <summary>
    /// Warms the compiler (see <see cref="IPackageCompiler.WarmUp"/>). Blocking and CPU-bound: run it in the background
    /// at node start. It takes a compile slot, so a real compile that arrives meanwhile queues behind it instead of
    /// competing for the same cores (and then runs warm).
    /// </summary>
    /// <returns>How long the warm-up took.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public TimeSpan WarmUp(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _warmUpYield.Token);
        var started = Stopwatch.GetTimestamp();
        try
        {
            _compileSlots.Wait(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Yielded(started); // a real compile came first: it warms the compiler itself
        }

        try
        {
            return _compiler.WarmUp(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Yielded(started);
        }
        finally
        {
            _compileSlots.Release();
        }
    }

    // Logged so that whoever waits for the warm-up (the bench, an operator) also learns that it ended this way.
    private TimeSpan Yielded(long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        Log.CompilerWarmUpYielded(_logger, elapsed.TotalMilliseconds);
        return elapsed;
    }

    /// <summary>Stops compiles in progress; waiting callers get <see cref="OperationCanceledException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        // The token source is canceled but not disposed: background compiles may still be reading its token.
        _lifetime.Cancel();
    }

    private static async ValueTask<CompiledPackage> WaitAsync(Task<CompiledPackage> shared, CancellationToken cancellationToken)
    {
        try
        {
            return await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (JobCompilationException e)
        {
            // Each caller gets its own exception object: rethrowing one shared object from many threads races on its stack trace.
            throw Errors.CachedFailure(e);
        }
    }

    // A method of its own: a lambda capturing 'package' in GetOrCompileAsync would allocate its closure on every
    // call, hits included, because C# creates the closure where the captured parameter's scope begins.
    private Task<CompiledPackage> StartLoadOrCompile(JobPackage package) =>
        Task.Run(() => LoadOrCompileAsync(package, _lifetime.Token));

    private async Task<CompiledPackage> LoadOrCompileAsync(JobPackage package, CancellationToken cancellationToken)
    {
        var key = package.Key;
        CompiledPackage? compiled = null;
        JobCompilationException? failure = null;
        try
        {
            if (_disk is not null && _disk.TryRead(key, out var fromDisk))
            {
                Interlocked.Increment(ref _diskHits);
                Log.CompiledPackageLoadedFromDisk(_logger, key);
                compiled = fromDisk;
                return fromDisk;
            }

            if (!_warmUpYield.IsCancellationRequested)
                await _warmUpYield.CancelAsync().ConfigureAwait(false);
            await _compileSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _compiles);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    compiled = _compiler.Compile(package, cancellationToken);
                }
                catch (JobCompilationException e)
                {
                    Interlocked.Increment(ref _failureCount);
                    failure = e;
                    throw;
                }
                finally
                {
                    Interlocked.Add(ref _compileTicks, Stopwatch.GetElapsedTime(started).Ticks);
                }
            }
            finally
            {
                _compileSlots.Release();
            }

            WriteToDisk(compiled);
            return compiled;
        }
        finally
        {
            lock (_lock)
            {
                // Publish before removing the in-flight entry, so no request sees neither and compiles again.
                if (compiled is not null)
                    _memory.Set(key, compiled.CompileTime == TimeSpan.Zero ? compiled : compiled with { CompileTime = TimeSpan.Zero });
                else if (failure is not null)
                    _failures.Set(key, failure);
                _inFlight.Remove(key);
            }
        }
    }

    private void WriteToDisk(CompiledPackage compiled)
    {
        if (_disk is null)
            return;
        try
        {
            _disk.Write(compiled);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The disk tier is an optimization: the package is compiled and served from memory regardless.
            Log.CompiledPackageWriteFailed(_logger, compiled.Key, e);
        }
    }
}
