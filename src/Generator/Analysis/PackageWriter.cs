using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ParallelSharp.Generator.Model;

namespace ParallelSharp.Generator.Analysis;

/// <summary>
/// Writes a closure as the documents of a job package: each file that declares something kept becomes a copy of
/// itself with everything else removed (other types and members, top-level statements, usings the node could not
/// resolve), the generated members added, and the text made independent of this build's preprocessor symbols.
/// </summary>
internal sealed class PackageWriter
{
    private readonly ClosureBuilder _closure;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<SyntaxNode, TypeMode> _typeDeclarations = [];
    private readonly HashSet<string> _keptNamespaces = new(StringComparer.Ordinal);

    /// <summary>Tests set this: every pruned file cut from text is checked against the syntax rewrite it replaces.</summary>
    internal static bool CompareWithRewrite { get; set; }

    private PackageWriter(ClosureBuilder closure, CancellationToken cancellationToken)
    {
        _closure = closure;
        _cancellationToken = cancellationToken;
        foreach (var pair in closure.Types)
        {
            foreach (var reference in pair.Key.DeclaringSyntaxReferences)
                _typeDeclarations[reference.GetSyntax(cancellationToken)] = pair.Value;
            for (var ns = pair.Key.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
                _keptNamespaces.Add(ns.ToDisplayString());
        }
    }

    /// <summary>Writes the package of a finished closure.</summary>
    public static PackageModel Write(ClosureBuilder closure, string entryType, string entryMethod, string? wrapper, CancellationToken cancellationToken)
    {
        var writer = new PackageWriter(closure, cancellationToken);
        var trees = new HashSet<SyntaxTree>();
        foreach (var node in writer._typeDeclarations.Keys.Concat(closure.KeptMembers))
            trees.Add(node.SyntaxTree);
        if (closure.InjectionTree is not null && closure.Injections.Count > 0)
            trees.Add(closure.InjectionTree);

        var documents = new List<(string Path, string Text)>();
        foreach (var tree in trees.OrderBy(t => t.FilePath, StringComparer.Ordinal))
            documents.Add((tree.FilePath, closure.Facts.Document(writer.DocumentKey(tree), () => writer.WriteDocument(tree))));
        if (wrapper is not null)
            documents.Add(("ParallelSharp.Entry.cs", wrapper));

        var usings = closure.Facts.GlobalUsings(cancellationToken)
            .Where(u => writer.IsAvailable(u.Target))
            .Select(u => u.Text)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var assemblies = closure.Assemblies
            .Select(a => new AssemblyModel(a.Key.Identity.GetDisplayName(), a.Value))
            .OrderBy(a => a.Name, StringComparer.Ordinal);
        return new PackageModel(entryType, entryMethod, EquatableArray.From(UniquePaths(documents)), EquatableArray.From(usings), EquatableArray.From(assemblies));
    }

    /// <summary>Short, relative, unique document paths (file names; the folder is added where two files share a name).</summary>
    private static IEnumerable<DocumentModel> UniquePaths(List<(string Path, string Text)> documents)
    {
        var names = documents.Select(d => FileName(d.Path, withFolder: false)).ToList();
        var result = new List<DocumentModel>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < documents.Count; i++)
        {
            var name = names.Count(n => string.Equals(n, names[i], StringComparison.OrdinalIgnoreCase)) > 1
                ? FileName(documents[i].Path, withFolder: true)
                : names[i];
            var unique = name;
            for (var n = 2; !used.Add(unique); n++)
                unique = $"{n}/{name}";
            result.Add(new DocumentModel(unique, documents[i].Text));
        }

        return result.OrderBy(d => d.Path, StringComparer.Ordinal);
    }

    private static string FileName(string path, bool withFolder)
    {
        var parts = path.Split('/', '\\').Where(p => p.Length > 0).ToArray();
        if (parts.Length == 0)
            return "Source.cs";
        return withFolder && parts.Length > 1 ? parts[parts.Length - 2] + "/" + parts[parts.Length - 1] : parts[parts.Length - 1];
    }

    /// <summary>
    /// What a file's pruned copy depends on: the same declarations kept from the same file give the same text, so
    /// call sites whose closures share a helper file write it once.
    /// </summary>
    private string DocumentKey(SyntaxTree tree)
    {
        var key = new StringBuilder(tree.FilePath).Append('|');
        foreach (var pair in _typeDeclarations.Where(p => p.Key.SyntaxTree == tree).OrderBy(p => p.Key.SpanStart))
            key.Append('T').Append(pair.Key.SpanStart).Append(':').Append((int)pair.Value).Append(',');
        foreach (var member in _closure.KeptMembers.Where(m => m.SyntaxTree == tree).OrderBy(m => m.SpanStart))
            key.Append('M').Append(member.SpanStart).Append(',');
        foreach (var visible in _closure.Visible.Where(m => m.SyntaxTree == tree).OrderBy(m => m.SpanStart))
            key.Append('V').Append(visible.SpanStart).Append(',');
        if (_closure.InjectionTree == tree && _closure.Injections.Count > 0)
        {
            key.Append('H').Append(_closure.InjectionHost?.SpanStart ?? -1);
            foreach (var injection in _closure.Injections)
                key.Append('|').Append(injection);
        }

        return key.ToString();
    }

    private string WriteDocument(SyntaxTree tree)
    {
        var root = (CompilationUnitSyntax)tree.GetRoot(_cancellationToken);
        var model = _closure.Facts.Model(tree);
        var removals = new List<SyntaxNode>();
        var changes = new HashSet<SyntaxNode>();

        removals.AddRange(root.AttributeLists);
        removals.AddRange(root.Externs);
        FilterUsings(model, root.Usings, removals);
        VisitMembers(model, root.Members, removals, changes);

        var topLevel = _closure.InjectionHost is null && _closure.InjectionTree == tree && _closure.Injections.Count > 0;
        // Most files have no directives (and no syntax errors): cut the text, which costs a fraction of rewriting
        // the tree. Directives need the rewrite, which keeps them balanced and drops the code they disable.
        var text = root.ContainsDirectives || root.ContainsDiagnostics ? null : Edit(root, removals, changes, topLevel);
        text ??= Rewrite(root, removals, changes, topLevel);
        if (CompareWithRewrite && !root.ContainsDirectives && !root.ContainsDiagnostics && Rewrite(root, removals, changes, topLevel) is var rewritten &&
            !string.Equals(rewritten, text, StringComparison.Ordinal))
            throw new InvalidOperationException($"The pruned copy of {tree.FilePath} cut from its text differs from the syntax rewrite:\n{text}\n---\n{rewritten}");

        // The node compiles with nullable disabled; the project's setting is part of what the code means.
        return _closure.Facts.IsNullableEnabled ? "#nullable enable\n" + text : text;
    }

    private string Rewrite(CompilationUnitSyntax root, List<SyntaxNode> removals, HashSet<SyntaxNode> changes, bool topLevel)
    {
        var tracked = root.TrackNodes(removals.Concat(changes));
        var originals = changes.ToDictionary(c => (SyntaxNode)tracked.GetCurrentNode(c)!, c => c);
        tracked = tracked.ReplaceNodes(originals.Keys, (original, rewritten) => Change(originals[original], rewritten));
        var current = removals.Select(r => tracked.GetCurrentNode(r)).Where(n => n is not null).Select(n => n!).ToList();
        var unit = tracked.RemoveNodes(current, SyntaxRemoveOptions.KeepDirectives | SyntaxRemoveOptions.KeepEndOfLine)!;
        if (topLevel)
            unit = unit.AddMembers(SyntaxFactory.ParseMemberDeclaration(TopLevelClass())!);

        // Only directives need cleaning.
        return (root.ContainsDirectives ? TriviaCleaner.Clean(unit) : unit).ToFullString();
    }

    /// <summary>The same text as <see cref="Rewrite"/> for a file without directives, made by cutting the original text.</summary>
    private string? Edit(CompilationUnitSyntax root, List<SyntaxNode> removals, HashSet<SyntaxNode> changes, bool topLevel)
    {
        var edits = new TextEdits(root.SyntaxTree.GetText(_cancellationToken).ToString());
        foreach (var removal in removals)
            edits.Remove(removal);
        foreach (var original in changes)
        {
            var member = (MemberDeclarationSyntax)original;
            if (_closure.Visible.Contains(original))
                MakeInternal(member, edits);
            if (member is not TypeDeclarationSyntax type)
                continue;
            if (_typeDeclarations.TryGetValue(original, out var mode) && mode == TypeMode.Shell)
            {
                if (type.BaseList is not null)
                    edits.Replace(type.BaseList.FullSpan.Start, type.BaseList.FullSpan.End, string.Empty);
                if (type.ParameterList is not null)
                    edits.Replace(type.ParameterList.FullSpan.Start, type.ParameterList.FullSpan.End, string.Empty);
            }

            if (original == _closure.InjectionHost)
            {
                if (type.CloseBraceToken.IsMissing || type.CloseBraceToken.IsKind(SyntaxKind.None))
                    return null; // 'class C;' has no body to add members to
                edits.Insert(type.CloseBraceToken.FullSpan.Start, string.Concat(_closure.Injections.Select(i => "\n" + i)), TextEdits.Order.AfterLineBreak);
            }
        }

        if (topLevel)
            edits.Insert(root.EndOfFileToken.FullSpan.Start, TopLevelClass(), TextEdits.Order.BeforeLineBreak);
        return edits.Apply();
    }

    private string TopLevelClass() =>
        $"\ninternal static class {Injection.TopLevelClass}\n{{\n{string.Join("\n", _closure.Injections)}}}\n";

    private void VisitMembers(SemanticModel model, SyntaxList<MemberDeclarationSyntax> members, List<SyntaxNode> removals, HashSet<SyntaxNode> changes)
    {
        foreach (var member in members)
        {
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    if (!ns.DescendantNodes().Any(_typeDeclarations.ContainsKey))
                    {
                        removals.Add(ns);
                        break;
                    }

                    removals.AddRange(ns.Externs);
                    FilterUsings(model, ns.Usings, removals);
                    VisitMembers(model, ns.Members, removals, changes);
                    break;
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax when _typeDeclarations.TryGetValue(member, out var mode):
                    VisitType(member, mode, removals, changes);
                    break;
                default:
                    removals.Add(member);
                    break;
            }
        }
    }

    private void VisitType(MemberDeclarationSyntax declaration, TypeMode mode, List<SyntaxNode> removals, HashSet<SyntaxNode> changes)
    {
        if (_closure.Visible.Contains(declaration))
            changes.Add(declaration);
        if (declaration is not TypeDeclarationSyntax type)
            return; // enums and delegates travel whole

        if ((mode == TypeMode.Shell && (type.BaseList is not null || type.ParameterList is not null)) || type == _closure.InjectionHost)
            changes.Add(type);
        foreach (var member in type.Members)
        {
            if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
            {
                if (_typeDeclarations.TryGetValue(member, out var nestedMode))
                    VisitType(member, nestedMode, removals, changes);
                else
                    removals.Add(member);
            }
            else if (!_closure.KeptMembers.Contains(member))
            {
                removals.Add(member);
            }
            else if (_closure.Visible.Contains(member))
            {
                changes.Add(member);
            }
        }
    }

    private SyntaxNode Change(SyntaxNode original, SyntaxNode rewritten)
    {
        var member = (MemberDeclarationSyntax)rewritten;
        if (_closure.Visible.Contains(original))
            member = MakeInternal(member);
        if (member is TypeDeclarationSyntax type)
        {
            // A container keeps neither its bases nor its primary constructor: its instance side does not travel.
            if (_typeDeclarations.TryGetValue(original, out var mode) && mode == TypeMode.Shell)
                type = type.WithBaseList(null).WithParameterList(null);
            if (original == _closure.InjectionHost)
            {
                type = type.AddMembers(_closure.Injections
                    .Select(i => SyntaxFactory.ParseMemberDeclaration("\n" + i)!)
                    .ToArray());
            }

            member = type;
        }

        return member;
    }

    /// <summary>Private, protected and default accessibility become <c>internal</c>, so generated code can call the member.</summary>
    private static MemberDeclarationSyntax MakeInternal(MemberDeclarationSyntax member)
    {
        var modifiers = member.Modifiers;
        if (IsReachable(modifiers))
            return member;
        var leading = member.GetLeadingTrivia();
        var kept = modifiers.Where(m => !m.IsKind(SyntaxKind.PrivateKeyword) && !m.IsKind(SyntaxKind.ProtectedKeyword) && !m.IsKind(SyntaxKind.InternalKeyword))
            .Select(m => m.WithoutTrivia().WithTrailingTrivia(SyntaxFactory.Space));
        var internalKeyword = SyntaxFactory.Token(SyntaxKind.InternalKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        var stripped = member.WithoutLeadingTrivia().WithModifiers(SyntaxFactory.TokenList(new[] { internalKeyword }.Concat(kept)));
        if (modifiers.Count == 0)
            stripped = member.WithoutLeadingTrivia().WithModifiers(SyntaxFactory.TokenList(internalKeyword));
        return stripped.WithLeadingTrivia(leading);
    }

    /// <summary><see cref="MakeInternal(MemberDeclarationSyntax)"/> as a text edit: the same modifiers, spaced the same way.</summary>
    private static void MakeInternal(MemberDeclarationSyntax member, TextEdits edits)
    {
        var modifiers = member.Modifiers;
        if (IsReachable(modifiers))
            return;
        var firstToken = member.GetFirstToken();
        if (modifiers.Count == 0)
        {
            // The keyword goes after the attributes; the member's leading trivia stays in front of everything.
            var next = member.AttributeLists.Count > 0 ? member.AttributeLists.Last().GetLastToken().GetNextToken() : firstToken;
            var at = next == firstToken ? next.SpanStart : next.FullSpan.Start;
            edits.Insert(at, "internal ", TextEdits.Order.AfterLineBreak);
            return;
        }

        var first = modifiers[0];
        var start = first == firstToken ? first.SpanStart : first.FullSpan.Start;
        var kept = modifiers.Where(m => !m.IsKind(SyntaxKind.PrivateKeyword) && !m.IsKind(SyntaxKind.ProtectedKeyword) && !m.IsKind(SyntaxKind.InternalKeyword))
            .Select(m => m.Text + " ");
        edits.Replace(start, modifiers.Last().FullSpan.End, "internal " + string.Concat(kept));
    }

    private static bool IsReachable(SyntaxTokenList modifiers) =>
        modifiers.Any(SyntaxKind.PublicKeyword) ||
        (modifiers.Any(SyntaxKind.InternalKeyword) && !modifiers.Any(SyntaxKind.PrivateKeyword) && !modifiers.Any(SyntaxKind.ProtectedKeyword));

    private void FilterUsings(SemanticModel model, SyntaxList<UsingDirectiveSyntax> usings, List<SyntaxNode> removals)
    {
        foreach (var directive in usings)
        {
            // Global usings reach the node through the package's usings, filtered the same way.
            if (!directive.GlobalKeyword.IsKind(SyntaxKind.None) || !IsAvailable(UsingTargets.Resolve(model, directive, _cancellationToken)))
                removals.Add(directive);
        }
    }

    /// <summary>
    /// Whether a using directive's target exists on the node: a namespace or type of the shared framework, of a
    /// shipped assembly, or declared by the captured sources.
    /// </summary>
    private bool IsAvailable(ISymbol? target)
    {
        switch (target)
        {
            case INamespaceSymbol ns:
                foreach (var part in ns.ConstituentNamespaces)
                {
                    var assembly = part.ContainingAssembly;
                    if (assembly is null)
                        continue;
                    if (ClosureBuilder.IsSource(part, _closure.Facts.Compilation))
                    {
                        if (_keptNamespaces.Contains(ns.ToDisplayString()))
                            return true;
                    }
                    else if (_closure.Facts.IsFramework(assembly) || _closure.Assemblies.ContainsKey(assembly))
                    {
                        return true;
                    }
                }

                return false;
            case IArrayTypeSymbol array:
                return IsAvailable(array.ElementType);
            case INamedTypeSymbol type:
                var definition = type.OriginalDefinition;
                var declared = ClosureBuilder.IsSource(definition, _closure.Facts.Compilation)
                    ? _closure.Types.ContainsKey(definition)
                    : _closure.Facts.IsFramework(definition.ContainingAssembly) || _closure.Assemblies.ContainsKey(definition.ContainingAssembly);
                return declared && type.TypeArguments.All(IsAvailable);
            case ITypeSymbol:
                return true;
            default:
                return false;
        }
    }
}
