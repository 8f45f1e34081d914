using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ParallelSharp.Bench;

/// <summary>
/// An <see cref="ILoggerProvider"/> that timestamps chosen job server events as they are logged (the job server logs
/// them where they happen: a node declared lost is logged inside the scheduler's lock, right after its jobs were
/// re-queued). Give <see cref="CreateFactory"/> to <c>JobServerOptions.LoggerFactory</c>.
/// </summary>
internal sealed class LogEventClock : ILoggerProvider
{
    public const int NodeJoined = 1100;
    public const int NodeLost = 1101;
    public const int NodeDiscovered = 1110;
    public const int NodeLeftDiscovery = 1111;
    public const int JobRescheduled = 1200;

    private readonly HashSet<int> _kept;
    private readonly Lock _gate = new();
    private readonly List<CapturedEvent> _events = [];
    private readonly List<(int Id, Func<CapturedEvent, bool> Match, TaskCompletionSource<CapturedEvent> Signal)> _waiters = [];
    private readonly ClockLogger _logger;

    public LogEventClock(params int[] ids)
    {
        _kept = [.. ids];
        _logger = new ClockLogger(this);
    }

    /// <summary>A logger factory with only this provider, passing Information and above.</summary>
    public ILoggerFactory CreateFactory() => new LoggerFactory([this], new LoggerFilterOptions { MinLevel = LogLevel.Information });

    public IReadOnlyList<CapturedEvent> Events
    {
        get
        {
            lock (_gate)
                return [.. _events];
        }
    }

    /// <summary>
    /// Completes with the first event <paramref name="id"/> matching <paramref name="match"/>, already logged or still to
    /// come. Call it before triggering what logs the event, then bound the wait.
    /// </summary>
    public Task<CapturedEvent> WhenLogged(int id, Func<CapturedEvent, bool>? match = null)
    {
        match ??= _ => true;
        lock (_gate)
        {
            var seen = _events.FirstOrDefault(e => e.Id == id && match(e));
            if (seen is not null)
                return Task.FromResult(seen);
            var signal = new TaskCompletionSource<CapturedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((id, match, signal));
            return signal.Task;
        }
    }

    public ILogger CreateLogger(string categoryName) => _logger;

    public void Dispose()
    {
    }

    private void Add(CapturedEvent captured)
    {
        List<TaskCompletionSource<CapturedEvent>> ready = [];
        lock (_gate)
        {
            _events.Add(captured);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Id == captured.Id && _waiters[i].Match(captured))
                {
                    ready.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var signal in ready)
            signal.TrySetResult(captured);
    }

    private sealed class ClockLogger(LogEventClock owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The timestamp first: what follows (copying the fields) must not count in the measured time.
            var at = Stopwatch.GetTimestamp();
            if (!owner._kept.Contains(eventId.Id))
                return;
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                    fields[key] = value;
            }

            owner.Add(new CapturedEvent(eventId.Id, at, fields));
        }
    }
}
