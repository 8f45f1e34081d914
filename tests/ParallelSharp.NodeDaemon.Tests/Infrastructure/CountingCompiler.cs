using ParallelSharp.NodeDaemon.Compilation;

namespace ParallelSharp.NodeDaemon.Tests.Infrastructure;

/// <summary>Wraps the real compiler: counts compiles and, when gated, holds each compile until the test opens the gate.</summary>
internal sealed class CountingCompiler(IPackageCompiler inner, bool gated = false) : IPackageCompiler, IDisposable
{
    private readonly ManualResetEventSlim _gate = new(initialState: !gated);
    private int _compiles;

    public int Compiles => Volatile.Read(ref _compiles);

    /// <summary>Completes when the first compile has started (and, if gated, is waiting at the gate).</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.Set();

    public CompiledPackage Compile(JobPackage package, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _compiles);
        Entered.TrySetResult();
        if (!_gate.Wait(TestTimeouts.Compile, cancellationToken))
            throw new TimeoutException($"The test never opened the compile gate for package {package.Key[..16]}.");
        return inner.Compile(package, cancellationToken);
    }

    public TimeSpan WarmUp(CancellationToken cancellationToken) => inner.WarmUp(cancellationToken);

    public void Dispose() => _gate.Dispose();
}
