using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ParallelSharp.Scheduling;

namespace ParallelSharp.Submission;

/// <summary>
/// Runs completion callbacks and tracks job groups. Callbacks run one at a time on their own loop (pp runs
/// them concurrently and makes users lock) unless concurrent callbacks were asked for. A job leaves its group
/// only after its callback ran, so waiting on a group means its callbacks are done too.
/// </summary>
internal sealed class CompletionTracker : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, GroupState> _groups = new(StringComparer.Ordinal);
    private readonly GroupState _all = new();
    private readonly Channel<Action>? _serial;
    private readonly Task _serialLoop = Task.CompletedTask;
    private readonly ILogger _logger;

    public CompletionTracker(bool concurrentCallbacks, ILogger logger)
    {
        _logger = logger;
        if (!concurrentCallbacks)
        {
            _serial = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
            _serialLoop = Task.Run(RunSerialAsync);
        }
    }

    /// <summary>Registers a job before it is queued; <paramref name="callback"/> runs once it completes.</summary>
    public void Track(JobRecord job, Action? callback)
    {
        lock (_gate)
        {
            Group(job.Group).Pending++;
            _all.Pending++;
        }

        job.Finished = callback is null
            ? Leave
            : j => Post(() =>
            {
                try
                {
                    callback();
                }
                catch (Exception ex)
                {
                    // A callback's bug is the caller's; it must not stop other callbacks or the group.
                    Log.CallbackFailed(_logger, j.Id, ex);
                }
                finally
                {
                    Leave(j);
                }
            });
    }

    /// <summary>Completes when every job of <paramref name="group"/> (or every job, for null) has finished and its callback ran.</summary>
    public Task WaitAsync(string? group, CancellationToken cancellationToken)
    {
        Task idle;
        lock (_gate)
        {
            var state = group is null ? _all : Group(group);
            if (state.Pending == 0)
                return Task.CompletedTask;
            state.Idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = state.Idle.Task;
        }

        return idle.WaitAsync(cancellationToken);
    }

    private GroupState Group(string name)
    {
        if (!_groups.TryGetValue(name, out var state))
            _groups[name] = state = new GroupState();
        return state;
    }

    private void Leave(JobRecord job)
    {
        TaskCompletionSource? groupIdle = null, allIdle = null;
        lock (_gate)
        {
            var state = Group(job.Group);
            if (--state.Pending == 0)
            {
                groupIdle = state.Idle;
                state.Idle = null;
                _groups.Remove(job.Group);
            }

            if (--_all.Pending == 0)
            {
                allIdle = _all.Idle;
                _all.Idle = null;
            }
        }

        groupIdle?.TrySetResult();
        allIdle?.TrySetResult();
    }

    private void Post(Action action)
    {
        if (_serial is not null)
            _serial.Writer.TryWrite(action);
        else
            ThreadPool.UnsafeQueueUserWorkItem(static a => a(), action, preferLocal: false);
    }

    private async Task RunSerialAsync()
    {
        await foreach (var action in _serial!.Reader.ReadAllAsync().ConfigureAwait(false))
            action();
    }

    public async ValueTask DisposeAsync()
    {
        _serial?.Writer.TryComplete();
        await _serialLoop.ConfigureAwait(false);
    }

    private sealed class GroupState
    {
        public int Pending { get; set; }

        public TaskCompletionSource? Idle { get; set; }
    }
}
