using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace ParallelSharp.Discovery.Tests.Interop;

/// <summary>
/// A child process inside a lab host. Its output lines (stdout and stderr) are collected as they come; tests wait
/// with a bound for a matching line or JSON event line. Disposing stops the process (stdin "stop", SIGTERM, then SIGKILL) whatever happened.
/// </summary>
internal sealed class LabProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _log = [];
    private readonly string _name;

    private LabProcess(string name, Process process)
    {
        _name = name;
        _process = process;
    }

    /// <summary>Everything the process printed so far (stdout and stderr), for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_log)
                return string.Join('\n', _log);
        }
    }

    public static LabProcess Start(string name, ProcessStartInfo start)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var lab = new LabProcess(name, process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                lab._lines.Writer.TryComplete();
                return;
            }

            lab.Record("out", e.Data);
            lab._lines.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lab.Record("err", e.Data);
            lab._lines.Writer.TryWrite(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return lab;
    }

    /// <summary>Waits for the next JSON event line matching <paramref name="match"/> (earlier lines are consumed).</summary>
    public async Task<JsonElement> WaitForEventAsync(string phase, Func<JsonElement, bool> match, TimeSpan timeout)
    {
        JsonElement found = default;
        await WaitForLineAsync(phase, line =>
        {
            if (!line.StartsWith('{'))
                return false;
            try
            {
                var element = JsonDocument.Parse(line).RootElement.Clone();
                if (!match(element))
                    return false;
                found = element;
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }, timeout);
        return found;
    }

    /// <summary>Waits for the next output line matching <paramref name="match"/> (earlier lines are consumed).</summary>
    public async Task<string> WaitForLineAsync(string phase, Func<string, bool> match, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(deadline.Token))
            {
                if (match(line))
                    return line;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"{phase}: {_name} printed no matching line within {timeout}. Output so far:\n{Transcript}");
        }

        throw new InvalidOperationException($"{phase}: {_name} exited (code {ExitCodeOrNone()}) before printing a matching line. Output:\n{Transcript}");
    }

    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>SIGKILL, the way a crash or a power cut ends a host's services: no goodbye, nothing said.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited)
            return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.ProcessExit);
    }

    /// <summary>SIGTERM, the way a service manager stops a daemon (mdns-peer.py then sends its goodbye).</summary>
    public async Task TerminateAsync()
    {
        if (_process.HasExited)
            return;
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync().WaitAsync(TestTimeouts.ProcessExit);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                try
                {
                    _process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // the process closed its end already
                }

                await TerminateAsync();
                try
                {
                    await _process.WaitForExitAsync().WaitAsync(TestTimeouts.ProcessExit);
                }
                catch (TimeoutException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync().WaitAsync(TestTimeouts.ProcessExit);
                }
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private string ExitCodeOrNone() => _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";

    private void Record(string stream, string line)
    {
        lock (_log)
            _log.Add($"[{stream}] {line}");
    }
}
