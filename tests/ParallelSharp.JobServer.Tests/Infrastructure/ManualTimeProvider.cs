namespace ParallelSharp.JobServerTests.Infrastructure;

/// <summary>
/// A clock that moves only when the test calls <see cref="Advance"/>. Timers that fall due on the way fire on the
/// calling thread, in due order, each at its own due time, so whatever a timer does (a heartbeat check, a deadline)
/// has happened when <see cref="Advance"/> returns.
/// </summary>
/// <remarks>
/// Microsoft.Extensions.TimeProvider.Testing is not in the package registry this project restores from, so the
/// suite keeps this small equivalent.
/// </remarks>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _ticks = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
            return new DateTimeOffset(_ticks, TimeSpan.Zero);
    }

    public override long GetTimestamp()
    {
        lock (_gate)
            return _ticks;
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        long target;
        lock (_gate)
            target = _ticks + delta.Ticks;
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = null;
                foreach (var timer in _timers)
                {
                    if (timer.DueTicks <= target && (next is null || timer.DueTicks < next.DueTicks))
                        next = timer;
                }

                if (next is null)
                {
                    _ticks = target;
                    return;
                }

                _ticks = Math.Max(_ticks, next.DueTicks);
                if (next.PeriodTicks > 0)
                {
                    next.DueTicks = _ticks + next.PeriodTicks;
                }
                else
                {
                    _timers.Remove(next);
                }
            }

            next.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long DueTicks { get; set; }

        public long PeriodTicks { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                    return true;
                DueTicks = owner._ticks + dueTime.Ticks;
                PeriodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                owner._timers.Add(this);
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
                owner._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
