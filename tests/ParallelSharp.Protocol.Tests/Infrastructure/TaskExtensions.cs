namespace ParallelSharp.Protocol.Tests.Infrastructure;

/// <summary>Bounded waits whose failure names the phase that did not finish.</summary>
internal static class TaskExtensions
{
    public static async Task<T> Within<T>(this Task<T> task, string phase, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? TestTimeouts.Step);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? TestTimeouts.Step).TotalSeconds:0.#} s waiting for: {phase}.", ex);
        }
    }

    public static async Task Within(this Task task, string phase, TimeSpan? timeout = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? TestTimeouts.Step);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? TestTimeouts.Step).TotalSeconds:0.#} s waiting for: {phase}.", ex);
        }
    }

    public static Task<T> Within<T>(this ValueTask<T> task, string phase, TimeSpan? timeout = null) => task.AsTask().Within(phase, timeout);

    public static Task Within(this ValueTask task, string phase, TimeSpan? timeout = null) => task.AsTask().Within(phase, timeout);
}
