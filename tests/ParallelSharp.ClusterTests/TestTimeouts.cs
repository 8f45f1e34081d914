namespace ParallelSharp.ClusterTests;

/// <summary>Upper bounds for every wait in this suite: generous, because a failing test must end, not measure speed.</summary>
internal static class TestTimeouts
{
    /// <summary>One step of a scenario: a daemon starts, a node is declared lost, a round finishes.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(60);

    /// <summary>A whole lab client run (its own --timeout plus its bounded shutdown is shorter, so it reports before this ends).</summary>
    public static readonly TimeSpan ClientRun = TimeSpan.FromSeconds(200);

    /// <summary>The lab client's own bound on its run, in seconds.</summary>
    public const int ClientTimeoutSeconds = 120;

    /// <summary>A process exits after being killed or asked to stop.</summary>
    public static readonly TimeSpan ProcessExit = TimeSpan.FromSeconds(15);

    /// <summary>A lab command (netns-lab.sh up/down/cut/heal).</summary>
    public static readonly TimeSpan LabCommand = TimeSpan.FromSeconds(60);
}
