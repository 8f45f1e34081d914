namespace ParallelSharp.Discovery.Engine;

/// <summary>A handle to an action queued on an <see cref="MdnsScheduler"/>.</summary>
internal sealed class ScheduledAction(Action action)
{
    /// <summary>True once <see cref="Cancel"/> was called.</summary>
    public bool IsCancelled { get; private set; }

    /// <summary>Keeps the action from running (call under the engine's lock).</summary>
    public void Cancel() => IsCancelled = true;

    internal void Run() => action();
}
