using System.Runtime.CompilerServices;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Scheduling;
using ParallelSharp.Submission;

namespace ParallelSharp;

public sealed partial class JobServer
{
    /// <summary>Submits a job: runs <paramref name="source"/>'s entry method with <paramref name="args"/> on some worker.</summary>
    /// <typeparam name="TResult">The entry method's return type.</typeparam>
    /// <param name="source">The function to run.</param>
    /// <param name="args">Its arguments; each travels as JSON.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<TResult>(JobSource source, params object?[] args) =>
        Submit<TResult>(source, args, options: null, callback: null, CancellationToken.None);

    /// <summary>Submits a job with options, a completion callback and cancellation.</summary>
    /// <typeparam name="TResult">The entry method's return type.</typeparam>
    /// <param name="source">The function to run.</param>
    /// <param name="args">Its arguments; each travels as JSON.</param>
    /// <param name="options">Group, timeout and attempts; null for the defaults.</param>
    /// <param name="callback">
    /// Runs once the job finished, successfully or not (pp's <c>callback</c>). Callbacks run one at a time unless
    /// <see cref="JobServerOptions.ConcurrentCallbacks"/>; waiting on the job's group returns only after it ran.
    /// </param>
    /// <param name="cancellationToken">Cancels the job: dropped if queued, stopped (its worker replaced) if running.</param>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<TResult>(JobSource source, object?[] args, JobOptions? options, Action<Job<TResult>>? callback = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(args);
        ThrowIfDisposed();
        var payload = ArgumentSerializer.Serialize(args);
        var record = CreateRecord<TResult>(source, payload, flags: 0, options?.Timeout, options?.MaxAttempts, options?.Group, cancellationToken);
        var job = new Job<TResult>(this, record);
        _completions.Track(record, callback is null ? null : () => callback(job));
        RegisterCancellation(record, cancellationToken);
        _scheduler.Submit(record);
        return job;
    }

    /// <summary>
    /// Runs <paramref name="source"/>'s one-parameter entry method on every input and returns the results in input
    /// order (like <c>Pool.map</c>). Inputs travel in chunks, so thousands of tiny calls cost a few hundred jobs.
    /// </summary>
    /// <exception cref="ArgumentException">An input cannot be serialized.</exception>
    /// <exception cref="ParallelSharpException">A chunk failed; the first failure is thrown.</exception>
    public async Task<IReadOnlyList<TResult>> Map<TArg, TResult>(JobSource source, IEnumerable<TArg> inputs, MapOptions? options = null, CancellationToken cancellationToken = default)
    {
        var chunks = SubmitChunks<TArg, TResult>(source, inputs, options, cancellationToken);
        var results = new List<TResult>();
        foreach (var chunk in chunks)
            results.AddRange(await chunk.Task.ConfigureAwait(false));
        return results;
    }

    /// <summary>
    /// Like <see cref="Map{TArg, TResult}(JobSource, IEnumerable{TArg}, MapOptions?, CancellationToken)"/>, but yields each
    /// result as soon as its chunk completes, with the index of its input (like <c>Pool.imap_unordered</c>).
    /// </summary>
    /// <exception cref="ArgumentException">An input cannot be serialized.</exception>
    public async IAsyncEnumerable<(int Index, TResult Result)> MapUnordered<TArg, TResult>(
        JobSource source, IEnumerable<TArg> inputs, MapOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var chunks = SubmitChunks<TArg, TResult>(source, inputs, options, cancellationToken);
        var starts = new Dictionary<Task<TResult[]>, int>();
        var start = 0;
        foreach (var chunk in chunks)
        {
            starts[chunk.Task] = start;
            start += chunk.Size;
        }

        await foreach (var done in AsCompleted(chunks.Select(c => c.Task), cancellationToken).ConfigureAwait(false))
        {
            var first = starts[done];
            var values = await done.ConfigureAwait(false);
            for (var i = 0; i < values.Length; i++)
                yield return (first + i, values[i]);
        }
    }

    /// <summary>Yields jobs as they finish, in completion order (like Dask's <c>as_completed</c>).</summary>
    public IAsyncEnumerable<Job<TResult>> AsCompleted<TResult>(IEnumerable<Job<TResult>> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var list = jobs.ToList();
        var byTask = list.ToDictionary(j => (Task)j.Task);
        return Select(AsCompleted(list.Select(j => j.Task), cancellationToken), t => byTask[t]);

        static async IAsyncEnumerable<Job<TResult>> Select(IAsyncEnumerable<Task<TResult>> tasks, Func<Task, Job<TResult>> map)
        {
            await foreach (var task in tasks.ConfigureAwait(false))
                yield return map(task);
        }
    }

    /// <summary>Completes when every job of <paramref name="group"/> has finished and its callback ran (pp's <c>wait(group)</c>).</summary>
    public Task WaitAsync(string group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        return _completions.WaitAsync(group, cancellationToken);
    }

    /// <summary>Completes when every job submitted so far has finished and its callback ran (pp's <c>wait()</c>).</summary>
    public Task WaitAllAsync(CancellationToken cancellationToken = default) => _completions.WaitAsync(null, cancellationToken);

    private static async IAsyncEnumerable<Task<T>> AsCompleted<T>(IEnumerable<Task<T>> tasks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pending = tasks.ToList();
        var channel = System.Threading.Channels.Channel.CreateUnbounded<Task<T>>();
        foreach (var task in pending)
            _ = task.ContinueWith((t, c) => ((System.Threading.Channels.Channel<Task<T>>)c!).Writer.TryWrite(t), channel,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        for (var i = 0; i < pending.Count; i++)
            yield return await channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    private List<(Task<TResult[]> Task, int Size)> SubmitChunks<TArg, TResult>(JobSource source, IEnumerable<TArg> inputs, MapOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(inputs);
        ThrowIfDisposed();
        var items = inputs as TArg[] ?? inputs.ToArray();
        var slots = Math.Max(1, _scheduler.Nodes.Sum(n => n.Workers));
        if (slots == 1 && _options.LocalWorkers > 1)
            slots = _options.LocalWorkers;
        var chunkSize = options?.ChunkSize ?? Math.Max(1, (int)Math.Ceiling(items.Length / (slots * 4.0)));
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1, nameof(options));

        // Every chunk is serialized before any is tracked: an input that cannot travel must leave no chunk behind,
        // or waiting on the group (or on all jobs) would wait for chunks that were never submitted.
        var payloads = new List<(byte[] Payload, int Size)>();
        for (var start = 0; start < items.Length; start += chunkSize)
        {
            var size = Math.Min(chunkSize, items.Length - start);
            payloads.Add((ArgumentSerializer.SerializeBatch<TArg>(items.AsSpan(start, size), start), size));
        }

        var records = new List<JobRecord>();
        var chunks = new List<(Task<TResult[]>, int)>();
        foreach (var (payload, size) in payloads)
        {
            var record = CreateRecord<TResult[]>(source, payload, RunJobMessage.BatchFlag, options?.Timeout, maxAttempts: null, options?.Group, cancellationToken);
            _completions.Track(record, null);
            RegisterCancellation(record, cancellationToken);
            records.Add(record);
            chunks.Add((record.Task, size));
        }

        _scheduler.SubmitMany(records);
        return chunks;
    }

    private TypedJobRecord<T> CreateRecord<T>(JobSource source, byte[] payload, byte flags, TimeSpan? timeout, int? maxAttempts, string? group, CancellationToken cancellationToken)
    {
        var effectiveTimeout = timeout ?? _options.DefaultJobTimeout;
        var timeoutMilliseconds = effectiveTimeout is { } t ? (uint)Math.Clamp(t.TotalMilliseconds, 1, uint.MaxValue) : 0u;
        var attempts = maxAttempts ?? _options.MaxAttempts;
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1, nameof(maxAttempts));
        return new TypedJobRecord<T>(Interlocked.Increment(ref _nextJobId), source, payload, flags, timeoutMilliseconds, attempts, group ?? DefaultGroup, cancellationToken);
    }

    private void RegisterCancellation(JobRecord record, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
            return;
        var registration = cancellationToken.UnsafeRegister(static state =>
        {
            var (server, job) = ((JobServer, JobRecord))state!;
            server._scheduler.Cancel(job);
        }, (this, record));
        var previous = record.Finished;
        record.Finished = j =>
        {
            // Unregister, not Dispose: Finished may run inside the scheduler's lock, and Dispose waits for a callback
            // already running on another thread, which is blocked on that same lock. A callback that still runs finds
            // the job completed and does nothing.
            registration.Unregister();
            previous?.Invoke(j);
        };
    }
}
