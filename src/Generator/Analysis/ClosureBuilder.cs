using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelSharp.Generator.Analysis;

/// <summary>
/// Collects everything in the user's code that a function needs: a work list of declarations, each scanned for
/// the symbols it uses until nothing new turns up. Source members and types are kept (pruned to what is used);
/// symbols from referenced assemblies record the assembly (unless it is framework); what cannot ship is a
/// <see cref="Problem"/>.
/// </summary>
/// <remarks>
/// Types are kept in one of two <see cref="TypeMode"/>s. A type whose values exist in the function (a parameter,
/// a local, a <c>new</c>) is kept with its state, constructors, instance members, operators and base types, so the
/// node compiles a twin that JSON fills the same way. A type used only as a container of static members keeps just
/// those. Static members are always kept only when used, so a helper class with fifty methods ships the two the
/// function calls, and not the dependencies of the other forty-eight.
/// </remarks>
internal sealed partial class ClosureBuilder
{
    private readonly CompilationFacts _facts;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<INamedTypeSymbol, TypeMode> _types = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _members = new(SymbolEqualityComparer.Default);
    private readonly HashSet<SyntaxNode> _keptMembers = [];
    private readonly HashSet<SyntaxNode> _visible = [];
    private readonly HashSet<SyntaxNode> _queued = [];
    private readonly Queue<ScanItem> _pending = new();
    private readonly Dictionary<IAssemblySymbol, string?> _assemblies = new(SymbolEqualityComparer.Default);
    private readonly List<Problem> _problems = [];
    private readonly HashSet<string> _problemKeys = new(StringComparer.Ordinal);
    private readonly HashSet<LocalFunctionStatementSyntax> _injectedLocals = [];
    private readonly List<string> _injections = [];
    private ScanItem _current;

    public ClosureBuilder(CompilationFacts facts, CancellationToken cancellationToken)
    {
        _facts = facts;
        _cancellationToken = cancellationToken;
    }

    public CompilationFacts Facts => _facts;

    public IReadOnlyDictionary<INamedTypeSymbol, TypeMode> Types => _types;

    public IReadOnlyCollection<SyntaxNode> KeptMembers => _keptMembers;

    public IReadOnlyCollection<SyntaxNode> Visible => _visible;

    public IReadOnlyDictionary<IAssemblySymbol, string?> Assemblies => _assemblies;

    public IReadOnlyList<Problem> Problems => _problems;

    /// <summary>Members written by the generator (lambdas, local functions) for the injection host.</summary>
    public IReadOnlyList<string> Injections => _injections;

    /// <summary>Where <see cref="Injections"/> go: a type declaration, or (null) a class of their own in <see cref="InjectionTree"/>.</summary>
    public TypeDeclarationSyntax? InjectionHost { get; private set; }

    /// <summary>The file that receives the injections when the call site is in top-level statements.</summary>
    public SyntaxTree? InjectionTree { get; private set; }

    /// <summary>The type that holds injected members (null for top-level statements).</summary>
    public INamedTypeSymbol? InjectionHostSymbol { get; private set; }

    /// <summary>Sets where generated members go: the type declaration around the call site, or its file.</summary>
    public void SetInjectionHost(TypeDeclarationSyntax? host, INamedTypeSymbol? hostSymbol, SyntaxTree tree)
    {
        InjectionHost = host;
        InjectionHostSymbol = hostSymbol;
        InjectionTree = tree;
        if (hostSymbol is not null)
        {
            MarkType(hostSymbol, TypeMode.Shell);
            MakeVisible(hostSymbol);
        }
    }

    /// <summary>Adds a generated member to the injection host; <paramref name="root"/> is the code it was written from.</summary>
    public void Inject(string member, SyntaxNode root)
    {
        _injections.Add(member);
        Enqueue(new ScanItem(root, root, InjectionHostSymbol));
    }

    /// <summary>Marks a local function as already injected (it is the entry point itself).</summary>
    public void MarkInjected(LocalFunctionStatementSyntax localFunction) => _injectedLocals.Add(localFunction);

    public void Report(DiagnosticDescriptor descriptor, params string[] arguments)
    {
        if (_problemKeys.Add(descriptor.Id + "|" + string.Join("|", arguments)))
            _problems.Add(new Problem(descriptor, arguments));
    }

    /// <summary>Processes the work list until every kept declaration has been scanned.</summary>
    public void Run()
    {
        while (_pending.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            Scan(_pending.Dequeue());
        }
    }

    public static bool IsSource(ISymbol symbol, Compilation compilation) =>
        SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, compilation.Assembly);

    private bool IsSource(ISymbol symbol) => IsSource(symbol, _facts.Compilation);

    /// <summary>Makes <paramref name="symbol"/> and its containing types reachable from generated code (private becomes internal).</summary>
    public void MakeVisible(ISymbol symbol)
    {
        for (var current = symbol; current is not null and not INamespaceSymbol; current = current.ContainingType)
        {
            if (!IsSource(current) || current.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal)
                continue;
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(_cancellationToken) is MemberDeclarationSyntax declaration)
                    _visible.Add(declaration);
            }
        }
    }

    /// <summary>Makes every source type named in <paramref name="type"/> reachable from generated code.</summary>
    public void MakeVisible(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                MakeVisible(array.ElementType);
                break;
            case INamedTypeSymbol named:
                MakeVisible((ISymbol)named.OriginalDefinition);
                foreach (var argument in named.TypeArguments)
                    MakeVisible(argument);
                break;
        }
    }

    public void AddType(ITypeSymbol? type, TypeMode mode)
    {
        switch (type)
        {
            case null or IErrorTypeSymbol or IDynamicTypeSymbol:
                return;
            case IArrayTypeSymbol array:
                AddType(array.ElementType, TypeMode.Full);
                return;
            case IPointerTypeSymbol pointer:
                AddType(pointer.PointedAtType, TypeMode.Full);
                return;
            case IFunctionPointerTypeSymbol functionPointer:
                if (functionPointer.Signature.CallingConvention != System.Reflection.Metadata.SignatureCallingConvention.Default)
                    Report(Diagnostics.NativeInterop, functionPointer.ToDisplayString(Names.Short), "is an unmanaged function pointer");
                AddType(functionPointer.Signature.ReturnType, TypeMode.Full);
                foreach (var parameter in functionPointer.Signature.Parameters)
                    AddType(parameter.Type, TypeMode.Full);
                return;
            case ITypeParameterSymbol typeParameter:
                CheckTypeParameter(typeParameter);
                return;
            case INamedTypeSymbol { IsTupleType: true } tuple:
                foreach (var element in tuple.TupleElements)
                    AddType(element.Type, TypeMode.Full);
                return;
            case INamedTypeSymbol { IsAnonymousType: true } anonymous:
                foreach (var property in anonymous.GetMembers().OfType<IPropertySymbol>())
                    AddType(property.Type, TypeMode.Full);
                return;
            case INamedTypeSymbol named:
                foreach (var argument in named.TypeArguments)
                    AddType(argument, TypeMode.Full);
                for (var containing = named.ContainingType; containing is not null; containing = containing.ContainingType)
                {
                    foreach (var argument in containing.TypeArguments)
                        AddType(argument, TypeMode.Full);
                }

                MarkType(named.OriginalDefinition, mode);
                return;
        }
    }

    private void CheckTypeParameter(ITypeParameterSymbol typeParameter)
    {
        // Inside an injected lambda, a type parameter of the enclosing generic code has no value on the node.
        if (_current.InjectedRoot is not { } root)
            return;
        foreach (var reference in typeParameter.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != root.SyntaxTree || !root.Span.Contains(reference.Span))
                Report(Diagnostics.OpenGeneric, typeParameter.Name);
        }
    }

    public void MarkType(INamedTypeSymbol type, TypeMode mode)
    {
        type = type.OriginalDefinition;
        if (!IsSource(type))
        {
            RecordAssembly(type.ContainingAssembly, type);
            return;
        }

        if (type.TypeKind is TypeKind.Enum or TypeKind.Interface or TypeKind.Delegate || type.IsRecord)
            mode = TypeMode.Full;
        if (_types.TryGetValue(type, out var current) && current >= mode)
            return;
        var isNew = !_types.ContainsKey(type);
        _types[type] = mode;
        if (type.ContainingType is not null)
            MarkType(type.ContainingType, TypeMode.Shell);

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            switch (reference.GetSyntax(_cancellationToken))
            {
                case EnumDeclarationSyntax or DelegateDeclarationSyntax:
                    Enqueue(new ScanItem(reference.GetSyntax(_cancellationToken), null, type));
                    break;
                case TypeDeclarationSyntax declaration:
                    if (isNew)
                    {
                        foreach (var attributes in declaration.AttributeLists)
                            Enqueue(new ScanItem(attributes, null, type));
                        foreach (var constraint in declaration.ConstraintClauses)
                            Enqueue(new ScanItem(constraint, null, type));
                    }

                    if (mode == TypeMode.Full)
                    {
                        if (declaration.BaseList is not null)
                            Enqueue(new ScanItem(declaration.BaseList, null, type));
                        if (declaration.ParameterList is not null)
                            Enqueue(new ScanItem(declaration.ParameterList, null, type));
                    }

                    break;
            }
        }

        if (mode != TypeMode.Full)
            return;
        AddType(type.BaseType, TypeMode.Full);
        foreach (var implemented in type.Interfaces)
            AddType(implemented, TypeMode.Full);
        // Static implementations of static abstract/virtual interface members are reached through the interface.
        foreach (var implemented in type.AllInterfaces)
        {
            foreach (var interfaceMember in implemented.GetMembers())
            {
                if (interfaceMember.IsStatic && (interfaceMember.IsAbstract || interfaceMember.IsVirtual) &&
                    type.FindImplementationForInterfaceMember(interfaceMember) is { } implementation)
                    AddMember(implementation);
            }
        }

        foreach (var member in type.GetMembers())
        {
            if (member is INamedTypeSymbol || member.IsImplicitlyDeclared)
                continue;
            if (type.TypeKind == TypeKind.Interface || !member.IsStatic ||
                member is IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator or MethodKind.Conversion })
                AddMember(member);
        }
    }

    /// <summary>Keeps a member (and what it needs): its declaration is scanned in turn.</summary>
    public void AddMember(ISymbol symbol)
    {
        var member = Normalize(symbol);
        if (!IsSource(member))
        {
            CheckMetadataMember(member);
            RecordAssembly(member.ContainingAssembly, member as INamedTypeSymbol ?? member.ContainingType);
            return;
        }

        if (!_members.Add(member))
            return;
        var containing = member.ContainingType;
        if (member.IsImplicitlyDeclared || containing is null)
        {
            if (containing is not null)
                MarkType(containing, TypeMode.Full);
            return;
        }

        var declarations = member.DeclaringSyntaxReferences.ToList();
        if (member is IMethodSymbol method)
        {
            CheckSourceMethod(method);
            if (method.PartialImplementationPart is { } implementation)
                declarations.AddRange(implementation.DeclaringSyntaxReferences);
        }
        else if (member is IPropertySymbol { PartialImplementationPart: { } propertyImplementation })
        {
            declarations.AddRange(propertyImplementation.DeclaringSyntaxReferences);
        }
        else if (member is IPropertySymbol { IsPartialDefinition: true })
        {
            // [GeneratedRegex] on a partial property (C# 13) is the same case as on a partial method.
            Report(Diagnostics.Unreachable, member.ToDisplayString(Names.Short), PartialWithoutImplementation);
        }

        var needsInstance = !member.IsStatic || member is IMethodSymbol { MethodKind: MethodKind.Constructor };
        MarkType(containing, needsInstance ? TypeMode.Full : TypeMode.Shell);
        if (member is IFieldSymbol { IsStatic: true, IsConst: false } or IPropertySymbol { IsStatic: true })
        {
            // Static state may be set up by the static constructor.
            foreach (var constructor in containing.StaticConstructors)
            {
                if (!constructor.IsImplicitlyDeclared)
                    AddMember(constructor);
            }
        }

        foreach (var reference in declarations)
        {
            if (DeclarationOf(reference.GetSyntax(_cancellationToken)) is { } declaration && _keptMembers.Add(declaration))
                Enqueue(new ScanItem(declaration, null, containing));
        }
    }

    private static ISymbol Normalize(ISymbol symbol)
    {
        switch (symbol)
        {
            case IMethodSymbol method:
                method = (method.ReducedFrom ?? method).OriginalDefinition;
                if (method.MethodKind is MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.EventRaise &&
                    method.AssociatedSymbol is { } associated)
                    return Normalize(associated);
                return method.PartialDefinitionPart ?? method;
            case IPropertySymbol property:
                property = property.OriginalDefinition;
                return property.PartialDefinitionPart ?? property;
            case IFieldSymbol field:
                field = field.OriginalDefinition;
                return field.AssociatedSymbol is IPropertySymbol or IEventSymbol ? Normalize(field.AssociatedSymbol) : field;
            default:
                return symbol.OriginalDefinition;
        }
    }

    /// <summary>The member declaration to keep for a symbol's syntax; null for parts of a type's header (record parameters).</summary>
    private static MemberDeclarationSyntax? DeclarationOf(SyntaxNode node) => node switch
    {
        VariableDeclaratorSyntax { Parent.Parent: BaseFieldDeclarationSyntax field } => field,
        EnumMemberDeclarationSyntax or BaseTypeDeclarationSyntax or DelegateDeclarationSyntax => null,
        MemberDeclarationSyntax member => member,
        AccessorDeclarationSyntax { Parent.Parent: MemberDeclarationSyntax owner } => owner,
        _ => null,
    };

    private void CheckSourceMethod(IMethodSymbol method)
    {
        var name = method.ToDisplayString(Names.Short);
        if (method.GetDllImportData() is not null)
            Report(Diagnostics.NativeInterop, name, "calls native code through [DllImport]");
        else if (method.GetAttributes().Any(a => a.AttributeClass?.Name == "LibraryImportAttribute"))
            Report(Diagnostics.NativeInterop, name, "calls native code through [LibraryImport]");
        else if (method.IsExtern)
            Report(Diagnostics.NativeInterop, name, "is an extern method implemented outside C#");
        else if (method.IsPartialDefinition && method.PartialImplementationPart is null &&
                 (method.DeclaredAccessibility != Accessibility.Private || !method.ReturnsVoid))
            Report(Diagnostics.Unreachable, name, PartialWithoutImplementation);
    }

    private void CheckMetadataMember(ISymbol member)
    {
        if (member is IMethodSymbol method && method.GetDllImportData() is not null)
            Report(Diagnostics.NativeInterop, member.ToDisplayString(Names.Short), "calls native code through [DllImport]");
        else if (member.ContainingType is { Name: "NativeLibrary", ContainingNamespace: { } ns } && ns.ToDisplayString() == "System.Runtime.InteropServices")
            Report(Diagnostics.NativeInterop, member.ToDisplayString(Names.Short), "loads a native library");
    }

    private void RecordAssembly(IAssemblySymbol? assembly, INamedTypeSymbol? anchor)
    {
        if (assembly is null || SymbolEqualityComparer.Default.Equals(assembly, _facts.Compilation.Assembly) || _facts.IsFramework(assembly))
            return;
        if (_facts.ExternAliasOnly(assembly) is { } alias)
        {
            // The node references the shipped assemblies without aliases, so the captured 'extern alias' would not compile there.
            Report(Diagnostics.Unreachable, assembly.Name,
                $"which this project references only under the extern alias '{alias}', and a node references it without one; reference it without an alias (or add 'global' to its aliases) to use it in a job");
            return;
        }

        var candidate = anchor is not null && _facts.CanName(anchor) ? anchor.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) : null;
        if (!_assemblies.TryGetValue(assembly, out var known))
            _assemblies[assembly] = candidate;
        else if (candidate is not null && (known is null || string.CompareOrdinal(candidate, known) < 0))
            _assemblies[assembly] = candidate; // the smallest name: the same anchor whatever order the code is scanned in
    }

    private void Enqueue(ScanItem item)
    {
        if (_queued.Add(item.Node))
            _pending.Enqueue(item);
    }

    /// <summary>A piece of syntax to scan.</summary>
    /// <param name="Node">The syntax.</param>
    /// <param name="InjectedRoot">For code the generator re-writes elsewhere (a lambda, a local function): that code.</param>
    /// <param name="Owner">The type whose code this is.</param>
    private readonly record struct ScanItem(SyntaxNode Node, SyntaxNode? InjectedRoot, INamedTypeSymbol? Owner);
}
