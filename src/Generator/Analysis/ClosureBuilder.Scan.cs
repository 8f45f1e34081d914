using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ParallelSharp.Generator.Analysis;

/// <summary>Scanning: every symbol a piece of kept code binds to, including the ones the compiler calls implicitly.</summary>
internal sealed partial class ClosureBuilder
{
    private void Scan(ScanItem item)
    {
        _current = item;
        // What a declaration uses does not depend on the closure asking: bind it once per compilation, and let every
        // call site that needs the same helper replay the list.
        foreach (var use in _facts.Uses(item.Node, _cancellationToken))
        {
            if (use.Symbol is IErrorTypeSymbol)
                ReportUnbound(item.Node);
            else if (use.Symbol is ITypeSymbol type && use.Mode is { } mode)
                AddType(type, mode);
            else
                UseSymbol(use.Symbol);
        }

        _current = default;
    }

    /// <summary>Lists the symbols <paramref name="root"/> uses, with how types are used; semantic queries only, no closure state.</summary>
    /// <remarks>
    /// Code (bodies, initializers, lambdas) is read from its operation tree: one semantic query per body, where asking
    /// about each node would cost several times the compiler's own binding. Declarations (signatures, attributes,
    /// base lists) have no operations and are read node by node; they are short.
    /// </remarks>
    internal static List<SymbolUse> FindUses(SemanticModel model, SyntaxNode root, CancellationToken cancellationToken)
    {
        var uses = new List<SymbolUse>();
        var finder = new UseFinder(model, uses, cancellationToken);
        if (root is MethodDeclarationSyntax or PropertyDeclarationSyntax or ConstructorDeclarationSyntax &&
            model.GetDeclaredSymbol(root, cancellationToken) is { } declared && !((MemberDeclarationSyntax)root).AttributeLists.Any())
        {
            // The signature's types come from the symbol (one query); the code from its operations.
            finder.AddDeclared(declared);
            foreach (var node in root.DescendantNodes(n => !IsCode(n, root)).Where(n => IsCode(n, root)))
            {
                if (model.GetOperation(node, cancellationToken) is { } operation)
                    finder.Walk(operation);
                else
                    finder.Syntax(node, descend: true);
            }

            return uses;
        }

        foreach (var node in root.DescendantNodesAndSelf(n => n == root || !IsCode(n, root)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsCode(node, root) && model.GetOperation(node, cancellationToken) is { } operation)
                finder.Walk(operation);
            else if (IsCode(node, root))
                finder.Syntax(node, descend: true);
            else
                finder.Syntax(node, descend: false);
        }

        return uses;
    }

    /// <summary>Whether <paramref name="node"/> is code with an operation tree of its own.</summary>
    private static bool IsCode(SyntaxNode node, SyntaxNode root) => node switch
    {
        BlockSyntax { Parent: BaseMethodDeclarationSyntax or AccessorDeclarationSyntax } => true,
        ArrowExpressionClauseSyntax or EqualsValueClauseSyntax or ConstructorInitializerSyntax => true,
        // A lambda or local function is only the start of code when the generator writes it out as a method.
        AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax => node == root,
        _ => false,
    };

    /// <summary>Collects uses from operations and, for declarations, from syntax.</summary>
    private sealed class UseFinder(SemanticModel model, List<SymbolUse> uses, CancellationToken cancellationToken)
    {
        public void Walk(IOperation root)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                Add(operation.Type, TypeMode.Full);
                switch (operation)
                {
                    case IInvocationOperation invocation:
                        Add(invocation.TargetMethod);
                        break;
                    case IObjectCreationOperation creation:
                        Add(creation.Constructor);
                        break;
                    case IMemberReferenceOperation reference:
                        Add(reference.Member);
                        break;
                    case IBinaryOperation binary:
                        Add(binary.OperatorMethod);
                        break;
                    case IUnaryOperation unary:
                        Add(unary.OperatorMethod);
                        break;
                    case ICompoundAssignmentOperation compound:
                        Add(compound.OperatorMethod);
                        break;
                    case IIncrementOrDecrementOperation increment:
                        Add(increment.OperatorMethod);
                        break;
                    case IConversionOperation conversion:
                        Add(conversion.OperatorMethod);
                        break;
                    case ITypeOfOperation typeOf:
                        Add(typeOf.TypeOperand, TypeMode.Full);
                        break;
                    case ISizeOfOperation sizeOf:
                        Add(sizeOf.TypeOperand, TypeMode.Full);
                        break;
                    case IIsTypeOperation isType:
                        Add(isType.TypeOperand, TypeMode.Full);
                        break;
                    case IDeclarationPatternOperation declaration:
                        Add(declaration.MatchedType, TypeMode.Full);
                        break;
                    case ITypePatternOperation typePattern:
                        Add(typePattern.MatchedType, TypeMode.Full);
                        break;
                    case IRecursivePatternOperation recursive:
                        Add(recursive.MatchedType, TypeMode.Full);
                        Add(recursive.DeconstructSymbol);
                        break;
                    case ICollectionExpressionOperation collection:
                        Add(collection.ConstructMethod);
                        break;
                    case IWithOperation with:
                        Add(with.CloneMethod);
                        break;
                    case IVariableDeclaratorOperation declarator:
                        Add(declarator.Symbol.Type, TypeMode.Full);
                        break;
                    case IAnonymousFunctionOperation function:
                        AddSignature(function.Symbol);
                        break;
                    case ILocalFunctionOperation local:
                        AddSignature(local.Symbol);
                        break;
                    case IForEachLoopOperation { Syntax: CommonForEachStatementSyntax forEach }:
                        // The enumerator pattern (possibly extension methods) is not part of the operation tree.
                        var info = model.GetForEachStatementInfo(forEach);
                        Add(info.GetEnumeratorMethod);
                        Add(info.MoveNextMethod);
                        Add(info.CurrentProperty);
                        break;
                    case IAwaitOperation { Syntax: AwaitExpressionSyntax awaitSyntax }:
                        var awaitInfo = model.GetAwaitExpressionInfo(awaitSyntax);
                        Add(awaitInfo.GetAwaiterMethod);
                        Add(awaitInfo.GetResultMethod);
                        break;
                    case IDeconstructionAssignmentOperation { Syntax: AssignmentExpressionSyntax assignment }:
                        AddDeconstruction(model.GetDeconstructionInfo(assignment));
                        break;
                }
            }
        }

        /// <summary>Declarations: the types, attributes and base calls they name.</summary>
        public void Syntax(SyntaxNode node, bool descend)
        {
            foreach (var current in descend ? node.DescendantNodesAndSelf() : [node])
            {
                switch (current)
                {
                    case ExpressionSyntax expression:
                        var info = model.GetSymbolInfo(expression, cancellationToken);
                        var symbol = info.Symbol ?? (info.CandidateSymbols.Length > 0 ? info.CandidateSymbols[0] : null);
                        if (symbol is IAliasSymbol alias)
                            symbol = alias.Target;
                        if (symbol is INamespaceSymbol)
                            break;
                        if (symbol is ITypeSymbol type)
                        {
                            // 'Geometry' in 'Geometry.Area' is a container; 'Point' in 'Point p' has values.
                            Add(type, IsQualifier(expression) ? TypeMode.Shell : TypeMode.Full);
                            break;
                        }

                        Add(symbol);
                        Add(model.GetTypeInfo(expression, cancellationToken).ConvertedType, TypeMode.Full);
                        break;
                    case ConstructorInitializerSyntax or PrimaryConstructorBaseTypeSyntax or AttributeSyntax:
                        var called = model.GetSymbolInfo(current, cancellationToken);
                        Add(called.Symbol ?? (called.CandidateSymbols.Length > 0 ? called.CandidateSymbols[0] : null));
                        break;
                }
            }
        }

        /// <summary>A method's, property's or constructor's signature: return, parameter and constraint types.</summary>
        public void AddDeclared(ISymbol symbol)
        {
            switch (symbol)
            {
                case IMethodSymbol method:
                    AddSignature(method);
                    foreach (var typeParameter in method.TypeParameters)
                    {
                        foreach (var constraint in typeParameter.ConstraintTypes)
                            Add(constraint, TypeMode.Full);
                    }

                    break;
                case IPropertySymbol property:
                    Add(property.Type, TypeMode.Full);
                    foreach (var parameter in property.Parameters)
                        Add(parameter.Type, TypeMode.Full);
                    break;
            }
        }

        private void AddSignature(IMethodSymbol? method)
        {
            if (method is null)
                return;
            Add(method.ReturnType, TypeMode.Full);
            foreach (var parameter in method.Parameters)
                Add(parameter.Type, TypeMode.Full);
        }

        private void AddDeconstruction(DeconstructionInfo info)
        {
            Add(info.Method);
            Add(info.Conversion?.MethodSymbol);
            foreach (var nested in info.Nested)
                AddDeconstruction(nested);
        }

        private void Add(ISymbol? symbol, TypeMode? mode = null)
        {
            if (symbol is not null)
                uses.Add(new SymbolUse(symbol, symbol is ITypeSymbol ? mode ?? TypeMode.Full : null));
        }
    }

    private static bool IsQualifier(ExpressionSyntax expression) =>
        expression.Parent switch
        {
            MemberAccessExpressionSyntax access => access.Expression == expression,
            QualifiedNameSyntax qualified => qualified.Left == expression,
            _ => false,
        };

    private void UseSymbol(ISymbol symbol)
    {
        switch (symbol)
        {
            case IMethodSymbol { MethodKind: MethodKind.LocalFunction } local:
                UseLocalFunction(local);
                foreach (var argument in local.TypeArguments)
                    AddType(argument, TypeMode.Full);
                return;
            case IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.BuiltinOperator }:
                return;
            case IMethodSymbol method:
                CheckInheritedAccess(method);
                AddMember(method);
                foreach (var argument in method.TypeArguments)
                    AddType(argument, TypeMode.Full);
                AddType(method.ContainingType, TypeMode.Shell);
                return;
            case IPropertySymbol or IFieldSymbol or IEventSymbol:
                CheckInheritedAccess(symbol);
                AddMember(symbol);
                AddType(symbol.ContainingType, TypeMode.Shell);
                return;
            case ITypeSymbol type:
                AddType(type, TypeMode.Full);
                return;
        }
    }

    /// <summary>
    /// A container keeps no base list, so code in it that reaches an inherited member by its simple name needs its
    /// type kept whole.
    /// </summary>
    private void CheckInheritedAccess(ISymbol member)
    {
        var owner = _current.Owner;
        var declaring = member.ContainingType?.OriginalDefinition;
        if (owner is null || declaring is null || SymbolEqualityComparer.Default.Equals(owner, declaring))
            return;
        for (var baseType = owner.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(baseType.OriginalDefinition, declaring))
            {
                MarkType(owner, TypeMode.Full);
                return;
            }
        }
    }

    private void UseLocalFunction(IMethodSymbol local)
    {
        // A local function inside kept code travels with that code; one that an injected lambda or local function
        // calls from outside itself is injected beside it.
        if (_current.InjectedRoot is not { } root)
            return;
        if (local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) is not LocalFunctionStatementSyntax declaration)
            return;
        if (declaration.SyntaxTree == root.SyntaxTree && root.Span.Contains(declaration.Span))
            return;
        if (!_injectedLocals.Add(declaration))
            return;
        var model = _facts.Model(declaration.SyntaxTree);
        CheckCaptures(model, declaration);
        Inject(Injection.LocalFunction(declaration), declaration);
    }

    /// <summary>Reports the locals, parameters and <c>this</c> that a lambda or local function reads from outside itself.</summary>
    public void CheckCaptures(SemanticModel model, SyntaxNode function)
    {
        if (function is AnonymousFunctionExpressionSyntax lambda && lambda.Modifiers.Any(SyntaxKind.StaticKeyword))
            return; // the compiler already forbids captures in a static lambda
        if (function is LocalFunctionStatementSyntax local && local.Modifiers.Any(SyntaxKind.StaticKeyword))
            return;
        foreach (var node in function.DescendantNodes())
        {
            switch (node)
            {
                case ThisExpressionSyntax or BaseExpressionSyntax:
                    Report(Diagnostics.CapturesThis, node.ToString());
                    break;
                case IdentifierNameSyntax identifier:
                    CheckCapture(model, function, identifier);
                    break;
            }
        }
    }

    private void CheckCapture(SemanticModel model, SyntaxNode function, IdentifierNameSyntax identifier)
    {
        if (identifier.Parent is NameColonSyntax or NameEqualsSyntax)
            return;
        var symbol = model.GetSymbolInfo(identifier, _cancellationToken).Symbol;
        switch (symbol)
        {
            case ILocalSymbol or IParameterSymbol:
                var outside = symbol.DeclaringSyntaxReferences.Length > 0 &&
                    symbol.DeclaringSyntaxReferences.All(r => r.SyntaxTree != function.SyntaxTree || !function.Span.Contains(r.Span));
                if (outside)
                {
                    var type = symbol is ILocalSymbol local ? local.Type : ((IParameterSymbol)symbol).Type;
                    Report(Diagnostics.CapturesVariable, symbol.Name, type.ToDisplayString(Names.Short));
                }

                break;
            case IFieldSymbol or IPropertySymbol or IEventSymbol or IMethodSymbol { MethodKind: MethodKind.Ordinary }:
                if (symbol.IsStatic || HasExplicitReceiver(identifier))
                    break;
                Report(Diagnostics.CapturesThis, symbol.Name);
                break;
        }
    }

    private static bool HasExplicitReceiver(IdentifierNameSyntax identifier) => identifier.Parent switch
    {
        MemberAccessExpressionSyntax access => access.Name == identifier,
        MemberBindingExpressionSyntax => true,
        // 'X' in 'new Point { X = 1 }' or 'p with { X = 1 }' names a member of the new object.
        AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax } assignment => assignment.Left == identifier,
        _ => false,
    };
}

/// <summary>One symbol a piece of code uses; for a type, whether its values exist there (<see cref="TypeMode"/>).</summary>
internal readonly record struct SymbolUse(ISymbol Symbol, TypeMode? Mode);
