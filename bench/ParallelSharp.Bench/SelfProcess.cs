using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ParallelSharp.Bench;

/// <summary>Runs this bench again as a child process (a truly cold runtime, JIT and Roslyn) and collects its JSON lines.</summary>
internal static class SelfProcess
{
    public static async Task<List<JsonObject>> RunAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        // Under the muxer ('dotnet ParallelSharp.Bench.dll') the child needs the assembly; an apphost does not.
        if (Path.GetFileNameWithoutExtension(info.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            info.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the bench child process.");
        var lines = new List<JsonObject>();
        var reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith('{'))
                    lines.Add(JsonNode.Parse(line)!.AsObject());
                else if (line.Length > 0)
                    Report.Human("  child: " + line.TrimStart('#', ' '));
            }
        });
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The bench child process ({string.Join(' ', info.ArgumentList)}) did not finish within {timeout}.");
        }

        await reading.WaitAsync(TimeSpan.FromSeconds(10));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"The bench child process ({string.Join(' ', info.ArgumentList)}) exited with code {process.ExitCode}.");
        return lines;
    }
}
