using System.Text;
using ParallelSharp.Generator.Analysis;
using ParallelSharp.Generator.Model;

namespace ParallelSharp.Generator.Emit;

/// <summary>
/// Writes the generated <c>Packages</c> class: every captured package as a row of indices into shared string tables,
/// and one method that builds a package from its row on first use.
/// </summary>
/// <remarks>
/// The packages are data rather than code because the compiler binds and emits data almost for free: a property per
/// package, each with a call and three array creations, cost the benchmark project (200 call sites) about as much
/// compile time as all its interceptors; the tables cost next to nothing. Building a package reads its row by index,
/// so the run time stays an array access per call and one walk over a few integers per function.
/// </remarks>
internal sealed class PackageTableWriter
{
    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _nameIndex = new(StringComparer.Ordinal);
    private readonly List<string> _texts = [];
    private readonly Dictionary<string, int> _textIndex = new(StringComparer.Ordinal);
    private readonly List<EquatableArray<AssemblyModel>> _assemblySets = [];

    /// <summary>Writes the class; <paramref name="byMethod"/> lists the packages the run time finds by the delegate's method.</summary>
    public static void Write(StringBuilder code, IReadOnlyList<PackageModel> packages, IReadOnlyList<int> byMethod) =>
        new PackageTableWriter().WriteClass(code, packages, byMethod);

    private void WriteClass(StringBuilder code, IReadOnlyList<PackageModel> packages, IReadOnlyList<int> byMethod)
    {
        // Rows first: they fill the tables in the order packages first use their entries, which keeps the output deterministic.
        var rows = new StringBuilder();
        var starts = new List<int>();
        var length = 0;
        foreach (var package in packages)
        {
            starts.Add(length);
            var row = Row(package);
            length += row.Count;
            rows.Append("            ").Append(string.Join(", ", row)).Append(", // ").Append(starts.Count - 1).Append(": ")
                .Append(package.EntryType).Append('.').Append(package.EntryMethod).Append('\n');
        }

        code.Append("    file static class Packages\n    {\n");
        code.Append("        // The captured documents, each once: packages that share a pruned file share its text.\n");
        code.Append("        private static readonly string[] s_texts =\n        {\n");
        foreach (var text in _texts)
            code.Append("            ").Append(Names.Literal(text)).Append(",\n");
        code.Append("        };\n\n");
        code.Append("        // Document paths, entry types and methods, and global usings, each once.\n");
        code.Append("        private static readonly string[] s_names =\n        {\n");
        foreach (var name in _names)
            code.Append("            ").Append(Names.Literal(name)).Append(",\n");
        code.Append("        };\n\n");
        code.Append("""
                    // Package p starts at s_layout[s_starts[p]]: its entry type and method (in s_names), its assembly set (-1: none),
                    // the number of its usings and their names, then the number of its documents and each one's path and text.
                    private static readonly int[] s_layout =
                    {

            """);
        code.Append(rows).Append("        };\n\n");
        code.Append("        private static readonly int[] s_starts = { ").Append(string.Join(", ", starts)).Append(" };\n\n");
        code.Append("        private static readonly global::ParallelSharp.JobSource?[] s_packages = new global::ParallelSharp.JobSource?[")
            .Append(packages.Count).Append("];\n\n");
        code.Append("""
                    // Built on first use: hashing the referenced assemblies is done once per function, not per call.
                    public static global::ParallelSharp.JobSource Get(int package) => s_packages[package] ??= Create(package);

                    private static global::ParallelSharp.JobSource Create(int package)
                    {
                        var at = s_starts[package];
                        var entryType = s_names[s_layout[at]];
                        var entryMethod = s_names[s_layout[at + 1]];
                        var assemblies = Assemblies(s_layout[at + 2]);
                        var usings = new string[s_layout[at + 3]];
                        at += 4;
                        for (var i = 0; i < usings.Length; i++)
                            usings[i] = s_names[s_layout[at++]];
                        var documents = new global::ParallelSharp.SourceDocument[s_layout[at++]];
                        for (var i = 0; i < documents.Length; i++, at += 2)
                            documents[i] = new global::ParallelSharp.SourceDocument(s_names[s_layout[at]], s_texts[s_layout[at + 1]]);
                        return global::ParallelSharp.Submission.CapturedJobSource.Create(entryType, entryMethod, documents, usings, assemblies);
                    }

                    // Assemblies are code (typeof is checked by the compiler), one array per distinct set.
                    private static global::System.Reflection.Assembly[] Assemblies(int set) => set switch
                    {

            """);
        for (var i = 0; i < _assemblySets.Count; i++)
        {
            code.Append("            ").Append(i).Append(" => new global::System.Reflection.Assembly[] { ");
            code.Append(string.Join(", ", _assemblySets[i].Select(a => a.AnchorType is { } anchor
                ? $"typeof({anchor}).Assembly"
                : $"global::System.Reflection.Assembly.Load(new global::System.Reflection.AssemblyName({Names.Literal(a.Name)}))")));
            code.Append(" },\n");
        }

        code.Append("            _ => global::System.Array.Empty<global::System.Reflection.Assembly>(),\n        };\n");
        if (byMethod.Count > 0)
            WriteRegistration(code, byMethod);
        code.Append("    }\n");
    }

    /// <summary>
    /// The packages of static methods passed as method groups, registered so that the run time finds them by the
    /// delegate's method: the same package from every call site, with no interceptor to compile for each.
    /// </summary>
    private static void WriteRegistration(StringBuilder code, IReadOnlyList<int> byMethod)
    {
        code.Append("\n        // Static methods passed as method groups: found by the delegate's method, so their call sites need no interceptor.\n");
        code.Append("        private static readonly int[] s_byMethod = { ").Append(string.Join(", ", byMethod)).Append(" };\n\n");
        code.Append("""
                    [global::System.Runtime.CompilerServices.ModuleInitializer]
                    internal static void Register() =>
                        global::ParallelSharp.Submission.CapturedFunctions.Register(typeof(Packages).Module, Find);

                    // Asked once per method: its entry type and name are unique among the captured methods.
                    private static global::ParallelSharp.JobSource? Find(string type, string method)
                    {
                        foreach (var package in s_byMethod)
                        {
                            var at = s_starts[package];
                            if (s_names[s_layout[at]] == type && s_names[s_layout[at + 1]] == method)
                                return Get(package);
                        }

                        return null;
                    }

            """);
    }

    private List<int> Row(PackageModel package)
    {
        var row = new List<int> { Name(package.EntryType), Name(package.EntryMethod), AssemblySet(package.Assemblies), package.Usings.Count };
        row.AddRange(package.Usings.Select(Name));
        row.Add(package.Documents.Count);
        foreach (var document in package.Documents)
        {
            row.Add(Name(document.Path));
            row.Add(Text(document));
        }

        return row;
    }

    private int Name(string name) => Intern(_names, _nameIndex, name);

    private int Text(DocumentModel document) => Intern(_texts, _textIndex, document.Text);

    /// <summary>The index of <paramref name="value"/> in <paramref name="table"/>, added on first use.</summary>
    private static int Intern(List<string> table, Dictionary<string, int> indexes, string value)
    {
        if (!indexes.TryGetValue(value, out var index))
        {
            indexes[value] = index = table.Count;
            table.Add(value);
        }

        return index;
    }

    private int AssemblySet(EquatableArray<AssemblyModel> assemblies)
    {
        if (assemblies.Count == 0)
            return -1;
        var index = _assemblySets.IndexOf(assemblies);
        if (index < 0)
        {
            index = _assemblySets.Count;
            _assemblySets.Add(assemblies);
        }

        return index;
    }
}
