using System.Diagnostics;

namespace ParallelSharp.ClusterTests.Lab;

/// <summary>
/// Finds what the cluster tests need (Linux, root, iproute2 with network namespaces, shared/tools/netns-lab.sh, the built
/// daemon and lab client) and says why the tests are skipped when the machine cannot run them.
/// </summary>
internal static class LabEnvironment
{
    /// <summary>Our own lab prefix (namespaces pshc-h1..pshc-h3), so other suites' labs never collide with ours.</summary>
    public const string LabPrefix = "pshc";

    /// <summary>The port every daemon listens on inside its lab host (each host has its own network stack).</summary>
    public const int NodePort = 7741;

    private static readonly Lazy<string?> s_skipReason = new(FindSkipReason);

    /// <summary>Why the lab tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => s_skipReason.Value;

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

    public static string LabScript => Path.Combine(ToolsDirectory!, "netns-lab.sh");

    /// <summary>The repository root: the first ancestor of the test assembly with ParallelSharp.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ParallelSharp.sln")))
                    return dir.FullName;
            }

            throw new InvalidOperationException("The repository root (with ParallelSharp.sln) was not found above the test folder.");
        }
    }

    /// <summary>The build configuration of this test assembly (bin/&lt;Configuration&gt;/net10.0/), used for the daemon and client too.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The node daemon, run from its own build folder (which holds none of the tests' assemblies).</summary>
    public static string DaemonDll => Path.Combine(RepositoryRoot, "src", "NodeDaemon", "bin", Configuration, "net10.0", "ParallelSharp.NodeDaemon.dll");

    /// <summary>The lab client, built alongside this project.</summary>
    public static string LabClientDll => Path.Combine(RepositoryRoot, "tests", "ParallelSharp.LabClient", "bin", Configuration, "net10.0", "ParallelSharp.LabClient.dll");

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

    private static string? FindSkipReason()
    {
        if (!OperatingSystem.IsLinux())
            return "cluster lab tests need Linux network namespaces";
        if (!IsRoot())
            return "cluster lab tests need root (network namespaces); run the suite as root, as CI does";
        if (ToolsDirectory is null)
            return "shared/tools/netns-lab.sh not found beside the repository (set PSH_SHARED_TOOLS to its folder)";
        if (Run("ip", "netns", "list") != 0)
            return "'ip netns' is not available (install iproute2, and run where network namespaces may be created)";
        return null;
    }

    private static bool IsRoot()
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

    private static int Run(string file, params string[] args)
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
