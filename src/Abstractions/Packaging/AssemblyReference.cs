namespace ParallelSharp;

/// <summary>
/// A non-framework assembly a job package needs, identified by content so that a node
/// caches it once and never receives the same bytes twice.
/// </summary>
/// <param name="Name">The simple assembly name, for example <c>Newtonsoft.Json</c>.</param>
/// <param name="Sha256">The lower-case hexadecimal SHA-256 of the assembly file.</param>
/// <param name="Length">The size of the assembly file in bytes.</param>
public sealed record AssemblyReference(string Name, string Sha256, long Length);
