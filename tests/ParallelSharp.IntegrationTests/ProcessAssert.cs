using System.Diagnostics;

namespace ParallelSharp.IntegrationTests;

internal static class ProcessAssert
{
    /// <summary>Waits (bounded) until every process id has exited, and fails naming those still alive.</summary>
    public static async Task AllExitAsync(IEnumerable<int> processIds, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var ids = processIds.ToList();
        foreach (var id in ids)
        {
            Process process;
            try
            {
                process = Process.GetProcessById(id);
            }
            catch (ArgumentException)
            {
                continue; // already gone
            }

            using (process)
            {
                var remaining = timeout - deadline.Elapsed;
                using var cts = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
                try
                {
                    await process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"Worker process {id} was still running {timeout.TotalSeconds} s after its server was disposed or killed.");
                }
            }
        }
    }
}
