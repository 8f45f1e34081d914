namespace ParallelSharp.JobServerTests.Infrastructure;

/// <summary>Bounded waits whose failure names the phase that did not finish.</summary>
internal static class TaskExtensions
{
    public static async Task<T> Within<T>(this Task<T> task, string phase, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TestTimeouts.Step;
        try
        {
            return await task.WaitAsync(limit);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {phase}.", ex);
        }
    }

    public static async Task Within(this Task task, string phase, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TestTimeouts.Step;
        try
        {
            await task.WaitAsync(limit);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {phase}.", ex);
        }
    }

    public static Task<T> Within<T>(this ValueTask<T> task, string phase, TimeSpan? timeout = null) => task.AsTask().Within(phase, timeout);

    public static Task Within(this ValueTask task, string phase, TimeSpan? timeout = null) => task.AsTask().Within(phase, timeout);

    /// <summary>Waits (bounded) for a task that must fail and returns its exception, of <typeparamref name="TException"/> or a subclass.</summary>
    public static async Task<TException> FailsWith<TException>(this Task task, string phase)
        where TException : Exception
    {
        await task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Within(phase);
        return await Assert.ThrowsAnyAsync<TException>(() => task);
    }
}
