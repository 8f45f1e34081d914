using ParallelSharp.TestLab;

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

    /// <summary>shared/tools beside the repository (see <see cref="LabHost.ToolsDirectory"/>).</summary>
    public static string? ToolsDirectory => LabHost.ToolsDirectory;

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

    /// <summary>The dotnet host running these tests.</summary>
    public static string DotnetHost => LabHost.DotnetHost;

    private static string? FindSkipReason()
    {
        if (LabHost.CommonSkipReason("lab interop tests") is { } common)
            return common;
        if (!File.Exists(LabToolDll))
            return $"the LabTool was not built at {LabToolDll}";
        if (!File.Exists(Python) || LabHost.Run(Python, "-c", "import zeroconf") != 0)
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
}
