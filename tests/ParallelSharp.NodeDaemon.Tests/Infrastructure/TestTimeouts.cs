namespace ParallelSharp.NodeDaemon.Tests.Infrastructure;

/// <summary>Bounds for every wait in these tests: generous, so a slow machine is not a failure, but never infinite.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Compile = TimeSpan.FromSeconds(60);
}
