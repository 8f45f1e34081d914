using System.Text.Json;
using ParallelSharp.Protocol.Serialization;
using ParallelSharp.Scheduling;

namespace ParallelSharp.Submission;

/// <summary>A job whose result is a <typeparamref name="TResult"/>: decodes the JSON result and completes the caller's task.</summary>
internal sealed class TypedJobRecord<TResult>(
    long id, JobSource source, byte[] payload, byte flags, uint timeoutMilliseconds, int maxAttempts, string group, CancellationToken cancellationToken)
    : JobRecord(id, source, payload, flags, timeoutMilliseconds, maxAttempts, group)
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Task => _completion.Task;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public override void SetResult(ReadOnlySpan<byte> payload)
    {
        TResult value;
        try
        {
            value = JsonSerializer.Deserialize<TResult>(payload, PayloadJson.Options)!;
        }
        catch (Exception ex)
        {
            // Not only JsonException: the result type's own code (a validating constructor or setter) may throw anything.
            // This runs on the connection's read loop, so whatever the cause it fails this job only, never the connection.
            Status = JobStatus.Failed;
            _completion.TrySetException(Errors.ResultTypeMismatch(Id, Source, typeof(TResult), CompletedOn, ex));
            return;
        }

        Status = JobStatus.Succeeded;
        _completion.TrySetResult(value);
    }

    public override void SetError(Exception error)
    {
        Status = JobStatus.Failed;
        _completion.TrySetException(error);
    }

    public override void SetCancelled()
    {
        Status = JobStatus.Cancelled;
        _completion.TrySetCanceled(CancellationToken.IsCancellationRequested ? CancellationToken : new CancellationToken(canceled: true));
    }
}
