using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelSharp.Generator.Analysis;

/// <summary>
/// What every call site of one compilation shares: semantic models (so a helper's body is bound once, not once per
/// call site), which referenced assemblies are framework, the global usings, and closures already computed for a
/// method. Lives exactly as long as its compilation and is never part of a pipeline model.
/// </summary>
internal sealed class CompilationFacts
{
    private static readonly ConditionalWeakTable<Compilation, CompilationFacts> s_facts = new();

    private readonly Dictionary<SyntaxTree, SemanticModel> _models = new();
    private readonly Dictionary<IAssemblySymbol, bool> _framework = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IAssemblySymbol, string?> _aliasOnly = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, Closure> _closures = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<SyntaxNode, List<SymbolUse>> _uses = new();
    private readonly Dictionary<string, string> _documents = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private IReadOnlyList<GlobalUsing>? _globalUsings;

    private CompilationFacts(Compilation compilation)
    {
        Compilation = compilation;
        IsNullableEnabled = compilation.Options is CSharpCompilationOptions { NullableContextOptions: NullableContextOptions.Enable };
    }

    public Compilation Compilation { get; }

    /// <summary>Whether the project enables nullable reference types (the node's compile does not by itself).</summary>
    public bool IsNullableEnabled { get; }

    public static CompilationFacts For(Compilation compilation) => s_facts.GetValue(compilation, static c => new CompilationFacts(c));

    /// <summary>
    /// The one semantic model of <paramref name="tree"/>'s file, so its method bodies are bound once for every query.
    /// </summary>
    /// <remarks>
    /// Nullable analysis is off: with it, the first question about a method body in a project that enables nullable
    /// reference types runs the whole body through the nullable walker (a fifth of the generator's time), and nothing
    /// the generator writes depends on inferred nullability (interceptors use oblivious types, packages are source text).
    /// The driver's own model is not used for the same reason.
    /// </remarks>
    public SemanticModel Model(SyntaxTree tree)
    {
        lock (_gate)
        {
            if (!_models.TryGetValue(tree, out var model))
                _models[tree] = model = CreateModel(tree);
            return model;
        }
    }

    private SemanticModel CreateModel(SyntaxTree tree)
    {
        try
        {
            return CreateModelWithoutNullableAnalysis(tree);
        }
        catch (MissingMethodException)
        {
            // The option is marked experimental (roslyn#70609): should a later compiler drop it, the generator only
            // gets slower.
            return Compilation.GetSemanticModel(tree);
        }
    }

    // A method of its own, so a compiler without the option fails when this is JIT-compiled, inside CreateModel's try.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private SemanticModel CreateModelWithoutNullableAnalysis(SyntaxTree tree)
    {
#pragma warning disable RSEXPERIMENTAL001 // Experimental; in the 4.14 API we build on and in the SDK's compiler. See CreateModel.
        return Compilation.GetSemanticModel(tree, SemanticModelOptions.DisableNullableAnalysis);
#pragma warning restore RSEXPERIMENTAL001
    }

    /// <summary>
    /// Whether <paramref name="assembly"/> is part of the .NET shared framework (Microsoft.NETCore.App), which every
    /// node has: the reference comes from its reference pack at build time, or from the runtime directory when a
    /// compilation is made in memory.
    /// </summary>
    public bool IsFramework(IAssemblySymbol assembly)
    {
        lock (_gate)
        {
            if (_framework.TryGetValue(assembly, out var known))
                return known;
            var path = (Compilation.GetMetadataReference(assembly) as PortableExecutableReference)?.FilePath;
            var result = path is not null && IsFrameworkPath(path);
            _framework[assembly] = result;
            return result;
        }
    }

    /// <summary>
    /// Whether code the generator adds to this compilation can write <paramref name="type"/> as <c>global::…</c>: not
    /// anonymous, file-local, a type parameter or an error; accessible from anywhere in the assembly (so not a private
    /// nested type); its type arguments and containing types likewise; and not from a reference that has only an
    /// extern alias (its types are not under <c>global::</c>).
    /// </summary>
    public bool CanName(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => CanName(array.ElementType),
        IDynamicTypeSymbol => true,
        INamedTypeSymbol named =>
            named.TypeKind != TypeKind.Error && !named.IsAnonymousType && !named.IsFileLocal &&
            Compilation.IsSymbolAccessibleWithin(named, Compilation.Assembly) &&
            IsUnderGlobalAlias(named.ContainingAssembly) &&
            (named.ContainingType is null || CanName(named.ContainingType)) &&
            named.TypeArguments.All(CanName),
        _ => false,
    };

    private bool IsUnderGlobalAlias(IAssemblySymbol? assembly) => assembly is null || ExternAliasOnly(assembly) is null;

    /// <summary>
    /// The extern alias under which the project references <paramref name="assembly"/>, when it references it only
    /// under aliases (so its types are not under <c>global::</c>); null otherwise.
    /// </summary>
    public string? ExternAliasOnly(IAssemblySymbol assembly)
    {
        if (SymbolEqualityComparer.Default.Equals(assembly, Compilation.Assembly))
            return null;
        lock (_gate)
        {
            if (!_aliasOnly.TryGetValue(assembly, out var known))
            {
                _aliasOnly[assembly] = known =
                    Compilation.GetMetadataReference(assembly) is { Properties.Aliases: { IsEmpty: false } aliases } && !aliases.Contains("global")
                        ? aliases[0]
                        : null;
            }

            return known;
        }
    }

    /// <summary>The symbols a declaration uses, bound once per compilation however many closures include it.</summary>
    public List<SymbolUse> Uses(SyntaxNode node, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_uses.TryGetValue(node, out var known))
                return known;
        }

        var uses = ClosureBuilder.FindUses(Model(node.SyntaxTree), node, cancellationToken);
        lock (_gate)
            _uses[node] = uses;
        return uses;
    }

    /// <summary>A pruned document already written for the same file and the same kept declarations.</summary>
    public string Document(string key, Func<string> write)
    {
        lock (_gate)
        {
            if (_documents.TryGetValue(key, out var known))
                return known;
        }

        var text = write();
        lock (_gate)
            _documents[key] = text;
        return text;
    }

    public bool TryGetClosure(IMethodSymbol method, out Closure closure)
    {
        lock (_gate)
            return _closures.TryGetValue(method, out closure!);
    }

    public void AddClosure(IMethodSymbol method, Closure closure)
    {
        lock (_gate)
            _closures[method] = closure;
    }

    /// <summary>The compilation's global usings (including the SDK's implicit ones), resolved.</summary>
    public IReadOnlyList<GlobalUsing> GlobalUsings(CancellationToken cancellationToken)
    {
        var known = _globalUsings;
        if (known is not null)
            return known;
        var list = new List<GlobalUsing>();
        foreach (var tree in Compilation.SyntaxTrees)
        {
            if (tree.GetRoot(cancellationToken) is not CompilationUnitSyntax unit)
                continue;
            foreach (var directive in unit.Usings)
            {
                if (directive.GlobalKeyword.IsKind(SyntaxKind.None) || directive.NamespaceOrType is null)
                    continue;
                var target = UsingTargets.Resolve(Model(tree), directive, cancellationToken);
                list.Add(new GlobalUsing(UsingTargets.Text(directive), target));
            }
        }

        return _globalUsings = list;
    }

    internal static bool IsFrameworkPath(string path)
    {
        foreach (var segment in path.Split('/', '\\'))
        {
            if (string.Equals(segment, "Microsoft.NETCore.App.Ref", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(segment, "Microsoft.NETCore.App", StringComparison.OrdinalIgnoreCase))
                return true;
        }

        return false;
    }
}

/// <summary>A global using: its text as the node's package takes it (<c>static System.Math</c>) and what it names.</summary>
internal sealed record GlobalUsing(string Text, ISymbol? Target);
