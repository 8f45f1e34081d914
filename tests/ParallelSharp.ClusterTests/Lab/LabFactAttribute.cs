namespace ParallelSharp.ClusterTests.Lab;

/// <summary>A fact that is skipped, with the reason, where the lab cannot run (not Linux, not root, no <c>ip netns</c>, no netns-lab.sh).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (LabEnvironment.SkipReason is { } reason)
            Skip = reason;
    }
}

/// <summary>A theory that is skipped, with the reason, where the lab cannot run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabTheoryAttribute : TheoryAttribute
{
    public LabTheoryAttribute()
    {
        if (LabEnvironment.SkipReason is { } reason)
            Skip = reason;
    }
}
