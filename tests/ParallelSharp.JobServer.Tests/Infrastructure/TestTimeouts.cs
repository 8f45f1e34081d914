namespace ParallelSharp.JobServerTests.Infrastructure;

/// <summary>Upper bounds for every wait in this suite; a test that hits one fails with a message naming the phase.</summary>
internal static class TestTimeouts
{
    /// <summary>One step of an in-memory exchange: a frame arrives, a job completes, a handshake finishes.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(10);
}
