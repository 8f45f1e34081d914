using Microsoft.Extensions.Logging;

namespace ParallelSharp.LabClient;

/// <summary>
/// Turns the job server's log events into JSON lines (<c>{"event":"log","id":1101,...}</c> with their structured fields),
/// so tests see exactly when a node was lost, joined or ignored, and reports them to <see cref="Observed"/>.
/// Other categories (mDNS, the in-process node) are printed from Warning up only.
/// </summary>
internal sealed class EventLoggerProvider(Action<int, IReadOnlyDictionary<string, object?>, long> observed) : ILoggerProvider
{
    private const string JobServerCategory = "ParallelSharp.JobServer";

    /// <summary>Called for every job server event with its id, fields and Stopwatch timestamp.</summary>
    public Action<int, IReadOnlyDictionary<string, object?>, long> Observed { get; } = observed;

    public ILogger CreateLogger(string categoryName) => new EventLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class EventLogger(EventLoggerProvider owner, string category) : ILogger
    {
        private readonly bool _isJobServer = string.Equals(category, JobServerCategory, StringComparison.Ordinal);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => _isJobServer ? logLevel >= LogLevel.Debug : logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var timestamp = System.Diagnostics.Stopwatch.GetTimestamp();
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    if (key != "{OriginalFormat}")
                        fields[key] = value is null or string or int or long or double or bool ? value : value.ToString();
                }
            }

            if (_isJobServer)
                owner.Observed(eventId.Id, fields, timestamp);
            EventWriter.Emit("log", new()
            {
                ["id"] = eventId.Id,
                ["name"] = eventId.Name,
                ["level"] = logLevel.ToString(),
                ["category"] = category,
                ["message"] = formatter(state, exception) + (exception is null ? string.Empty : " " + exception),
                ["fields"] = fields,
            });
        }
    }
}
