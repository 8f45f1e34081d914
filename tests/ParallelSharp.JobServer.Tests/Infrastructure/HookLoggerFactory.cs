using Microsoft.Extensions.Logging;

namespace ParallelSharp.JobServerTests.Infrastructure;

/// <summary>A logger factory that calls <paramref name="onEvent"/> for every log event, on the thread that logs it.</summary>
/// <remarks>Lets a test wait for a log entry, or hold the logging thread at a known point (inside the scheduler's lock, say).</remarks>
internal sealed class HookLoggerFactory(Action<EventId> onEvent) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        onEvent(eventId);

    public void Dispose()
    {
    }
}
