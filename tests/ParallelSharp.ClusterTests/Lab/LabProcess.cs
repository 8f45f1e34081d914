using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ParallelSharp.ClusterTests.Lab;

/// <summary>
/// A child process started inside a lab host with <c>netns-lab.sh exec K</c> (which execs, so the child's pid is the
/// program's own). Its output lines are kept; a test waits, with a bound, for a line or JSON event that may already
/// have come or may still come. Disposing kills it (SIGKILL) and waits for it, whatever the test did.
/// </summary>
internal sealed class LabProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;

    private LabProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>What the test calls this process in messages (for example "daemon node-1 in host 1").</summary>
    public string Name { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything printed so far, stdout and stderr interleaved.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
                return [.. _lines];
        }
    }

    /// <summary>The output's last lines, for failure messages.</summary>
    public string Tail(int count = 60)
    {
        var lines = Lines;
        return $"--- last {Math.Min(count, lines.Count)} of {lines.Count} line(s) of {Name} (pid {ProcessId}) ---\n" +
            string.Join('\n', lines.Skip(Math.Max(0, lines.Count - count)));
    }

    /// <summary>Every JSON object line printed so far, in order.</summary>
    public IReadOnlyList<JsonElement> Events => Lines.Select(TryParse).Where(e => e.HasValue).Select(e => e!.Value).ToList();

    public static LabProcess Start(string name, int host, string workingDirectory, params string[] commandAndArgs)
    {
        var start = new ProcessStartInfo(LabEnvironment.LabScript)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(host.ToString(CultureInfo.InvariantCulture));
        foreach (var arg in commandAndArgs)
            start.ArgumentList.Add(arg);
        start.Environment["PSH_LAB_PREFIX"] = LabEnvironment.LabPrefix;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("PARALLELSHARP_SECRET");
        var process = new Process { StartInfo = start };
        var lab = new LabProcess(name, process);
        process.OutputDataReceived += (_, e) => lab.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => lab.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return lab;
    }

    /// <summary>Waits for a line matching <paramref name="match"/>, among those printed already or still to come.</summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/> (the message names <paramref name="phase"/>).</exception>
    public async Task<string> WaitForLineAsync(string phase, Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = false;
        lock (_gate)
        {
            foreach (var line in _lines)
            {
                if (match(line))
                    return line;
            }

            if (_openStreams == 0)
                ended = true;
            else
                _waiters.Add((match, found));
        }

        if (ended)
            throw new InvalidOperationException($"{phase}: {Name} exited (code {ExitCode()}) without printing what the test waits for.\n{Tail()}");

        try
        {
            return await found.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{phase}: {Name} printed nothing matching within {timeout.TotalSeconds:0} s.\n{Tail()}");
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{phase}: {ex.Message}", ex);
        }
        finally
        {
            lock (_gate)
                _waiters.RemoveAll(w => w.Found == found);
        }
    }

    /// <summary>Waits for a JSON event line named <paramref name="name"/> that satisfies <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitForEventAsync(string phase, string name, Func<JsonElement, bool> match, TimeSpan timeout)
    {
        var line = await WaitForLineAsync(phase, l => TryParse(l) is { } e && Is(e, name) && match(e), timeout);
        return TryParse(line)!.Value;
    }

    /// <summary>Writes one line to the process's standard input.</summary>
    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line).WaitAsync(TestTimeouts.Step);
        await _process.StandardInput.FlushAsync().WaitAsync(TestTimeouts.Step);
    }

    /// <summary>Waits (bounded) for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(string phase, TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{phase}: {Name} did not exit within {timeout.TotalSeconds:0} s.\n{Tail()}");
        }

        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.ProcessExit);
        return _process.ExitCode;
    }

    // A predicate that throws (a line of an unexpected shape) is no match: this runs on the process's output
    // thread, where an exception would take the whole test host down and skip every cleanup.
    private static bool Matches((Func<string, bool> Match, TaskCompletionSource<string> Found) waiter, string line)
    {
        try
        {
            return waiter.Match(line);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or JsonException)
        {
            return false;
        }
    }

    public static bool Is(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("event", out var e) && e.GetString() == name;

    public static JsonElement? TryParse(string line)
    {
        if (!line.StartsWith('{'))
            return null;
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL, and wait (bounded) until it is gone.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.ProcessExit);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private string ExitCode() => _process.HasExited ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "none yet";

    private void OnLine(string? line)
    {
        List<TaskCompletionSource<string>> found = [];
        string? matched = null;
        lock (_gate)
        {
            if (line is null)
            {
                if (--_openStreams == 0)
                {
                    foreach (var waiter in _waiters)
                        waiter.Found.TrySetException(new InvalidOperationException($"{Name} exited without printing what the test waits for.\n{TailLocked()}"));
                    _waiters.Clear();
                    _exited.TrySetResult();
                }

                return;
            }

            _lines.Add(line);
            foreach (var waiter in _waiters)
            {
                if (Matches(waiter, line))
                {
                    found.Add(waiter.Found);
                    matched = line;
                }
            }

            _waiters.RemoveAll(w => found.Contains(w.Found));
        }

        foreach (var waiter in found)
            waiter.TrySetResult(matched!);
    }

    private string TailLocked() => string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - 60)));
}
