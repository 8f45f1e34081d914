using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ParallelSharp.Generator.Model;

namespace ParallelSharp.Generator.Analysis;

/// <summary>
/// Turns one <c>server.Submit(function, ...)</c> / <c>Map</c> / <c>MapUnordered</c> call into a <see cref="CallSite"/>:
/// what the function is (method group, lambda, local function), whether it can ship, and its package.
/// </summary>
internal static class CallSiteAnalyzer
{
    private const string Submit = "Submit";

    /// <summary>The cheap syntactic filter: a call of a member named Submit, Map or MapUnordered with arguments.</summary>
    public static bool IsCandidate(SyntaxNode node) =>
        node is InvocationExpressionSyntax
        {
            Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Submit" or "Map" or "MapUnordered" },
            ArgumentList.Arguments.Count: > 0,
        };

    public static CallSite? Analyze(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        // Every semantic query about this file goes through one model, so its method bodies are bound once.
        var facts = CompilationFacts.For(context.SemanticModel.Compilation);
        var model = facts.Model(invocation.SyntaxTree);
        var invoked = model.GetSymbolInfo(invocation, cancellationToken);
        if (invoked.Symbol is not IMethodSymbol method || !IsDelegateOverload(method))
            return invoked.Symbol is null ? Unresolved(invocation, invoked, model, cancellationToken) : null;
        if (FunctionArgument(invocation) is not { } argument)
            return null;

        var site = new Site(method.Name, argument.Expression);
        if (CheckSignature(method, site))
            return site.Result(null, null);

        var function = Unwrap(argument.Expression);
        Closure closure;
        bool hasReceiver;
        var byMethod = false;
        if (function is AnonymousFunctionExpressionSyntax lambda)
        {
            if (model.GetSymbolInfo(lambda, cancellationToken).Symbol is not IMethodSymbol lambdaSymbol)
                return null;
            closure = CaptureLambda(facts, model, invocation, lambda, lambdaSymbol, cancellationToken);
            hasReceiver = false;
        }
        else
        {
            var info = model.GetSymbolInfo(function, cancellationToken);
            var symbol = info.Symbol ?? (info.CandidateSymbols.Length > 0 ? info.CandidateSymbols[0] : null);
            if (symbol is not IMethodSymbol target || function is not (SimpleNameSyntax or MemberAccessExpressionSyntax))
            {
                site.Add(Diagnostics.NotAFunction, site.Api, Describe(symbol, function));
                return site.Result(null, null);
            }

            if (target.MethodKind == MethodKind.LocalFunction)
            {
                closure = CaptureLocalFunction(facts, target, cancellationToken);
                hasReceiver = false;
            }
            else
            {
                hasReceiver = target.ReducedFrom is not null || !target.IsStatic;
                if (hasReceiver && CheckReceiver(target, site))
                    return site.Result(null, null);
                closure = CaptureMethod(facts, target, hasReceiver, cancellationToken);
                // A static method with a name of its own ships the same from every call site: the run time finds its
                // package by the delegate's method (CapturedFunctions), which spares the build an interceptor per call.
                byMethod = !hasReceiver && IsDirectEntry(target, facts.Compilation);
            }
        }

        foreach (var problem in closure.Problems)
            site.Add(problem.Descriptor, new[] { site.Api }.Concat(problem.Arguments).ToArray());
        if (closure.Package is null || site.HasErrors)
            return site.Result(null, closure.Package);
        if (byMethod)
            return site.Result(null, closure.Package, byMethod: true);

        var location = model.GetInterceptableLocation(invocation, cancellationToken);
        if (location is null)
            return site.Result(null, closure.Package);
        var interception = new Interception(location.Version, location.Data, location.GetDisplayLocation(), Shape(method, hasReceiver, facts));
        return site.Result(interception, closure.Package);
    }

    /// <summary>
    /// A call that binds to no overload because its lambda uses a name that does not exist here (so the lambda has no
    /// return type to infer): when another source generator makes that name, the user's build succeeds and the call
    /// would reach the uncaptured overload at run time.
    /// </summary>
    private static CallSite? Unresolved(InvocationExpressionSyntax invocation, SymbolInfo invoked, SemanticModel model, CancellationToken cancellationToken)
    {
        if (invoked.CandidateSymbols.OfType<IMethodSymbol>().FirstOrDefault(IsDelegateOverload) is not { } candidate ||
            FunctionArgument(invocation) is not { } argument ||
            MissingSymbols.Find(model, argument.Expression, cancellationToken) is not { } missing)
            return null;
        var site = new Site(candidate.Name, argument.Expression);
        site.Add(Diagnostics.MadeByAnotherGenerator, site.Api, missing.Name, missing.Error);
        return site.Result(null, null);
    }

    private static bool IsDelegateOverload(IMethodSymbol method) =>
        method.ContainingType is { Name: "JobServer", ContainingNamespace: { Name: "ParallelSharp", ContainingNamespace.IsGlobalNamespace: true } } &&
        method.Name is Submit or "Map" or "MapUnordered" &&
        method.Parameters.Length > 0 &&
        method.OriginalDefinition.Parameters[0].Type.TypeKind == TypeKind.Delegate;

    private static ArgumentSyntax? FunctionArgument(InvocationExpressionSyntax invocation)
    {
        var arguments = invocation.ArgumentList.Arguments;
        return arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == "function") ??
               arguments.FirstOrDefault(a => a.NameColon is null);
    }

    private static ExpressionSyntax Unwrap(ExpressionSyntax expression)
    {
        while (true)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    break;
                case CastExpressionSyntax cast:
                    expression = cast.Expression;
                    break;
                default:
                    return expression;
            }
        }
    }

    private static string Describe(ISymbol? symbol, ExpressionSyntax expression) => symbol switch
    {
        ILocalSymbol local => $"the local variable '{local.Name}'",
        IParameterSymbol parameter => $"the parameter '{parameter.Name}'",
        IFieldSymbol field => $"the field '{field.Name}'",
        IPropertySymbol property => $"the property '{property.Name}'",
        _ => expression switch
        {
            InvocationExpressionSyntax => "the result of a call",
            BaseObjectCreationExpressionSyntax => "a delegate created with 'new'",
            _ => $"the expression '{expression}'",
        },
    };

    /// <summary>Checks the function's parameter and result types; returns whether an error was reported.</summary>
    private static bool CheckSignature(IMethodSymbol method, Site site)
    {
        var types = method.TypeArguments;
        foreach (var type in types)
        {
            if (FindTypeParameter(type) is { } open)
            {
                site.Add(Diagnostics.OpenGeneric, site.Api, open.Name);
                return true;
            }
        }

        var result = types[types.Length - 1];
        for (var i = 0; i < types.Length - 1; i++)
        {
            if (types[i].IsRefLikeType)
            {
                site.Add(Diagnostics.UnsupportedSignature, site.Api, $"its parameter {i + 1} is {types[i].ToDisplayString(Names.Short)}, a ref struct that cannot travel as JSON",
                    "Take an array instead and make the span inside the function");
                return true;
            }
        }

        // Task<T> and ValueTask<T> functions bind to the overloads that wait for the task, whose TResult is the value;
        // a task left here is one with no value, or one that explicit type arguments forced into TResult.
        if (result is INamedTypeSymbol { Name: "Task" or "ValueTask", ContainingNamespace: { } ns } task && ns.ToDisplayString() == "System.Threading.Tasks")
        {
            if (task.IsGenericType)
            {
                site.Add(Diagnostics.UnsupportedSignature, site.Api, $"its type arguments make {result.ToDisplayString(Names.Short)} the job's result, so the result would be the task rather than its value",
                    $"Leave out the type arguments (or give the task's value type as the result), so that {site.Api} waits for the task");
            }
            else
            {
                site.Add(Diagnostics.UnsupportedSignature, site.Api, $"it returns {result.ToDisplayString(Names.Short)}, which completes without a value for the job's result",
                    $"Return {result.Name}<T> with a value the caller can use (a count, a status, a summary), for example 'return items.Length;'");
            }

            return true;
        }

        if (result.IsAnonymousType || result.TypeKind == TypeKind.Delegate || result.IsRefLikeType)
        {
            site.Add(Diagnostics.UnsupportedSignature, site.Api, $"it returns {result.ToDisplayString(Names.Short)}, which cannot travel back as JSON",
                "Return a record, a tuple or a collection instead");
            return true;
        }

        return false;
    }

    private static ITypeParameterSymbol? FindTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol parameter => parameter,
        IArrayTypeSymbol array => FindTypeParameter(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Select(FindTypeParameter).FirstOrDefault(t => t is not null),
        _ => null,
    };

    /// <summary>Checks an instance (or extension) method's object; returns whether an error was reported.</summary>
    private static bool CheckReceiver(IMethodSymbol target, Site site)
    {
        var name = target.ToDisplayString(Names.Short);
        if (site.Api != Submit)
        {
            site.Add(Diagnostics.MapWithReceiver, name, site.Api);
            return true;
        }

        var receiver = target.ReducedFrom is not null ? target.ReceiverType! : target.ContainingType;
        if (Receivers.Problem(receiver) is { } reason)
        {
            site.Add(Diagnostics.ReceiverNotSerializable, name, receiver.ToDisplayString(Names.Short), reason);
            return true;
        }

        return false;
    }

    private static Closure CaptureMethod(CompilationFacts facts, IMethodSymbol target, bool hasReceiver, CancellationToken cancellationToken)
    {
        if (facts.TryGetClosure(target, out var known))
            return known;

        var builder = new ClosureBuilder(facts, cancellationToken);
        var compilation = facts.Compilation;
        string entryType;
        string entryMethod;
        string? wrapper = null;
        var staticTarget = target.ReducedFrom is null ? target : target.GetConstructedReducedFrom() ?? target;
        if (IsDirectEntry(staticTarget, compilation))
        {
            builder.AddMember(staticTarget);
            builder.MakeVisible(staticTarget);
            entryType = Names.MetadataName(staticTarget.ContainingType);
            entryMethod = staticTarget.Name;
        }
        else
        {
            builder.AddMember(target);
            if (ClosureBuilder.IsSource(target, compilation))
                builder.MakeVisible(target.ReducedFrom ?? target.OriginalDefinition);
            var signature = target.Parameters.Select(p => p.Type).Append(target.ReturnType);
            if (hasReceiver)
                signature = signature.Append(target.ReducedFrom is null ? target.ContainingType : target.ReceiverType!);
            foreach (var type in signature)
            {
                builder.AddType(type, TypeMode.Full);
                builder.MakeVisible(type);
            }

            wrapper = Injection.Wrapper(target, hasReceiver && target.ReducedFrom is null);
            entryType = $"{Injection.Namespace}.{Injection.EntryClass}";
            entryMethod = "Invoke";
        }

        var closure = Finish(builder, entryType, entryMethod, wrapper, cancellationToken);
        facts.AddClosure(target, closure);
        return closure;
    }

    /// <summary>A static, non-generic, not overloaded method of the user's code: the node calls it as it is.</summary>
    private static bool IsDirectEntry(IMethodSymbol method, Compilation compilation)
    {
        if (!method.IsStatic || method.IsGenericMethod || method.MethodKind != MethodKind.Ordinary || !ClosureBuilder.IsSource(method, compilation))
            return false;
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.IsGenericType || type.IsFileLocal)
                return false;
        }

        return method.ContainingType.GetMembers(method.Name).Length == 1;
    }

    private static Closure CaptureLambda(
        CompilationFacts facts, SemanticModel model, InvocationExpressionSyntax invocation, AnonymousFunctionExpressionSyntax lambda,
        IMethodSymbol symbol, CancellationToken cancellationToken)
    {
        var builder = new ClosureBuilder(facts, cancellationToken);
        builder.CheckCaptures(model, lambda);
        var (hostDeclaration, host) = Host(facts, invocation);
        var hostName = host is null ? Injection.TopLevelClass : Names.MetadataName(host);
        var name = "PshLambda_" + Names.Hash(hostName + "|" + lambda);
        builder.SetInjectionHost(hostDeclaration, host, invocation.SyntaxTree);
        builder.Inject(Injection.Lambda(lambda, symbol, name), lambda);
        return Finish(builder, hostName, name, wrapper: null, cancellationToken);
    }

    private static Closure CaptureLocalFunction(CompilationFacts facts, IMethodSymbol target, CancellationToken cancellationToken)
    {
        var builder = new ClosureBuilder(facts, cancellationToken);
        if (target.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not LocalFunctionStatementSyntax declaration)
            return new Closure(null, []);
        if (target.OriginalDefinition.IsGenericMethod)
        {
            builder.Report(Diagnostics.UnsupportedSignature, $"'{target.Name}' is a generic local function", "Make it non-generic, or a static method");
            return new Closure(null, builder.Problems);
        }

        builder.CheckCaptures(facts.Model(declaration.SyntaxTree), declaration);
        var (hostDeclaration, host) = Host(facts, declaration);
        builder.SetInjectionHost(hostDeclaration, host, declaration.SyntaxTree);
        builder.MarkInjected(declaration);
        builder.Inject(Injection.LocalFunction(declaration), declaration);
        var hostName = host is null ? Injection.TopLevelClass : Names.MetadataName(host);
        return Finish(builder, hostName, declaration.Identifier.ValueText, wrapper: null, cancellationToken);
    }

    /// <summary>The type declaration around <paramref name="node"/> that receives generated members (none in top-level statements).</summary>
    private static (TypeDeclarationSyntax? Declaration, INamedTypeSymbol? Symbol) Host(CompilationFacts facts, SyntaxNode node)
    {
        var declaration = node.Ancestors().OfType<TypeDeclarationSyntax>().FirstOrDefault();
        if (declaration is null)
            return (null, null);
        var symbol = facts.Model(declaration.SyntaxTree).GetDeclaredSymbol(declaration);
        return (declaration, symbol);
    }

    private static Closure Finish(ClosureBuilder builder, string entryType, string entryMethod, string? wrapper, CancellationToken cancellationToken)
    {
        for (var type = builder.InjectionHostSymbol; type is not null; type = type.ContainingType)
        {
            if (type.TypeParameters.Length > 0)
                builder.Report(Diagnostics.OpenGeneric, type.TypeParameters[0].Name);
        }

        builder.Run();
        if (builder.Problems.Count > 0)
            return new Closure(null, builder.Problems);
        return new Closure(PackageWriter.Write(builder, entryType, entryMethod, wrapper, cancellationToken), []);
    }

    /// <summary>
    /// The interceptor's signature: the intercepted overload with the call's type arguments written out when the
    /// generated file can name every one of them, else with the overload's own type parameters. A non-generic method
    /// costs the compiler a quarter less to bind and check than a generic one, and the generated file holds one per
    /// call site. Types are written without nullable annotations: the interceptors sit in a <c>#nullable disable</c>
    /// region, where an oblivious type matches the call's type with either annotation.
    /// </summary>
    private static InterceptorShape Shape(IMethodSymbol method, bool hasReceiver, CompilationFacts facts)
    {
        var definition = method.OriginalDefinition;
        var concrete = method.TypeArguments.All(facts.CanName);
        var signature = concrete ? method : definition;
        var typeArguments = concrete
            ? method.TypeArguments.Select(t => t.ToDisplayString(Names.Oblivious))
            : definition.TypeParameters.Select(t => t.Name);
        var typeParameters = concrete ? "" : "<" + string.Join(", ", definition.TypeParameters.Select(t => t.Name)) + ">";
        var parameters = string.Join(", ", signature.Parameters.Select(p => $"{p.Type.ToDisplayString(Names.Oblivious)} {Names.Identifier(p.Name)}"));
        var jobArguments = definition.Name == Submit
            ? definition.Parameters.Skip(1).TakeWhile(p => p.Type is ITypeParameterSymbol).Select(p => p.Name)
            : [];
        var hasOptions = definition.Parameters.Any(p => p.Name == "options");
        return new InterceptorShape(
            definition.Name, typeParameters, EquatableArray.From(typeArguments), signature.ReturnType.ToDisplayString(Names.Oblivious), parameters,
            EquatableArray.From(jobArguments), hasOptions, hasReceiver);
    }

    /// <summary>Collects the diagnostics of one call site, located at its function argument.</summary>
    private sealed class Site(string api, ExpressionSyntax function)
    {
        private readonly List<DiagnosticInfo> _diagnostics = [];

        public string Api { get; } = api;

        public bool HasErrors { get; private set; }

        public void Add(DiagnosticDescriptor descriptor, params string[] arguments)
        {
            var location = function.GetLocation();
            _diagnostics.Add(new DiagnosticInfo(
                descriptor.Id, function.SyntaxTree.FilePath, location.SourceSpan, location.GetLineSpan().Span, EquatableArray.From(arguments)));
            HasErrors |= descriptor.DefaultSeverity == DiagnosticSeverity.Error;
        }

        public CallSite Result(Interception? interception, PackageModel? package, bool byMethod = false) =>
            new(interception, package, byMethod, EquatableArray.From(_diagnostics));
    }
}
