namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>A job package compiled to an assembly image a worker can load into a collectible context.</summary>
/// <param name="Key">The package key (<see cref="JobPackage.Key"/>).</param>
/// <param name="Image">The assembly: IL with an embedded portable PDB, so remote stack traces name lines of the submitted source.</param>
/// <param name="EntrySignature">The entry point as C#, for example <c>long Primes.SumPrimes(int n)</c>.</param>
/// <param name="ParameterCount">How many arguments each job passes.</param>
/// <param name="References">The non-framework assemblies the image needs next to it (from the node's assembly store).</param>
/// <param name="CompileTime">How long the compile took; zero when the package came from a cache.</param>
internal sealed record CompiledPackage(
    string Key,
    byte[] Image,
    string EntrySignature,
    int ParameterCount,
    IReadOnlyList<AssemblyReference> References,
    TimeSpan CompileTime);
