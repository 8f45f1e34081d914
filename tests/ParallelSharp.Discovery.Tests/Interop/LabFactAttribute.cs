namespace ParallelSharp.Discovery.Tests.Interop;

/// <summary>A fact that is skipped, with the reason, where the lab cannot run (not root, tools missing).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (LabEnvironment.SkipReason is { } reason)
            Skip = reason;
    }
}
