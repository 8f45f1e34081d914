namespace ParallelSharp.Protocol.Messages;

/// <summary>An error described as data: exceptions never cross the wire as objects.</summary>
/// <param name="Type">The full name of the exception type.</param>
/// <param name="Message">Its message.</param>
/// <param name="StackTrace">Its stack trace on the node.</param>
/// <param name="Diagnostics">Compiler diagnostics, for compile failures.</param>
public sealed record RemoteError(string Type, string Message, string StackTrace, IReadOnlyList<CompilerDiagnostic>? Diagnostics = null);
