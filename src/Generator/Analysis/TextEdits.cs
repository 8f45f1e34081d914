using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ParallelSharp.Generator.Analysis;

/// <summary>
/// Cuts and inserts applied to a file's text in one pass: the pruned copy of a file without building new syntax
/// trees. Removing a node behaves as <see cref="SyntaxRemoveOptions.KeepEndOfLine"/> does in Roslyn's syntax remover,
/// so the text is the same as <c>RemoveNodes</c> gives for a file without directives.
/// </summary>
internal sealed class TextEdits
{
    private readonly string _text;
    private readonly List<Edit> _edits = [];
    private readonly List<SyntaxNode> _removals = [];

    public TextEdits(string text) => _text = text;

    /// <summary>Where text inserted at the same position as a removal's kept line break goes.</summary>
    public enum Order
    {
        /// <summary>Before the line break (members appended to the file before its end token).</summary>
        BeforeLineBreak = 0,

        /// <summary>After the line break (the next token keeps the removed code's line break in front of it).</summary>
        AfterLineBreak = 2,
    }

    /// <summary>Removes a node with its trivia; the next token keeps one of its line breaks, if it had any.</summary>
    public void Remove(SyntaxNode node) => _removals.Add(node);

    /// <summary>Replaces the text from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public void Replace(int start, int end, string text, Order order = Order.AfterLineBreak) =>
        _edits.Add(new Edit(start, end - start, text, (int)order));

    public void Insert(int position, string text, Order order) => Replace(position, position, text, order);

    /// <summary>The edited text; null when two edits overlap (the caller then rewrites the syntax instead).</summary>
    public string? Apply()
    {
        var edits = new List<Edit>(_edits);
        AddRemovals(edits);
        // Stable: edits at the same position and rank stay in the order they were made.
        var ordered = edits.Select((edit, index) => (Edit: edit, Index: index))
            .OrderBy(e => e.Edit.Start).ThenBy(e => e.Edit.Rank).ThenBy(e => e.Index).Select(e => e.Edit);
        var result = new StringBuilder(_text.Length);
        var cursor = 0;
        foreach (var edit in ordered)
        {
            if (edit.Start < cursor)
                return null;
            result.Append(_text, cursor, edit.Start - cursor).Append(edit.Text);
            cursor = edit.Start + edit.Length;
        }

        return result.Append(_text, cursor, _text.Length - cursor).ToString();
    }

    /// <summary>
    /// Each run of adjacent removed nodes leaves its first line break (from a node's leading, then trailing trivia)
    /// in front of the token that follows the run, as the syntax remover does.
    /// </summary>
    private void AddRemovals(List<Edit> edits)
    {
        _removals.Sort(static (a, b) => a.FullSpan.Start.CompareTo(b.FullSpan.Start));
        string? lineBreak = null;
        for (var i = 0; i < _removals.Count; i++)
        {
            var node = _removals[i];
            edits.Add(new Edit(node.FullSpan.Start, node.FullSpan.Length, string.Empty, 0));
            lineBreak ??= LineBreak(node.GetLeadingTrivia()) ?? LineBreak(node.GetTrailingTrivia());
            var runContinues = i + 1 < _removals.Count && _removals[i + 1].FullSpan.Start == node.FullSpan.End;
            if (runContinues)
                continue;
            if (lineBreak is not null)
                edits.Add(new Edit(node.FullSpan.End, 0, lineBreak, 1));
            lineBreak = null;
        }
    }

    private static string? LineBreak(SyntaxTriviaList trivia)
    {
        foreach (var item in trivia)
        {
            if (item.IsKind(SyntaxKind.EndOfLineTrivia))
                return item.ToFullString();
        }

        return null;
    }

    /// <param name="Start">Where the replaced text starts.</param>
    /// <param name="Length">How many characters it replaces.</param>
    /// <param name="Text">The new text.</param>
    /// <param name="Rank">The order of edits at the same position.</param>
    private readonly record struct Edit(int Start, int Length, string Text, int Rank);
}
