using Microsoft.CodeAnalysis.Text;

namespace ParallelSharp.Generator.Model;

/// <summary>A diagnostic as a value: the descriptor's id, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, string FilePath, TextSpan Span, LinePositionSpan LineSpan, EquatableArray<string> Arguments);
