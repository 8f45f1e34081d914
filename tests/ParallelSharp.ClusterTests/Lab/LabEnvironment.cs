using ParallelSharp.TestLab;

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

    /// <summary>shared/tools beside the repository (see <see cref="LabHost.ToolsDirectory"/>).</summary>
    public static string? ToolsDirectory => LabHost.ToolsDirectory;

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

    /// <summary>The dotnet host running these tests.</summary>
    public static string DotnetHost => LabHost.DotnetHost;

    private static string? FindSkipReason() => LabHost.CommonSkipReason("cluster lab tests");
}
