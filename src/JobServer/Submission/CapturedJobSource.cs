using System.ComponentModel;
using System.Reflection;

namespace ParallelSharp.Submission;

/// <summary>
/// Builds the <see cref="JobSource"/> of a function that the ParallelSharp source generator captured at compile time.
/// Called only by generated code; not meant to be used directly.
/// </summary>
/// <remarks>
/// The generator records the captured sources, the entry point, the usings and the non-framework assemblies the code
/// uses directly. At run time (once per captured function) this adds the assemblies those depend on, drops what the
/// node's shared framework already has, and hands the files to <see cref="JobSource.FromDocuments"/>, so a captured
/// function travels exactly like a hand-written <see cref="JobSource"/>.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CapturedJobSource
{
    // The node compiles against, and its workers run with, the directory that holds System.Private.CoreLib; the
    // same rule decides here what is "framework" and never shipped (see NodeDaemon's FrameworkReferences).
    private static readonly string s_frameworkDirectory =
        Path.TrimEndingDirectorySeparator(Path.GetDirectoryName(typeof(object).Assembly.Location) ?? string.Empty);

    /// <summary>Creates the job source of a captured function.</summary>
    /// <param name="entryType">The metadata name of the type that declares the entry method.</param>
    /// <param name="entryMethod">The entry method's name.</param>
    /// <param name="sources">The captured source documents.</param>
    /// <param name="usings">The global usings the captured code relies on.</param>
    /// <param name="assemblies">The non-framework assemblies the captured code uses directly.</param>
    /// <returns>The job source.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">A needed assembly has no file (it was loaded from memory).</exception>
    public static JobSource Create(string entryType, string entryMethod, SourceDocument[] sources, string[] usings, Assembly[] assemblies)
    {
        ArgumentNullException.ThrowIfNull(entryType);
        ArgumentNullException.ThrowIfNull(entryMethod);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(usings);
        ArgumentNullException.ThrowIfNull(assemblies);
        var paths = AssemblyFiles(assemblies, $"{entryType}.{entryMethod}");
        return JobSource.FromDocuments(sources, entryType, entryMethod, usings, paths);
    }

    /// <summary>Whether <paramref name="assembly"/> belongs to the shared framework every node has.</summary>
    internal static bool IsFramework(Assembly assembly) =>
        !assembly.IsDynamic && assembly.Location.Length > 0 &&
        string.Equals(Path.GetDirectoryName(assembly.Location), s_frameworkDirectory, StringComparison.Ordinal);

    /// <summary>The files of <paramref name="roots"/> and of every non-framework assembly they reference, transitively.</summary>
    internal static List<string> AssemblyFiles(IEnumerable<Assembly> roots, string entry)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<Assembly>(roots);
        while (pending.Count > 0)
        {
            var assembly = pending.Dequeue();
            var name = assembly.GetName().Name ?? string.Empty;
            // ParallelSharp's own assemblies (and through them Roslyn) are the runtime, never part of a job.
            if (!seen.Add(name) || IsFramework(assembly) || name.StartsWith("ParallelSharp.", StringComparison.Ordinal))
                continue;
            if (assembly.IsDynamic || assembly.Location.Length == 0)
                throw Errors.CapturedAssemblyWithoutFile(entry, assembly.FullName ?? name);
            files.Add(assembly.Location);
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is null || seen.Contains(reference.Name))
                    continue;
                if (TryLoad(reference) is { } loaded)
                    pending.Enqueue(loaded);
            }
        }

        return files;
    }

    private static Assembly? TryLoad(AssemblyName name)
    {
        try
        {
            return Assembly.Load(name);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            // An optional dependency the application does not deploy: the captured code cannot be using it either
            // (it ran here). If the node's compile does need it, it reports the missing reference by name.
            return null;
        }
    }
}
