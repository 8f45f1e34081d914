namespace ParallelSharp.Discovery.Tests;

/// <summary>Upper bounds for every wait in this suite; a test that hits one fails with a message naming the phase.</summary>
internal static class TestTimeouts
{
    /// <summary>An event on real sockets over loopback (probe + announce take about 1 s).</summary>
    public static readonly TimeSpan Loopback = TimeSpan.FromSeconds(15);

    /// <summary>A step of an interop test in the lab (a child process starts, probes, resolves).</summary>
    public static readonly TimeSpan Interop = TimeSpan.FromSeconds(30);

    /// <summary>A child process exits after being asked to stop.</summary>
    public static readonly TimeSpan ProcessExit = TimeSpan.FromSeconds(15);

    /// <summary>A lab command (netns-lab.sh up/down).</summary>
    public static readonly TimeSpan LabCommand = TimeSpan.FromSeconds(60);
}
