using Microsoft.Extensions.Logging;

namespace ParallelSharp.Discovery.Engine;

/// <summary>
/// Runs delayed actions of one engine on one <see cref="TimeProvider"/> timer, under the engine's lock, in due order.
/// </summary>
/// <remarks>
/// Everything an engine does happens under its lock, either from a received packet or from here, so engine state
/// needs no other synchronisation, and with a fake <see cref="TimeProvider"/> a test drives every step by advancing
/// the clock. <see cref="Schedule"/> must be called with the lock held.
/// </remarks>
internal sealed class MdnsScheduler : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _gate;
    private readonly ILogger _logger;
    private readonly string _component;
    private readonly Action _afterBatch;
    private readonly PriorityQueue<ScheduledAction, (DateTimeOffset Due, long Sequence)> _queue = new();
    private readonly ITimer _timer;
    private long _sequence;
    private DateTimeOffset? _armedFor;
    private bool _disposed;

    /// <param name="time">The clock.</param>
    /// <param name="gate">The engine's lock, held while actions run.</param>
    /// <param name="logger">Where failing actions are logged.</param>
    /// <param name="component">Name used in logs.</param>
    /// <param name="afterBatch">Called after a batch of actions, outside the lock (the engine raises its events there).</param>
    public MdnsScheduler(TimeProvider time, Lock gate, ILogger logger, string component, Action afterBatch)
    {
        _time = time;
        _gate = gate;
        _logger = logger;
        _component = component;
        _afterBatch = afterBatch;
        _timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The current time.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> (under the lock) unless cancelled first.</summary>
    public ScheduledAction Schedule(TimeSpan delay, Action action)
    {
        if (delay < TimeSpan.Zero)
            delay = TimeSpan.Zero;
        var item = new ScheduledAction(action);
        if (_disposed)
            return item;
        var due = Now + delay;
        _queue.Enqueue(item, (due, _sequence++));
        Arm();
        return item;
    }

    /// <summary>Stops the timer; pending actions never run.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _queue.Clear();
        }

        _timer.Dispose();
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            _armedFor = null;
            while (!_disposed && _queue.TryPeek(out var item, out var key) && key.Due <= Now)
            {
                _queue.Dequeue();
                if (item.IsCancelled)
                    continue;
                try
                {
                    item.Run();
                }
                catch (Exception ex)
                {
                    // One failing step must not stop the engine's clock; it is logged as an error.
                    Log.TimerActionFailed(_logger, ex, _component);
                }
            }

            Arm();
        }

        _afterBatch();
    }

    private void Arm()
    {
        if (_disposed)
            return;
        // Drop cancelled heads so the timer does not wake for nothing.
        while (_queue.TryPeek(out var head, out _) && head.IsCancelled)
            _queue.Dequeue();
        if (!_queue.TryPeek(out _, out var key))
            return;
        if (_armedFor is { } armed && armed <= key.Due)
            return;
        _armedFor = key.Due;
        var delay = key.Due - Now;
        _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }
}
