using System.Security.Cryptography;
using ParallelSharp.NodeDaemon.Compilation;
using ParallelSharp.NodeDaemon.CompilerCache;
using ParallelSharp.NodeDaemon.Tests.Infrastructure;

namespace ParallelSharp.NodeDaemon.Tests.CompilerCache;

[Collection(CompilerCollection.Name)]
public sealed class PackageCompileCacheTests(CompilerFixture fixture) : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static JobPackage Job(int variant) =>
        Packages.Method($"public static class Job{variant} {{ public static int Run(int x) => x + {variant}; }}", $"Job{variant}", "Run");

    private static JobPackage Broken() =>
        Packages.Method("public static class Broken { public static int Run(int x) => x + missing; }", "Broken", "Run");

    private CompilerCacheOptions Options(int maxMemory = 256, int maxDisk = 4096, long maxBytes = 1L << 30, TimeProvider? time = null, bool useDisk = true) => new()
    {
        Directory = _directory.Path,
        UseDisk = useDisk,
        MaxMemoryEntries = maxMemory,
        MaxDiskEntries = maxDisk,
        MaxDiskBytes = maxBytes,
        TimeProvider = time ?? TimeProvider.System,
    };

    private string[] DiskFiles() =>
        Directory.GetFiles(_directory.Path, "*" + CompiledPackageFile.Extension).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public async Task GetOrCompile_SecondRequest_HitsMemorySynchronouslyWithoutCompiling()
    {
        using var compiler = new CountingCompiler(fixture.Compiler);
        using var cache = new PackageCompileCache(compiler, Options());

        var first = await cache.GetOrCompileAsync(Job(1), CancellationToken.None);
        var second = cache.GetOrCompileAsync(Job(1), CancellationToken.None);

        Assert.True(second.IsCompletedSuccessfully);
        var hit = await second;
        Assert.Same(first.Image, hit.Image);
        Assert.Equal(TimeSpan.Zero, hit.CompileTime);
        Assert.True(first.CompileTime > TimeSpan.Zero);
        Assert.Equal(1, compiler.Compiles);
        var stats = cache.Statistics;
        Assert.Equal((1L, 1L, 0L, 1), (stats.Compiles, stats.MemoryHits, stats.DiskHits, stats.MemoryEntries));
        Assert.True(stats.TotalCompileTime > TimeSpan.Zero);
        Assert.Equal("2", JobRunner.Run(hit, "[1]"));
    }

    [Fact]
    public async Task GetOrCompile_MemoryHit_AllocatesNothing()
    {
        using var cache = new PackageCompileCache(fixture.Compiler, Options(useDisk: false));
        var package = Job(4);
        await cache.GetOrCompileAsync(package, CancellationToken.None);
        for (var i = 0; i < 100; i++)
            _ = cache.GetOrCompileAsync(package, CancellationToken.None);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
            _ = cache.GetOrCompileAsync(package, CancellationToken.None);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task GetOrCompile_NewCacheOnSameDirectory_LoadsFromDiskWithoutCompiling()
    {
        using (var writer = new PackageCompileCache(fixture.Compiler, Options()))
            await writer.GetOrCompileAsync(Job(2), CancellationToken.None);

        using var compiler = new CountingCompiler(fixture.Compiler);
        using var reader = new PackageCompileCache(compiler, Options());
        var loaded = await reader.GetOrCompileAsync(Job(2), CancellationToken.None);

        Assert.Equal(0, compiler.Compiles);
        Assert.Equal((1L, 0L), (reader.Statistics.DiskHits, reader.Statistics.Compiles));
        Assert.Equal(TimeSpan.Zero, loaded.CompileTime);
        Assert.Equal("int Job2.Run(int x)", loaded.EntrySignature);
        Assert.Equal("5", JobRunner.Run(loaded, "[3]"));

        // And from then on it is in memory.
        Assert.True(reader.GetOrCompileAsync(Job(2), CancellationToken.None).IsCompletedSuccessfully);
        Assert.Equal(1L, reader.Statistics.MemoryHits);
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("empty")]
    [InlineData("garbage")]
    public async Task GetOrCompile_CorruptDiskFile_DeletesItAndRecompiles(string damage)
    {
        using (var writer = new PackageCompileCache(fixture.Compiler, Options()))
            await writer.GetOrCompileAsync(Job(3), CancellationToken.None);
        var path = Path.Combine(_directory.Path, Job(3).Key + CompiledPackageFile.Extension);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, damage switch
        {
            "truncate" => bytes[..(bytes.Length / 2)],
            // A flipped bit in the middle of the image: the file's structure stays intact, only its checksum can tell.
            "flip" => [.. bytes[..(bytes.Length / 2)], (byte)(bytes[bytes.Length / 2] ^ 0x40), .. bytes[(bytes.Length / 2 + 1)..]],
            "empty" => [],
            _ => "not a compiled package at all, just some text that is long enough to parse"u8.ToArray(),
        });

        using var compiler = new CountingCompiler(fixture.Compiler);
        using var cache = new PackageCompileCache(compiler, Options());
        var recovered = await cache.GetOrCompileAsync(Job(3), CancellationToken.None);

        Assert.Equal(1, compiler.Compiles);
        Assert.Equal(0L, cache.Statistics.DiskHits);
        Assert.Equal("6", JobRunner.Run(recovered, "[3]"));
        Assert.Equal(bytes, File.ReadAllBytes(path)); // rewritten, whole again
    }

    [Fact]
    public async Task GetOrCompile_BeyondMemoryBound_EvictsLeastRecentlyUsed()
    {
        using var compiler = new CountingCompiler(fixture.Compiler);
        using var cache = new PackageCompileCache(compiler, Options(maxMemory: 2, useDisk: false));

        await cache.GetOrCompileAsync(Job(10), CancellationToken.None);
        await cache.GetOrCompileAsync(Job(11), CancellationToken.None);
        await cache.GetOrCompileAsync(Job(10), CancellationToken.None); // 10 is now the most recent
        await cache.GetOrCompileAsync(Job(12), CancellationToken.None); // evicts 11

        Assert.True(cache.GetOrCompileAsync(Job(10), CancellationToken.None).IsCompletedSuccessfully);
        Assert.True(cache.GetOrCompileAsync(Job(12), CancellationToken.None).IsCompletedSuccessfully);
        Assert.False(cache.GetOrCompileAsync(Job(11), CancellationToken.None).IsCompleted && compiler.Compiles == 3);
        await cache.GetOrCompileAsync(Job(11), CancellationToken.None);
        Assert.Equal(4, compiler.Compiles);
        Assert.Equal(2, cache.Statistics.MemoryEntries);
        Assert.Null(cache.DiskDirectory);
    }

    [Fact]
    public async Task GetOrCompile_BeyondDiskCount_EvictsLeastRecentlyUsedFile()
    {
        var time = new ManualTimeProvider();
        using (var cache = new PackageCompileCache(fixture.Compiler, Options(maxDisk: 2, time: time)))
        {
            await cache.GetOrCompileAsync(Job(20), CancellationToken.None);
            time.Advance(TimeSpan.FromMinutes(1));
            await cache.GetOrCompileAsync(Job(21), CancellationToken.None);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        using (var reader = new PackageCompileCache(fixture.Compiler, Options(maxDisk: 2, time: time)))
            await reader.GetOrCompileAsync(Job(20), CancellationToken.None); // a disk hit makes 20 the most recent

        time.Advance(TimeSpan.FromMinutes(1));
        using var last = new PackageCompileCache(fixture.Compiler, Options(maxDisk: 2, time: time));
        await last.GetOrCompileAsync(Job(22), CancellationToken.None);

        Assert.Equal(
            new[] { Job(20).Key, Job(22).Key }.Select(k => k + CompiledPackageFile.Extension).Order(StringComparer.Ordinal),
            DiskFiles());
        Assert.Equal(2, last.Statistics.DiskEntries);
    }

    [Fact]
    public async Task GetOrCompile_BeyondDiskBytes_EvictsOldestFiles()
    {
        var time = new ManualTimeProvider();
        using (var probe = new PackageCompileCache(fixture.Compiler, Options(time: time)))
            await probe.GetOrCompileAsync(Job(30), CancellationToken.None);
        var oneFile = new FileInfo(Path.Combine(_directory.Path, Job(30).Key + CompiledPackageFile.Extension)).Length;

        using var cache = new PackageCompileCache(fixture.Compiler, Options(maxBytes: oneFile * 5 / 2, time: time));
        for (var i = 31; i <= 33; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await cache.GetOrCompileAsync(Job(i), CancellationToken.None);
        }

        var files = DiskFiles();
        Assert.Equal(2, files.Length);
        Assert.Contains(Job(33).Key + CompiledPackageFile.Extension, files);
        Assert.Contains(Job(32).Key + CompiledPackageFile.Extension, files);
    }

    [Fact]
    public async Task GetOrCompile_ConcurrentRequestsForOneKey_CompileOnce()
    {
        using var compiler = new CountingCompiler(fixture.Compiler, gated: true);
        using var cache = new PackageCompileCache(compiler, Options());

        // The compile cannot finish before the gate opens, so every request joins the one in flight.
        var requests = Enumerable.Range(0, 16)
            .Select(_ => Task.Factory.StartNew(
                () => cache.GetOrCompileAsync(Job(40), CancellationToken.None).AsTask(),
                CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default))
            .ToArray();
        await compiler.Entered.Task.WaitAsync(TestTimeouts.Compile);
        var pending = await Task.WhenAll(requests.Select(r => r.WaitAsync(TestTimeouts.Compile)));
        compiler.Open();
        var results = await Task.WhenAll(pending.Select(r => r.WaitAsync(TestTimeouts.Compile)));

        Assert.Equal(1, compiler.Compiles);
        Assert.All(results, r => Assert.Same(results[0].Image, r.Image));
        Assert.Equal(1L, cache.Statistics.Compiles);
    }

    [Fact]
    public async Task GetOrCompile_CallerCancels_SharedCompileStillCompletesForOthers()
    {
        using var compiler = new CountingCompiler(fixture.Compiler, gated: true);
        using var cache = new PackageCompileCache(compiler, Options());
        using var impatient = new CancellationTokenSource();

        var canceled = cache.GetOrCompileAsync(Job(41), impatient.Token).AsTask();
        var patient = cache.GetOrCompileAsync(Job(41), CancellationToken.None).AsTask();
        await compiler.Entered.Task.WaitAsync(TestTimeouts.Compile);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled.WaitAsync(TestTimeouts.Compile));
        compiler.Open();

        var result = await patient.WaitAsync(TestTimeouts.Compile);
        Assert.Equal("42", JobRunner.Run(result, "[1]"));
        Assert.Equal(1, compiler.Compiles);
    }

    [Fact]
    public async Task GetOrCompile_BrokenPackage_FailureIsRememberedAndNotRecompiled()
    {
        using var compiler = new CountingCompiler(fixture.Compiler);
        using var cache = new PackageCompileCache(compiler, Options());

        var first = await Assert.ThrowsAsync<JobCompilationException>(() => cache.GetOrCompileAsync(Broken(), CancellationToken.None).AsTask());
        var second = await Assert.ThrowsAsync<JobCompilationException>(() => cache.GetOrCompileAsync(Broken(), CancellationToken.None).AsTask());

        Assert.Equal(1, compiler.Compiles);
        Assert.NotSame(first, second);
        Assert.Equal(first.Message, second.Message);
        Assert.Equal(first.Diagnostics, second.Diagnostics);
        Assert.Equal("CS0103", second.Diagnostics[0].Id);
        var stats = cache.Statistics;
        Assert.Equal((1L, 1L, 1L, 1), (stats.Compiles, stats.Failures, stats.FailureHits, stats.FailureEntries));
        Assert.Empty(DiskFiles());
    }

    [Fact]
    public async Task GetOrCompile_MissingReference_IsNotRememberedSoUploadThenCompileWorks()
    {
        using var storeDirectory = new TempDirectory();
        var store = new NodeDaemon.AssemblyStore.NodeAssemblyStore(storeDirectory.Path);
        var compiler = new PackageCompiler(store);
        var libraryPackage = Packages.Method("namespace Lib2; public static class L { public static int Four() => 4; }", "Lib2.L", "Four");
        var library = fixture.Compiler.Compile(libraryPackage, CancellationToken.None);
        var reference = new AssemblyReference(
            PackageCompiler.AssemblyNameFor(libraryPackage),
            Convert.ToHexStringLower(SHA256.HashData(library.Image)),
            library.Image.Length);
        var package = Packages.Method("public static class U { public static int Run() => Lib2.L.Four(); }", "U", "Run", [reference]);
        using var cache = new PackageCompileCache(compiler, Options());

        await Assert.ThrowsAsync<FileNotFoundException>(() => cache.GetOrCompileAsync(package, CancellationToken.None).AsTask());
        var path = store.Put(reference, library.Image);
        var compiled = await cache.GetOrCompileAsync(package, CancellationToken.None);

        Assert.Equal("4", JobRunner.Run(compiled, "[]", new Dictionary<string, string> { [reference.Name] = path }));
        Assert.Equal(0, cache.Statistics.FailureEntries);
    }

    [Fact]
    public async Task GetOrCompile_AfterDispose_Throws()
    {
        var cache = new PackageCompileCache(fixture.Compiler, Options());
        cache.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => cache.GetOrCompileAsync(Job(50), CancellationToken.None).AsTask());
    }

    [Fact]
    public void WarmUp_ThroughCache_ReturnsElapsedTime()
    {
        using var cache = new PackageCompileCache(fixture.Compiler, Options(useDisk: false));

        Assert.True(cache.WarmUp(CancellationToken.None) > TimeSpan.Zero);
    }

    [Fact]
    public void Constructor_WithDirectoryAndStore_UsesThatDirectory()
    {
        using var cache = new PackageCompileCache(_directory.Path, fixture.Store);

        Assert.Equal(Path.GetFullPath(_directory.Path), cache.DiskDirectory);
    }
}
