using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ParallelSharp.Bench;

/// <summary>
/// A logger factory that keeps the node's compile-cache events, to see (not guess) whether a job compiled, was read
/// from the disk cache, and how long the node's compile took: 2400 compiled, 2402 warmed up, 2403 loaded from disk,
/// 2411 warm-up gave way to a job's compile.
/// </summary>
internal sealed class EventCapture : ILoggerFactory
{
    public const int PackageCompiled = 2400;
    public const int CompilerWarmedUp = 2402;
    public const int LoadedFromDisk = 2403;
    public const int CompilerWarmUpYielded = 2411;

    private static readonly HashSet<int> s_kept = [PackageCompiled, CompilerWarmedUp, LoadedFromDisk, CompilerWarmUpYielded];

    private readonly Lock _gate = new();
    private readonly List<CapturedEvent> _events = [];
    private readonly CaptureLogger _logger;

    public EventCapture() => _logger = new CaptureLogger(this);

    /// <summary>The events kept so far.</summary>
    public IReadOnlyList<CapturedEvent> Events
    {
        get
        {
            lock (_gate)
                return [.. _events];
        }
    }

    /// <summary>The events of one package (matched by its content key).</summary>
    public IReadOnlyList<CapturedEvent> For(JobSource source, int id) =>
        [.. Events.Where(e => e.Id == id && e.Text("PackageKey") == source.Package.Key)];

    /// <summary>Waits (polling, bounded) until an event with one of the <paramref name="ids"/> was seen.</summary>
    public async Task<bool> WaitForAsync(TimeSpan timeout, params int[] ids)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (Events.Any(e => ids.Contains(e.Id)))
                return true;
            await Task.Delay(20);
        }

        return false;
    }

    public ILogger CreateLogger(string categoryName) => _logger;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Add(CapturedEvent captured)
    {
        lock (_gate)
            _events.Add(captured);
    }

    private sealed class CaptureLogger(EventCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!s_kept.Contains(eventId.Id))
                return;
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                    fields[key] = value;
            }

            owner.Add(new CapturedEvent(eventId.Id, Stopwatch.GetTimestamp(), fields));
        }
    }
}

/// <summary>One kept log event with its structured fields.</summary>
internal sealed record CapturedEvent(int Id, long Timestamp, IReadOnlyDictionary<string, object?> Fields)
{
    public string Text(string name) => Fields.TryGetValue(name, out var value) ? value?.ToString() ?? string.Empty : string.Empty;

    public double Number(string name) => Fields.TryGetValue(name, out var value) && value is IConvertible c
        ? c.ToDouble(System.Globalization.CultureInfo.InvariantCulture)
        : double.NaN;
}
