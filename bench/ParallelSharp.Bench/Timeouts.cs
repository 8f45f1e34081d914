namespace ParallelSharp.Bench;

/// <summary>Upper bounds of every wait, so that a regression shows as a failure rather than a hang.</summary>
internal static class Timeouts
{
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan Job = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan Batch = TimeSpan.FromMinutes(3);

    public static readonly TimeSpan Child = TimeSpan.FromMinutes(4);
}
