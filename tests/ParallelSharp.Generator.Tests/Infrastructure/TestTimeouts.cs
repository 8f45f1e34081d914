namespace ParallelSharp.Generator.Tests.Infrastructure;

/// <summary>Bounds for every wait in these tests: generous, so a slow machine is not a failure, but never infinite.</summary>
internal static class TestTimeouts
{
    /// <summary>Starting the local node and its workers.</summary>
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(60);

    /// <summary>One job, including its package's first compile on the node.</summary>
    public static readonly TimeSpan Job = TimeSpan.FromSeconds(60);

    /// <summary>A dotnet build of a consuming project.</summary>
    public static readonly TimeSpan Build = TimeSpan.FromMinutes(4);
}
