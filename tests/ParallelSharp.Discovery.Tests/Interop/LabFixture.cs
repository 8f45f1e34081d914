using System.Diagnostics;

namespace ParallelSharp.Discovery.Tests.Interop;

/// <summary>
/// Brings up a two-host lab (namespaces pshd-h1, pshd-h2 on a private bridge, no route out) for the interop tests
/// and takes it down afterwards, also when tests fail. Host K has interface psh0 with 10.250.0.K/24.
/// </summary>
public sealed class LabFixture : IAsyncLifetime
{
    public const int Hosts = 2;

    /// <summary>Why the lab could not be brought up (a test then fails with this), or null.</summary>
    public string? UpFailure { get; private set; }

    public async Task InitializeAsync()
    {
        if (LabEnvironment.SkipReason is not null)
            return;
        // A crashed earlier run may have left our lab behind: start clean.
        await RunLabAsync("down");
        var (code, output) = await RunLabAsync("up", Hosts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (code != 0)
            UpFailure = $"netns-lab.sh up {Hosts} failed with exit code {code}: {output}";
    }

    public async Task DisposeAsync()
    {
        if (LabEnvironment.SkipReason is not null)
            return;
        // down also stops every process still running inside the lab namespaces.
        await RunLabAsync("down");
    }

    /// <summary>Start info that runs a command (first element) with arguments inside lab host <paramref name="host"/>.</summary>
    public static ProcessStartInfo InHost(int host, params string[] commandAndArgs)
    {
        var start = new ProcessStartInfo(LabEnvironment.LabScript);
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(host.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var arg in commandAndArgs)
            start.ArgumentList.Add(arg);
        start.Environment["PSH_LAB_PREFIX"] = LabEnvironment.LabPrefix;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    /// <summary>Runs netns-lab.sh with <paramref name="args"/> (bounded by <see cref="TestTimeouts.LabCommand"/>).</summary>
    public static async Task<(int Code, string Output)> RunLabAsync(params string[] args)
    {
        var start = new ProcessStartInfo(LabEnvironment.LabScript) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["PSH_LAB_PREFIX"] = LabEnvironment.LabPrefix;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.LabCommand);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"netns-lab.sh {string.Join(' ', args)} did not finish within {TestTimeouts.LabCommand}");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
