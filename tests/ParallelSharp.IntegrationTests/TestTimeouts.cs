namespace ParallelSharp.IntegrationTests;

/// <summary>Upper bounds for waits in tests: generous, because a failing test must end, not measure speed.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Job = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan Many = TimeSpan.FromSeconds(120);

    public static readonly TimeSpan ProcessExit = TimeSpan.FromSeconds(15);
}
