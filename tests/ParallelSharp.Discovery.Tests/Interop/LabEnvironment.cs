using System.Diagnostics;

namespace ParallelSharp.Discovery.Tests.Interop;

/// <summary>
/// Finds what the interop tests need (root, iproute2 with netns, shared/tools, python3-zeroconf, the built LabTool)
/// and says why the tests must be skipped when something is missing.
/// </summary>
internal static class LabEnvironment
{
    /// <summary>Our own lab namespace prefix, so other suites' labs (prefix "psh", ...) never collide with ours.</summary>
    public const string LabPrefix = "pshd";

    /// <summary>python3-zeroconf is a Debian package: only the distribution's interpreter sees it (MDNS.md §2.1).</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> s_skipReason = new(FindSkipReason);
    private static readonly Lazy<string?> s_avahiSkipReason = new(FindAvahiSkipReason);

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

    /// <summary>Why the Avahi interop tests cannot run here (the lab's reasons, or Avahi missing), or null.</summary>
    public static string? AvahiSkipReason => s_avahiSkipReason.Value;

    public static string AvahiScript => Path.Combine(ToolsDirectory!, "avahi-peer.sh");

    public static string LabScript => Path.Combine(ToolsDirectory!, "netns-lab.sh");

    public static string PeerScript => Path.Combine(ToolsDirectory!, "mdns-peer.py");

    /// <summary>
    /// The LabTool dll, built next to this assembly's project: tests/ParallelSharp.Discovery.LabTool/bin/&lt;config&gt;/&lt;tfm&gt;/.
    /// </summary>
    public static string LabToolDll
    {
        get
        {
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = here.Name;
            var configuration = here.Parent!.Name;
            var testsDir = here.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(testsDir, "ParallelSharp.Discovery.LabTool", "bin", configuration, tfm, "ParallelSharp.Discovery.LabTool.dll");
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

    private static string? FindSkipReason()
    {
        if (!OperatingSystem.IsLinux())
            return "lab interop tests need Linux network namespaces";
        if (!IsRoot())
            return "lab interop tests need root (network namespaces); run the suite as root, as CI does";
        if (ToolsDirectory is null)
            return "shared/tools/netns-lab.sh not found beside the repository (set PSH_SHARED_TOOLS)";
        if (!File.Exists(LabToolDll))
            return $"the LabTool was not built at {LabToolDll}";
        if (Run("ip", "netns", "list") != 0)
            return "'ip netns' is not available (apt-get install iproute2)";
        if (!File.Exists(Python) || Run(Python, "-c", "import zeroconf") != 0)
            return "python3-zeroconf is missing (apt-get install -y python3-zeroconf)";
        return null;
    }

    private static string? FindAvahiSkipReason()
    {
        if (SkipReason is { } lab)
            return lab;
        foreach (var tool in new[] { "/usr/sbin/avahi-daemon", "/usr/bin/avahi-browse", "/usr/bin/avahi-publish", "/usr/bin/dbus-daemon" })
        {
            if (!File.Exists(tool))
                return $"{tool} is missing (apt-get install -y --no-install-recommends avahi-daemon avahi-utils dbus; keep the system daemon stopped)";
        }

        return File.Exists(AvahiScript) ? null : "shared/tools/avahi-peer.sh not found";
    }

    private static bool IsRoot()
    {
        try
        {
            var uidLine = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return uidLine?.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries) is [_, var real, var effective, ..] && effective == "0" && real is not null;
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
