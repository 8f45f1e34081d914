using System.Diagnostics;

namespace ParallelSharp.TestLab;

/// <summary>
/// Facts about this machine that the lab test suites (network namespaces made by shared/tools/netns-lab.sh) share:
/// where the tools are, whether we are root, which dotnet host runs us, and the common reasons to skip.
/// </summary>
public static class LabHost
{
    /// <summary>shared/tools: $PSH_SHARED_TOOLS, else the first ancestor of the test assembly that has shared/tools/netns-lab.sh.</summary>
    public static string? ToolsDirectory
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("PSH_SHARED_TOOLS");
            if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, "netns-lab.sh")))
                return fromEnv;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "tools");
                if (File.Exists(Path.Combine(candidate, "netns-lab.sh")))
                    return candidate;
            }

            return null;
        }
    }

    /// <summary>The dotnet host running these tests (DOTNET_HOST_PATH is set by the SDK), else "dotnet" from PATH.</summary>
    public static string DotnetHost
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
                return host;
            var process = Environment.ProcessPath;
            return process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
        }
    }

    /// <summary>
    /// Why a lab suite cannot run here (not Linux, not root, no netns-lab.sh, no 'ip netns'), or null when it can.
    /// </summary>
    /// <param name="suite">How the suite names itself in the reason, e.g. "cluster lab tests".</param>
    public static string? CommonSkipReason(string suite)
    {
        if (!OperatingSystem.IsLinux())
            return $"{suite} need Linux network namespaces";
        if (!IsRoot())
            return $"{suite} need root (network namespaces); run the suite as root, as CI does";
        if (ToolsDirectory is null)
            return "shared/tools/netns-lab.sh not found beside the repository (set PSH_SHARED_TOOLS to its folder)";
        if (Run("ip", "netns", "list") != 0)
            return "'ip netns' is not available (apt-get install iproute2, and run where network namespaces may be created)";
        return null;
    }

    /// <summary>Whether the effective user is root (read from /proc: no native call).</summary>
    public static bool IsRoot()
    {
        try
        {
            var uidLine = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return uidLine?.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries) is [_, _, var effective, ..] && effective == "0";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Runs a short command (bounded at 20 s) and returns its exit code, or -1 if it could not run or hung.</summary>
    public static int Run(string file, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args)
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill(entireProcessTree: true);
                return -1;
            }

            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
