namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>Compiles job packages to loadable assembly images.</summary>
/// <remarks>The compiler is CPU-bound and synchronous: callers (the compile cache) run it off their own thread.</remarks>
internal interface IPackageCompiler
{
    /// <summary>Compiles <paramref name="package"/> and generates its <c>ParallelSharp.Generated.JobEntryPoint</c>.</summary>
    /// <exception cref="JobCompilationException">The source does not compile or its entry point is not callable as a job.</exception>
    /// <exception cref="FileNotFoundException">The package references an assembly the node's store does not hold.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    CompiledPackage Compile(JobPackage package, CancellationToken cancellationToken);

    /// <summary>Compiles throw-away packages shaped like real jobs so the next real compile is fast.</summary>
    /// <returns>How long the warm-up took.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    TimeSpan WarmUp(CancellationToken cancellationToken);
}
