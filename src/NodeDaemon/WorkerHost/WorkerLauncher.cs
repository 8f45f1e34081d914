using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>
/// Finds how to start a worker process: the worker is this assembly (ParallelSharp.NodeDaemon.dll) run
/// with the <c>worker</c> verb by the same .NET host that runs us. That assembly travels with every
/// application that references the job server, so the user configures nothing.
/// </summary>
internal sealed class WorkerLauncher
{
    private readonly string _hostPath;
    private readonly string _assemblyPath;
    private readonly string? _runtimeConfigPath;

    private WorkerLauncher(string hostPath, string assemblyPath, string? runtimeConfigPath)
    {
        _hostPath = hostPath;
        _assemblyPath = assemblyPath;
        _runtimeConfigPath = runtimeConfigPath;
    }

    /// <summary>Locates the .NET host, the worker assembly and a runtime configuration to start it with.</summary>
    /// <exception cref="InvalidOperationException">No .NET host could be found.</exception>
    public static WorkerLauncher Locate()
    {
        var assemblyPath = typeof(WorkerLauncher).Assembly.Location;
        if (string.IsNullOrEmpty(assemblyPath))
            throw new InvalidOperationException(
                "ParallelSharp.NodeDaemon.dll has no file location (single-file publishing?). Publish the application as a normal (non single-file) app so worker processes can start.");
        return new WorkerLauncher(FindHost(), assemblyPath, FindRuntimeConfig(assemblyPath));
    }

    /// <summary>Builds the start information of one worker process.</summary>
    public ProcessStartInfo CreateStartInfo()
    {
        var info = new ProcessStartInfo(_hostPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = Path.GetDirectoryName(_assemblyPath)!,
        };
        info.ArgumentList.Add("exec");
        if (_runtimeConfigPath is not null)
        {
            info.ArgumentList.Add("--runtimeconfig");
            info.ArgumentList.Add(_runtimeConfigPath);
        }

        info.ArgumentList.Add(_assemblyPath);
        info.ArgumentList.Add(WorkerProgram.Verb);
        info.ArgumentList.Add("--parent-pid");
        info.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // A worker runs one job at a time: a workstation, non-concurrent GC keeps an idle worker small.
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_gcConcurrent"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        // The daemon runs its socket continuations inline (Program.cs); a job's own sockets must not: user code that
        // blocks in a continuation would stall every socket of the worker.
        info.Environment.Remove("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        return info;
    }

    private static string FindHost()
    {
        var exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        // Running under the muxer (dotnet app.dll, dotnet test): reuse it.
        if (Environment.ProcessPath is { } processPath && string.Equals(Path.GetFileName(processPath), exe, StringComparison.OrdinalIgnoreCase))
            return processPath;

        // An apphost-launched app: the shared runtime lives at <root>/shared/Microsoft.NETCore.App/<version>/.
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
        var root = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var candidate = Path.Combine(root, exe);
        if (File.Exists(candidate))
            return candidate;
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot && File.Exists(Path.Combine(dotnetRoot, exe)))
            return Path.Combine(dotnetRoot, exe);
        throw new InvalidOperationException(
            $"Could not find the .NET host '{exe}' (looked next to the runtime in {root} and in DOTNET_ROOT). Set DOTNET_ROOT to the .NET installation folder.");
    }

    private static string? FindRuntimeConfig(string assemblyPath)
    {
        // Prefer the worker's own runtime configuration; an application that references the job server
        // may not copy it, so fall back to the application's own (same runtime, same framework).
        var own = Path.ChangeExtension(assemblyPath, ".runtimeconfig.json");
        if (File.Exists(own))
            return own;
        if (System.Reflection.Assembly.GetEntryAssembly()?.Location is { Length: > 0 } entry)
        {
            var app = Path.ChangeExtension(entry, ".runtimeconfig.json");
            if (File.Exists(app))
                return app;
        }

        return null;
    }
}
