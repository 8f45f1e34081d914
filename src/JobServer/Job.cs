using System.Runtime.CompilerServices;
using ParallelSharp.Submission;

namespace ParallelSharp;

/// <summary>
/// The future of one submitted job: await it, or block on <see cref="Result"/> as with pp's <c>job()</c>.
/// </summary>
/// <typeparam name="TResult">The job's result type.</typeparam>
/// <remarks>
/// If the job fails, awaiting it throws: <see cref="JobFailedException"/> (the job threw; the remote type,
/// message and stack trace are on it), <see cref="JobCompilationException"/>, <see cref="JobTimeoutException"/>,
/// <see cref="JobAbandonedException"/> (its workers or nodes kept dying), <see cref="NodeUnavailableException"/>
/// (no node to run it), or <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class Job<TResult>
{
    private readonly TypedJobRecord<TResult> _record;
    private readonly JobServer _server;

    internal Job(JobServer server, TypedJobRecord<TResult> record)
    {
        _server = server;
        _record = record;
    }

    /// <summary>The job's id, unique within its job server.</summary>
    public long Id => _record.Id;

    /// <summary>Where the job is in its life.</summary>
    public JobStatus Status => _record.Status;

    /// <summary>The group the job belongs to.</summary>
    public string Group => _record.Group;

    /// <summary>The node that produced the outcome, once there is one.</summary>
    public string? NodeId => _record.CompletedOn;

    /// <summary>The task that completes with the result.</summary>
    public Task<TResult> Task => _record.Task;

    /// <summary>Lets <c>await job</c> work.</summary>
    public TaskAwaiter<TResult> GetAwaiter() => _record.Task.GetAwaiter();

    /// <summary>Blocks until the job finishes and returns its result (pp's <c>job()</c>). Prefer <c>await</c> in async code.</summary>
    /// <exception cref="ParallelSharpException">The job failed; see the remarks on <see cref="Job{TResult}"/>.</exception>
    /// <exception cref="OperationCanceledException">The job was cancelled.</exception>
    public TResult Result
    {
        get
        {
            // The one blocking accessor, kept for pp's job() style; it unwraps the AggregateException.
            return _record.Task.GetAwaiter().GetResult();
        }
    }

    /// <summary>Blocks until the job finishes or <paramref name="timeout"/> passes. Returns whether it finished (successfully or not).</summary>
    public bool Wait(TimeSpan timeout)
    {
        try
        {
            return _record.Task.Wait(timeout);
        }
        catch (AggregateException)
        {
            return true;
        }
    }

    /// <summary>Cancels the job: dropped if queued, stopped (its worker replaced) if running.</summary>
    public void Cancel() => _server.Cancel(_record);

    /// <inheritdoc />
    public override string ToString() => $"Job {Id} ({_record.Source}) {Status}";
}
