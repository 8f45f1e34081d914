using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>
/// Finds a package's entry method in a compilation and checks that a job can call it: static, non-generic,
/// reachable from generated code, with by-value parameters and a return value that JSON can carry. (The types in
/// its signature need no check of their own: C# already requires them to be as accessible as the method.)
/// </summary>
/// <remarks>
/// Works on declarations only (no method bodies are bound), so it is cheap enough to run before emitting.
/// Each rule has its own message in <see cref="Errors"/> saying what was expected, what was found and what to do.
/// </remarks>
internal static class EntryPointResolver
{
    /// <summary>Types as messages show them: <c>int</c>, <c>List&lt;string&gt;</c>, <c>Outer.Inner</c>.</summary>
    public static readonly SymbolDisplayFormat DisplayFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes |
                              SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    /// <summary>Resolves and validates the entry method <paramref name="entryType"/>.<paramref name="entryMethod"/>.</summary>
    /// <param name="compilation">The compilation of the package's own sources.</param>
    /// <param name="package">The package (for messages).</param>
    /// <param name="entryType">The metadata name of the entry type; nested types with '+' (a '.' is tried as well).</param>
    /// <param name="entryMethod">The entry method's name.</param>
    /// <param name="displayName">Replaces <c>Type.Method</c> in messages and the signature (for lambdas: <c>lambda</c>).</param>
    /// <exception cref="JobCompilationException">The entry point is missing or not callable as a job.</exception>
    public static EntryPoint Resolve(CSharpCompilation compilation, JobPackage package, string entryType, string entryMethod, string? displayName)
    {
        var type = FindType(compilation.Assembly, entryType);
        if (type is null)
        {
            var declared = DeclaredTypes(compilation.Assembly.GlobalNamespace);

            // File-local types have mangled metadata names, so the lookup above cannot see them: say why.
            var wanted = entryType.Replace('+', '.');
            if (declared.FirstOrDefault(d => d.Type.IsFileLocal && string.Equals(d.Name.Replace('+', '.'), wanted, StringComparison.Ordinal)) is { Type: { } fileLocal })
                throw Errors.EntryTypeFileLocal(fileLocal.ToDisplayString(DisplayFormat), $"{fileLocal.ToDisplayString(DisplayFormat)}.{entryMethod}");

            var names = declared.Select(d => d.Name).ToArray();
            throw Errors.EntryTypeNotFound(package, names, SuggestType(names, entryType));
        }

        var typeName = type.ToDisplayString(DisplayFormat);
        var candidates = type.GetMembers(entryMethod).OfType<IMethodSymbol>()
            .Where(m => m.MethodKind == MethodKind.Ordinary && !m.IsImplicitlyDeclared)
            .ToArray();
        if (candidates.Length == 0)
        {
            var methods = type.GetMembers().OfType<IMethodSymbol>()
                .Where(m => m.MethodKind == MethodKind.Ordinary && !m.IsImplicitlyDeclared)
                .Select(m => m.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            var suggestion = methods.FirstOrDefault(m => string.Equals(m, entryMethod, StringComparison.OrdinalIgnoreCase));
            throw Errors.EntryMethodNotFound(package, typeName, methods, suggestion);
        }

        if (candidates.Length > 1)
            throw Errors.EntryMethodOverloaded(typeName, entryMethod, candidates.Select(m => Describe(m, displayName).Call).ToArray());

        return Validate(candidates[0], compilation, displayName);
    }

    /// <summary>Checks that <paramref name="method"/> (an entry method, or a lambda's method) can be called as a job.</summary>
    /// <exception cref="JobCompilationException">It cannot.</exception>
    public static EntryPoint Validate(IMethodSymbol method, CSharpCompilation compilation, string? displayName)
    {
        var (call, signature) = Describe(method, displayName);
        var isLambda = method.MethodKind is MethodKind.AnonymousFunction;

        if (!isLambda)
        {
            if (method.IsGenericMethod)
                throw Errors.EntryMethodGeneric(call);
            for (var containing = method.ContainingType; containing is not null; containing = containing.ContainingType)
            {
                if (containing.IsGenericType)
                    throw Errors.EntryTypeGeneric(containing.ToDisplayString(DisplayFormat), call);
            }

            if (!method.IsStatic)
                throw Errors.EntryMethodNotStatic(call);
            if (method.IsAbstract)
                throw Errors.EntryMethodAbstract(call);
            if (method.IsVararg)
                throw Errors.EntryMethodVarargs(call);
            if (!IsCallableFromAssembly(method.DeclaredAccessibility))
                throw Errors.EntryNotAccessible(call, "the method", Describe(method.DeclaredAccessibility));
            for (var containing = method.ContainingType; containing is not null; containing = containing.ContainingType)
            {
                if (containing.IsFileLocal)
                    throw Errors.EntryTypeFileLocal(containing.ToDisplayString(DisplayFormat), call);
                if (!IsCallableFromAssembly(containing.DeclaredAccessibility))
                    throw Errors.EntryNotAccessible(call, $"its containing type {containing.ToDisplayString(DisplayFormat)}",
                        Describe(containing.DeclaredAccessibility));
            }
        }

        if (method.IsAsync && method.ReturnsVoid)
            throw Errors.ReturnTypeUnsupported(call, "void from an async method",
                "so nothing can wait for it and its exceptions would crash the worker; return Task instead");
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            throw Errors.ReturnByReference(call);

        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            if (parameter.RefKind != RefKind.None)
                throw Errors.ParameterByReference(call, i, parameter.Name, RefKindKeyword(parameter.RefKind));
            if (parameter.IsParams)
                throw Errors.ParameterParams(call, i, parameter.Name);
            if (UnsupportedReason(parameter.Type, call) is { } reason)
                throw Errors.ParameterTypeUnsupported(call, i, parameter.Name, parameter.Type.ToDisplayString(DisplayFormat), reason);
        }

        var (returnKind, resultType) = ClassifyReturn(method.ReturnType, compilation);
        if (resultType is not null)
        {
            if (UnsupportedReason(resultType, call) is { } reason)
                throw Errors.ReturnTypeUnsupported(call, resultType.ToDisplayString(DisplayFormat), reason);
        }

        return new EntryPoint(method, call, signature, returnKind, resultType);
    }

    /// <summary>The entry as messages show it: <c>Primes.SumPrimes(int n)</c> and <c>long Primes.SumPrimes(int n)</c>.</summary>
    public static (string Call, string Signature) Describe(IMethodSymbol method, string? displayName)
    {
        var name = displayName ?? $"{method.ContainingType.ToDisplayString(DisplayFormat)}.{method.Name}";
        var parameters = string.Join(", ", method.Parameters.Select(p =>
            $"{RefPrefix(p)}{p.Type.ToDisplayString(DisplayFormat)} {p.Name}"));
        var call = $"{name}({parameters})";
        var returnType = method.ReturnsVoid ? "void" : method.ReturnType.ToDisplayString(DisplayFormat);
        return (call, $"{returnType} {call}");
    }

    /// <summary>Whether <paramref name="type"/> is or contains an anonymous type (which generated code cannot name).</summary>
    public static bool ContainsAnonymousType(ITypeSymbol type) => type switch
    {
        { IsAnonymousType: true } => true,
        IArrayTypeSymbol array => ContainsAnonymousType(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsAnonymousType),
        _ => false,
    };

    private static INamedTypeSymbol? FindType(IAssemblySymbol assembly, string entryType)
    {
        if (assembly.GetTypeByMetadataName(entryType) is { } exact)
            return exact;

        // Users often write nested types with '.': try each '.' from the right as a nesting '+'.
        var name = entryType;
        for (var dot = name.LastIndexOf('.'); dot > 0; dot = name.LastIndexOf('.', dot - 1))
        {
            name = string.Concat(name.AsSpan(0, dot), "+", name.AsSpan(dot + 1));
            if (assembly.GetTypeByMetadataName(name) is { } nested)
                return nested;
        }

        return null;
    }

    private static List<(string Name, INamedTypeSymbol Type)> DeclaredTypes(INamespaceSymbol root)
    {
        var types = new List<(string Name, INamedTypeSymbol Type)>();
        void Visit(INamespaceOrTypeSymbol symbol, string prefix)
        {
            foreach (var member in symbol.GetMembers())
            {
                if (member is INamespaceSymbol ns)
                {
                    var nsName = prefix.Length == 0 ? ns.Name : $"{prefix}.{ns.Name}";
                    if (!string.Equals(nsName, JobEntryPointContract.Namespace, StringComparison.Ordinal))
                        Visit(ns, nsName);
                }
                else if (member is INamedTypeSymbol type && !type.IsImplicitlyDeclared && type.Locations.Any(l => l.IsInSource))
                {
                    // The name a package would use: metadata style ('+' for nesting, `N for generic arity), but readable for file-local types.
                    var simple = type.Arity == 0 ? type.Name : $"{type.Name}`{type.Arity}";
                    var separator = symbol is INamedTypeSymbol ? "+" : ".";
                    var typeName = prefix.Length == 0 ? simple : $"{prefix}{separator}{simple}";
                    types.Add((typeName, type));
                    Visit(type, typeName);
                }
            }
        }

        Visit(root, string.Empty);
        types.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return types;
    }

    private static string? SuggestType(IReadOnlyList<string> declared, string entryType)
    {
        var simple = entryType[(entryType.LastIndexOfAny(['.', '+']) + 1)..];
        return declared.FirstOrDefault(d => string.Equals(d, entryType, StringComparison.OrdinalIgnoreCase))
            ?? declared.FirstOrDefault(d => string.Equals(d[(d.LastIndexOfAny(['.', '+']) + 1)..], simple, StringComparison.OrdinalIgnoreCase));
    }

    private static (EntryReturnKind Kind, ITypeSymbol? ResultType) ClassifyReturn(ITypeSymbol returnType, CSharpCompilation compilation)
    {
        if (returnType.SpecialType == SpecialType.System_Void)
            return (EntryReturnKind.Void, null);
        if (returnType is INamedTypeSymbol named && IsFrameworkTask(named, compilation))
        {
            return named.IsGenericType
                ? (EntryReturnKind.AwaitableOfValue, named.TypeArguments[0])
                : (EntryReturnKind.Awaitable, null);
        }

        return (EntryReturnKind.Value, returnType);
    }

    private static bool IsFrameworkTask(INamedTypeSymbol type, CSharpCompilation compilation)
    {
        if (!SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.ObjectType.ContainingAssembly))
            return false;
        if (type.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
            return false;
        return type.MetadataName is "Task" or "Task`1" or "ValueTask" or "ValueTask`1";
    }

    private static string? UnsupportedReason(ITypeSymbol type, string call)
    {
        switch (type)
        {
            case { TypeKind: TypeKind.Error }:
                // The source has errors; the caller reports the compiler's diagnostics instead of this.
                throw Errors.EntrySignatureUnresolved(call);
            case IPointerTypeSymbol:
                return "which is a pointer type and cannot travel as JSON";
            case IFunctionPointerTypeSymbol:
                return "which is a function pointer and cannot travel as JSON";
            case { IsRefLikeType: true }:
                return "which is a ref struct (such as Span<T>) and cannot be read from or written to JSON as a value; use an array";
            case { TypeKind: TypeKind.Delegate }:
                return "which is a delegate and cannot travel as JSON";
            case ITypeParameterSymbol:
                return "which is a type parameter that nothing can supply";
            case IArrayTypeSymbol array:
                return UnsupportedReason(array.ElementType, call);
            case INamedTypeSymbol named:
                foreach (var argument in named.TypeArguments)
                {
                    if (UnsupportedReason(argument, call) is { } inner)
                        return inner;
                }

                return null;
            default:
                return null;
        }
    }

    private static bool IsCallableFromAssembly(Accessibility accessibility) =>
        accessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal or Accessibility.NotApplicable;

    private static string Describe(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => SyntaxFacts.GetText(accessibility),
    };

    private static string RefKindKeyword(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref",
        RefKind.Out => "out",
        RefKind.In => "in",
        RefKind.RefReadOnlyParameter => "ref readonly",
        _ => kind.ToString(),
    };

    private static string RefPrefix(IParameterSymbol parameter) =>
        (parameter.IsParams ? "params " : string.Empty) +
        (parameter.RefKind == RefKind.None ? string.Empty : RefKindKeyword(parameter.RefKind) + " ");
}
