namespace ParallelSharp.Protocol.Tests;

/// <summary>Upper bounds for every wait in this suite; a test that hits one fails with a message naming the phase.</summary>
internal static class TestTimeouts
{
    /// <summary>One step of an in-memory exchange: a frame arrives, a handshake side finishes, a flush completes.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>The deadline given to a handshake whose peer goes silent: short, because the test waits for it to fire.</summary>
    public static readonly TimeSpan SilentPeerDeadline = TimeSpan.FromMilliseconds(200);
}
