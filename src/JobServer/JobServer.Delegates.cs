using ParallelSharp.Submission;

namespace ParallelSharp;

// The delegate overloads users call: server.Submit(Primes.SumPrimes, 100_000), server.Map(Primes.SumPrimes, inputs).
// The ParallelSharp source generator captures each function at compile time. A static method passed as a method group
// is found here by the delegate's method (CapturedFunctions, filled by the generated code); every other function
// (lambdas, local functions, instance, extension, generic and overloaded methods) has its call site intercepted
// (C# interceptors), so these bodies do not run for it. Either way the call goes on as a JobSource submission. A
// delegate with no captured package fails with a message that points to JobSource.
public sealed partial class JobServer
{
    /// <summary>Submits a job that runs <paramref name="function"/> on some worker.</summary>
    /// <remarks>
    /// Pass a method group (<c>Primes.SumPrimes</c>), a static lambda, or an instance method of a serializable object: the
    /// ParallelSharp source generator captures its source and everything it uses at compile time, so nothing is listed
    /// by hand. For code that only exists at run time, use <see cref="Submit{TResult}(JobSource, object?[])"/>.
    /// </remarks>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time (see remarks).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<TResult>(Func<TResult> function) =>
        Submit<TResult>(Captured(function, nameof(Submit)), []);

    /// <summary>Submits a job that runs <paramref name="function"/>, with options, a completion callback and cancellation.</summary>
    /// <remarks>See <see cref="Submit{TResult}(Func{TResult})"/>.</remarks>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run.</param>
    /// <param name="options">Group, timeout and attempts; null for the defaults.</param>
    /// <param name="callback">Runs once the job finished, successfully or not (pp's <c>callback</c>).</param>
    /// <param name="cancellationToken">Cancels the job: dropped if queued, stopped (its worker replaced) if running.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<TResult>(
        Func<TResult> function, JobOptions? options, Action<Job<TResult>>? callback = null, CancellationToken cancellationToken = default) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [], options, callback, cancellationToken);

    /// <summary>Submits a job that runs <paramref name="function"/> with the given arguments on some worker.</summary>
    /// <remarks>
    /// Pass a method group (<c>Primes.SumPrimes</c>), a static lambda, or an instance method of a serializable object: the
    /// ParallelSharp source generator captures its source and everything it uses at compile time, so nothing is listed
    /// by hand. For code that only exists at run time, use <see cref="Submit{TResult}(JobSource, object?[])"/>.
    /// </remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time (see remarks).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, TResult>(Func<T1, TResult> function, T1 arg1) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1]);

    /// <summary>Submits a job that runs <paramref name="function"/> with the given arguments, with options, a completion callback and cancellation.</summary>
    /// <remarks>See <see cref="Submit{T1, TResult}(Func{T1, TResult}, T1)"/>.</remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <param name="options">Group, timeout and attempts; null for the defaults.</param>
    /// <param name="callback">Runs once the job finished, successfully or not (pp's <c>callback</c>).</param>
    /// <param name="cancellationToken">Cancels the job: dropped if queued, stopped (its worker replaced) if running.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, TResult>(
        Func<T1, TResult> function, T1 arg1, JobOptions? options, Action<Job<TResult>>? callback = null, CancellationToken cancellationToken = default) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1], options, callback, cancellationToken);

    /// <summary>Submits a job that runs <paramref name="function"/> with the given arguments on some worker.</summary>
    /// <remarks>
    /// Pass a method group (<c>Primes.SumPrimes</c>), a static lambda, or an instance method of a serializable object: the
    /// ParallelSharp source generator captures its source and everything it uses at compile time, so nothing is listed
    /// by hand. For code that only exists at run time, use <see cref="Submit{TResult}(JobSource, object?[])"/>.
    /// </remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <param name="arg2">The second argument; it travels as JSON.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time (see remarks).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, T2, TResult>(Func<T1, T2, TResult> function, T1 arg1, T2 arg2) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2]);

    /// <summary>Submits a job that runs <paramref name="function"/> with the given arguments, with options, a completion callback and cancellation.</summary>
    /// <remarks>See <see cref="Submit{T1, T2, TResult}(Func{T1, T2, TResult}, T1, T2)"/>.</remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run.</param>
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
        Func<T1, T2, TResult> function, T1 arg1, T2 arg2, JobOptions? options, Action<Job<TResult>>? callback = null, CancellationToken cancellationToken = default) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2], options, callback, cancellationToken);

    /// <summary>Submits a job that runs <paramref name="function"/> with the given arguments on some worker.</summary>
    /// <remarks>
    /// Pass a method group (<c>Primes.SumPrimes</c>), a static lambda, or an instance method of a serializable object: the
    /// ParallelSharp source generator captures its source and everything it uses at compile time, so nothing is listed
    /// by hand. For code that only exists at run time, use <see cref="Submit{TResult}(JobSource, object?[])"/>.
    /// </remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="T3">The type of the function's third parameter.</typeparam>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <param name="arg2">The second argument; it travels as JSON.</param>
    /// <param name="arg3">The third argument; it travels as JSON.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time (see remarks).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, T1 arg1, T2 arg2, T3 arg3) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2, arg3]);

    /// <summary>Submits a job that runs <paramref name="function"/> with the given arguments, with options, a completion callback and cancellation.</summary>
    /// <remarks>See <see cref="Submit{T1, T2, T3, TResult}(Func{T1, T2, T3, TResult}, T1, T2, T3)"/>.</remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="T3">The type of the function's third parameter.</typeparam>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run.</param>
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
        Func<T1, T2, T3, TResult> function, T1 arg1, T2 arg2, T3 arg3, JobOptions? options, Action<Job<TResult>>? callback = null, CancellationToken cancellationToken = default) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2, arg3], options, callback, cancellationToken);

    /// <summary>Submits a job that runs <paramref name="function"/> with the given arguments on some worker.</summary>
    /// <remarks>
    /// Pass a method group (<c>Primes.SumPrimes</c>), a static lambda, or an instance method of a serializable object: the
    /// ParallelSharp source generator captures its source and everything it uses at compile time, so nothing is listed
    /// by hand. For code that only exists at run time, use <see cref="Submit{TResult}(JobSource, object?[])"/>.
    /// </remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="T3">The type of the function's third parameter.</typeparam>
    /// <typeparam name="T4">The type of the function's fourth parameter.</typeparam>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run.</param>
    /// <param name="arg1">The first argument; it travels as JSON.</param>
    /// <param name="arg2">The second argument; it travels as JSON.</param>
    /// <param name="arg3">The third argument; it travels as JSON.</param>
    /// <param name="arg4">The fourth argument; it travels as JSON.</param>
    /// <returns>The job's future.</returns>
    /// <exception cref="ArgumentException">An argument cannot be serialized (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time (see remarks).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Job<TResult> Submit<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, T1 arg1, T2 arg2, T3 arg3, T4 arg4) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2, arg3, arg4]);

    /// <summary>Submits a job that runs <paramref name="function"/> with the given arguments, with options, a completion callback and cancellation.</summary>
    /// <remarks>See <see cref="Submit{T1, T2, T3, T4, TResult}(Func{T1, T2, T3, T4, TResult}, T1, T2, T3, T4)"/>.</remarks>
    /// <typeparam name="T1">The type of the function's first parameter.</typeparam>
    /// <typeparam name="T2">The type of the function's second parameter.</typeparam>
    /// <typeparam name="T3">The type of the function's third parameter.</typeparam>
    /// <typeparam name="T4">The type of the function's fourth parameter.</typeparam>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run.</param>
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
        Func<T1, T2, T3, T4, TResult> function, T1 arg1, T2 arg2, T3 arg3, T4 arg4, JobOptions? options, Action<Job<TResult>>? callback = null, CancellationToken cancellationToken = default) =>
        Submit<TResult>(Captured(function, nameof(Submit)), [arg1, arg2, arg3, arg4], options, callback, cancellationToken);

    /// <summary>
    /// Runs <paramref name="function"/> on every input and returns the results in input order (like <c>Pool.map</c>).
    /// Inputs travel in chunks, so thousands of tiny calls cost a few hundred jobs.
    /// </summary>
    /// <remarks>
    /// Pass a method group or a static lambda; its source is captured at compile time. For code that only exists at
    /// run time, use <see cref="Map{TArg, TResult}(JobSource, IEnumerable{TArg}, MapOptions?, CancellationToken)"/>.
    /// </remarks>
    /// <typeparam name="TArg">The function's parameter type.</typeparam>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run on each input.</param>
    /// <param name="inputs">The inputs; each travels as JSON.</param>
    /// <param name="options">Chunk size, group and timeout; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the chunks not yet finished.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="ArgumentException">An input cannot be serialized.</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time.</exception>
    /// <exception cref="ParallelSharpException">A chunk failed; the first failure is thrown.</exception>
    public Task<IReadOnlyList<TResult>> Map<TArg, TResult>(
        Func<TArg, TResult> function, IEnumerable<TArg> inputs, MapOptions? options = null, CancellationToken cancellationToken = default) =>
        Map<TArg, TResult>(Captured(function, nameof(Map)), inputs, options, cancellationToken);

    /// <summary>
    /// Like <see cref="Map{TArg, TResult}(Func{TArg, TResult}, IEnumerable{TArg}, MapOptions?, CancellationToken)"/>, but
    /// yields each result as soon as its chunk completes, with the index of its input (like <c>Pool.imap_unordered</c>).
    /// </summary>
    /// <typeparam name="TArg">The function's parameter type.</typeparam>
    /// <typeparam name="TResult">The function's return type.</typeparam>
    /// <param name="function">The function to run on each input.</param>
    /// <param name="inputs">The inputs; each travels as JSON.</param>
    /// <param name="options">Chunk size, group and timeout; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the chunks not yet finished.</param>
    /// <returns>Each result with the index of its input, in completion order.</returns>
    /// <exception cref="ArgumentException">An input cannot be serialized.</exception>
    /// <exception cref="InvalidOperationException">The call was not captured at compile time.</exception>
    public IAsyncEnumerable<(int Index, TResult Result)> MapUnordered<TArg, TResult>(
        Func<TArg, TResult> function, IEnumerable<TArg> inputs, MapOptions? options = null, CancellationToken cancellationToken = default) =>
        MapUnordered<TArg, TResult>(Captured(function, nameof(MapUnordered)), inputs, options, cancellationToken);

    /// <summary>The package the generator captured for <paramref name="function"/>'s method, found by that method.</summary>
    private JobSource Captured(Delegate function, string api)
    {
        ArgumentNullException.ThrowIfNull(function);
        ThrowIfDisposed();
        return CapturedFunctions.Find(function) ?? throw Errors.DelegateNotCaptured(api, function);
    }
}
