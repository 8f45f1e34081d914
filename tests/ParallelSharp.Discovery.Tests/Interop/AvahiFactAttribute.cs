namespace ParallelSharp.Discovery.Tests.Interop;

/// <summary>A fact that is skipped, with the reason, where the lab or Avahi is not available.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AvahiFactAttribute : FactAttribute
{
    public AvahiFactAttribute()
    {
        if (LabEnvironment.AvahiSkipReason is { } reason)
            Skip = reason;
    }
}
