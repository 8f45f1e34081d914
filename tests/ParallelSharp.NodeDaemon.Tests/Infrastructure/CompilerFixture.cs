using ParallelSharp.NodeDaemon.Compilation;

namespace ParallelSharp.NodeDaemon.Tests.Infrastructure;

/// <summary>
/// One warmed-up compiler for all tests that compile: Roslyn's first compile in a process takes about a second,
/// later ones milliseconds. Its assembly store lives in a temporary directory.
/// </summary>
public sealed class CompilerFixture : IDisposable
{
    private readonly TempDirectory _storeDirectory = new();

    public CompilerFixture()
    {
        Store = new NodeDaemon.AssemblyStore.NodeAssemblyStore(_storeDirectory.Path);
        Compiler = new PackageCompiler(Store);
        WarmUpTime = Compiler.WarmUp(CancellationToken.None);
    }

    internal NodeDaemon.AssemblyStore.NodeAssemblyStore Store { get; }

    internal PackageCompiler Compiler { get; }

    internal TimeSpan WarmUpTime { get; }

    public void Dispose() => _storeDirectory.Dispose();
}

[CollectionDefinition(Name)]
public sealed class CompilerCollection : ICollectionFixture<CompilerFixture>
{
    public const string Name = "Compiler";
}
