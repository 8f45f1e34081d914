namespace ParallelSharp;

// The delegate overloads for asynchronous functions that return ValueTask<TResult>: server.Submit(Downloader.FetchAsync, url)
// is a Job<string>, not a Job<ValueTask<string>>. C# prefers them over the Func<..., TResult> overloads for method groups
// that return ValueTask<T> because Func<..., ValueTask<TResult>> is the more specific parameter type (as with Task.Run).
// An async lambda picks the Task<TResult> overloads (see JobServer.TaskDelegates.cs), with the same result.
// Like the synchronous overloads, they find a captured static method by the delegate's method, and the generator
// intercepts the other call sites; the worker waits for the task and sends back its value, or the exception it ended with.
public sealed partial class JobServer
{
    /// <summary>Submits a job that runs the asynchronous <paramref name="function"/> on some worker; the job's result is the value its task completes with.</summary>
    /// <remarks>
    /// Pass a method group (<c>Downloader.FetchAsync</c>), a static async lambda, or an instance method of a serializable object:
    /// the ParallelSharp source generator captures its source and everything it uses at compile time. The worker waits for the
    /// task; an exception it ends with, before or after an <c>await</c>, fails the job like a synchronous one. For code that
    /// only exists at run time, use <see cref="Submit{TResult}(JobSource, object?[])"/>.
    /// </remarks>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time (see remarks).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<TResult>(Func<ValueTask<TResult>> function) =>
        Submit<TResult>(Captured(function, nameof(Submit)), []);

    /// <summary>Submits a job that runs the asynchronous <paramref name="function"/>, with options, a completion callback and cancellation.</summary>
    /// <remarks>See <see cref="Submit{TResult}(Func{ValueTask{TResult}})"/>.</remarks>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run.</param>
    /// <param name="options">Group, timeout and attempts; null for the defaults.</param>
    /// <param name="callback">Runs once the job finished, successfully or not (pp's <c>callback</c>).</param>
    /// <param name="cancellationToken">Cancels the job: dropped if queued, stopped (its worker replaced) if running.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<TResult>(
        Func<ValueTask<TResult>> function, JobOptions? options, Action<Job<TResult>>? callback = null, CancellationToken cancellationToken = default) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [], options, callback, cancellationToken);

    /// <summary>Submits a job that runs the asynchronous <paramref name="function"/> with the given arguments on some worker; the job's result is the value its task completes with.</summary>
    /// <remarks>
    /// Pass a method group (<c>Downloader.FetchAsync</c>), a static async lambda, or an instance method of a serializable object:
    /// the ParallelSharp source generator captures its source and everything it uses at compile time. The worker waits for the
    /// task; an exception it ends with, before or after an <c>await</c>, fails the job like a synchronous one. For code that
    /// only exists at run time, use <see cref="Submit{TResult}(JobSource, object?[])"/>.
    /// </remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time (see remarks).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, TResult>(Func<T1, ValueTask<TResult>> function, T1 arg1) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1]);

    /// <summary>Submits a job that runs the asynchronous <paramref name="function"/> with the given arguments, with options, a completion callback and cancellation.</summary>
    /// <remarks>See <see cref="Submit{T1, TResult}(Func{T1, ValueTask{TResult}}, T1)"/>.</remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <param name="options">Group, timeout and attempts; null for the defaults.</param>
    /// <param name="callback">Runs once the job finished, successfully or not (pp's <c>callback</c>).</param>
    /// <param name="cancellationToken">Cancels the job: dropped if queued, stopped (its worker replaced) if running.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, TResult>(
        Func<T1, ValueTask<TResult>> function, T1 arg1, JobOptions? options, Action<Job<TResult>>? callback = null, CancellationToken cancellationToken = default) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1], options, callback, cancellationToken);

    /// <summary>Submits a job that runs the asynchronous <paramref name="function"/> with the given arguments on some worker; the job's result is the value its task completes with.</summary>
    /// <remarks>
    /// Pass a method group (<c>Downloader.FetchAsync</c>), a static async lambda, or an instance method of a serializable object:
    /// the ParallelSharp source generator captures its source and everything it uses at compile time. The worker waits for the
    /// task; an exception it ends with, before or after an <c>await</c>, fails the job like a synchronous one. For code that
    /// only exists at run time, use <see cref="Submit{TResult}(JobSource, object?[])"/>.
    /// </remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <param name="arg2">The second argument; it travels as JSON.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time (see remarks).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, T2, TResult>(Func<T1, T2, ValueTask<TResult>> function, T1 arg1, T2 arg2) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2]);

    /// <summary>Submits a job that runs the asynchronous <paramref name="function"/> with the given arguments, with options, a completion callback and cancellation.</summary>
    /// <remarks>See <see cref="Submit{T1, T2, TResult}(Func{T1, T2, ValueTask{TResult}}, T1, T2)"/>.</remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <param name="arg2">The second argument; it travels as JSON.</param>
    /// <param name="options">Group, timeout and attempts; null for the defaults.</param>
    /// <param name="callback">Runs once the job finished, successfully or not (pp's <c>callback</c>).</param>
    /// <param name="cancellationToken">Cancels the job: dropped if queued, stopped (its worker replaced) if running.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, T2, TResult>(
        Func<T1, T2, ValueTask<TResult>> function, T1 arg1, T2 arg2, JobOptions? options, Action<Job<TResult>>? callback = null, CancellationToken cancellationToken = default) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2], options, callback, cancellationToken);

    /// <summary>Submits a job that runs the asynchronous <paramref name="function"/> with the given arguments on some worker; the job's result is the value its task completes with.</summary>
    /// <remarks>
    /// Pass a method group (<c>Downloader.FetchAsync</c>), a static async lambda, or an instance method of a serializable object:
    /// the ParallelSharp source generator captures its source and everything it uses at compile time. The worker waits for the
    /// task; an exception it ends with, before or after an <c>await</c>, fails the job like a synchronous one. For code that
    /// only exists at run time, use <see cref="Submit{TResult}(JobSource, object?[])"/>.
    /// </remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="T3">The type of the function's third parameter.</typeparam>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <param name="arg2">The second argument; it travels as JSON.</param>
    /// <param name="arg3">The third argument; it travels as JSON.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time (see remarks).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, ValueTask<TResult>> function, T1 arg1, T2 arg2, T3 arg3) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2, arg3]);

    /// <summary>Submits a job that runs the asynchronous <paramref name="function"/> with the given arguments, with options, a completion callback and cancellation.</summary>
    /// <remarks>See <see cref="Submit{T1, T2, T3, TResult}(Func{T1, T2, T3, ValueTask{TResult}}, T1, T2, T3)"/>.</remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="T3">The type of the function's third parameter.</typeparam>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <param name="arg2">The second argument; it travels as JSON.</param>
    /// <param name="arg3">The third argument; it travels as JSON.</param>
    /// <param name="options">Group, timeout and attempts; null for the defaults.</param>
    /// <param name="callback">Runs once the job finished, successfully or not (pp's <c>callback</c>).</param>
    /// <param name="cancellationToken">Cancels the job: dropped if queued, stopped (its worker replaced) if running.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, T2, T3, TResult>(
        Func<T1, T2, T3, ValueTask<TResult>> function, T1 arg1, T2 arg2, T3 arg3, JobOptions? options, Action<Job<TResult>>? callback = null, CancellationToken cancellationToken = default) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2, arg3], options, callback, cancellationToken);

    /// <summary>Submits a job that runs the asynchronous <paramref name="function"/> with the given arguments on some worker; the job's result is the value its task completes with.</summary>
    /// <remarks>
    /// Pass a method group (<c>Downloader.FetchAsync</c>), a static async lambda, or an instance method of a serializable object:
    /// the ParallelSharp source generator captures its source and everything it uses at compile time. The worker waits for the
    /// task; an exception it ends with, before or after an <c>await</c>, fails the job like a synchronous one. For code that
    /// only exists at run time, use <see cref="Submit{TResult}(JobSource, object?[])"/>.
    /// </remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="T3">The type of the function's third parameter.</typeparam>
    /// <typeparam name="T4">The type of the function's fourth parameter.</typeparam>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <param name="arg2">The second argument; it travels as JSON.</param>
    /// <param name="arg3">The third argument; it travels as JSON.</param>
    /// <param name="arg4">The fourth argument; it travels as JSON.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time (see remarks).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, ValueTask<TResult>> function, T1 arg1, T2 arg2, T3 arg3, T4 arg4) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2, arg3, arg4]);

    /// <summary>Submits a job that runs the asynchronous <paramref name="function"/> with the given arguments, with options, a completion callback and cancellation.</summary>
    /// <remarks>See <see cref="Submit{T1, T2, T3, T4, TResult}(Func{T1, T2, T3, T4, ValueTask{TResult}}, T1, T2, T3, T4)"/>.</remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="T3">The type of the function's third parameter.</typeparam>
    /// <typeparam name="T4">The type of the function's fourth parameter.</typeparam>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <param name="arg2">The second argument; it travels as JSON.</param>
    /// <param name="arg3">The third argument; it travels as JSON.</param>
    /// <param name="arg4">The fourth argument; it travels as JSON.</param>
    /// <param name="options">Group, timeout and attempts; null for the defaults.</param>
    /// <param name="callback">Runs once the job finished, successfully or not (pp's <c>callback</c>).</param>
    /// <param name="cancellationToken">Cancels the job: dropped if queued, stopped (its worker replaced) if running.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, T2, T3, T4, TResult>(
        Func<T1, T2, T3, T4, ValueTask<TResult>> function, T1 arg1, T2 arg2, T3 arg3, T4 arg4, JobOptions? options, Action<Job<TResult>>? callback = null, CancellationToken cancellationToken = default) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2, arg3, arg4], options, callback, cancellationToken);

    /// <summary>
    /// Runs the asynchronous <paramref name="function"/> on every input and returns the values its tasks complete with, in
    /// input order (like <c>Pool.map</c>). Inputs travel in chunks; a worker waits for each input's task in turn.
    /// </summary>
    /// <remarks>
    /// Pass a method group or a static async lambda; its source is captured at compile time. For code that only exists at
    /// run time, use <see cref="Map{TArg, TResult}(JobSource, IEnumerable{TArg}, MapOptions?, CancellationToken)"/>.
    /// </remarks>
    /// <typeparam name="TArg">The function's parameter type.</typeparam>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run on each input.</param>
    /// <param name="inputs">The inputs; each travels as JSON.</param>
    /// <param name="options">Chunk size, group and timeout; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the chunks not yet finished.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="ArgumentException">An input cannot be serialized.</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time.</exception>
    /// <exception cref="ParallelSharpException">A chunk failed; the first failure is thrown.</exception>
    public Task<IReadOnlyList<TResult>> Map<TArg, TResult>(
        Func<TArg, ValueTask<TResult>> function, IEnumerable<TArg> inputs, MapOptions? options = null, CancellationToken cancellationToken = default) =>
        Map<TArg, TResult>(Captured(function, nameof(Map)), inputs, options, cancellationToken);

    /// <summary>
    /// Like <see cref="Map{TArg, TResult}(Func{TArg, ValueTask{TResult}}, IEnumerable{TArg}, MapOptions?, CancellationToken)"/>, but
    /// yields each value as soon as its chunk completes, with the index of its input (like <c>Pool.imap_unordered</c>).
    /// </summary>
    /// <typeparam name="TArg">The function's parameter type.</typeparam>
    /// <typeparam name="TResult">The value the function's task completes with.</typeparam>
    /// <param name="function">The asynchronous function to run on each input.</param>
    /// <param name="inputs">The inputs; each travels as JSON.</param>
    /// <param name="options">Chunk size, group and timeout; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the chunks not yet finished.</param>
    /// <returns>Each value with the index of its input, in completion order.</returns>
    /// <exception cref="ArgumentException">An input cannot be serialized.</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time.</exception>
    public IAsyncEnumerable<(int Index, TResult Result)> MapUnordered<TArg, TResult>(
        Func<TArg, ValueTask<TResult>> function, IEnumerable<TArg> inputs, MapOptions? options = null, CancellationToken cancellationToken = default) =>
        MapUnordered<TArg, TResult>(Captured(function, nameof(MapUnordered)), inputs, options, cancellationToken);
}
