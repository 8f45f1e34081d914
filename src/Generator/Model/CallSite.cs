namespace ParallelSharp.Generator.Model;

/// <summary>
/// What the generator learned about one <c>Submit</c>/<c>Map</c>/<c>MapUnordered</c> call with a delegate: how to
/// intercept it, the package it ships, and what stops it from shipping. Plain strings only: no symbols, syntax
/// nodes or compilations, so it compares by value from one compilation to the next.
/// </summary>
/// <param name="Interception">
/// Where and how to intercept the call; null when it cannot be intercepted or needs no interceptor
/// (<paramref name="ByMethod"/>).
/// </param>
/// <param name="Package">The captured package; null when the function cannot be shipped.</param>
/// <param name="ByMethod">
/// Whether the run time finds the package by the delegate's method instead: the function is a static, non-generic,
/// not overloaded method of the project (the package's entry), passed as a method group, which ships the same way
/// from every call site.
/// </param>
/// <param name="Diagnostics">Problems to report at the call site.</param>
internal sealed record CallSite(Interception? Interception, PackageModel? Package, bool ByMethod, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The interceptor for one call site.</summary>
/// <param name="Version">The <c>InterceptsLocation</c> format version.</param>
/// <param name="Data">The <c>InterceptsLocation</c> data (an opaque, content-based location).</param>
/// <param name="Display">The call site as <c>File.cs(12,9)</c>, for comments in the generated code.</param>
/// <param name="Shape">The intercepted overload.</param>
internal sealed record Interception(int Version, string Data, string Display, InterceptorShape Shape);

/// <summary>The signature of an intercepted overload and how its arguments reach the job.</summary>
/// <param name="Api">Submit, Map or MapUnordered.</param>
/// <param name="TypeParameters">
/// The interceptor's type parameters, for example <c>&lt;T1, TResult&gt;</c>; empty when the call's type arguments are
/// written out.
/// </param>
/// <param name="TypeArguments">The overload's type arguments as the interceptor names them; the job's result is the last.</param>
/// <param name="ReturnType">The fully qualified return type, without nullable annotations.</param>
/// <param name="Parameters">The parameter list after <c>this JobServer server</c>, fully qualified, without nullable annotations.</param>
/// <param name="JobArguments">The parameters that are the job's arguments, in order (<c>arg1</c>, <c>arg2</c>).</param>
/// <param name="HasOptions">Whether the overload takes options, a callback and a cancellation token.</param>
/// <param name="HasReceiver">Whether the delegate's target object travels as the job's first argument.</param>
internal sealed record InterceptorShape(
    string Api, string TypeParameters, EquatableArray<string> TypeArguments, string ReturnType, string Parameters, EquatableArray<string> JobArguments, bool HasOptions, bool HasReceiver);

/// <summary>A captured job package as the generated code builds it at run time.</summary>
/// <param name="EntryType">The metadata name of the entry type.</param>
/// <param name="EntryMethod">The entry method.</param>
/// <param name="Documents">The captured sources.</param>
/// <param name="Usings">Global usings the sources need.</param>
/// <param name="Assemblies">Non-framework assemblies the sources use directly.</param>
internal sealed record PackageModel(
    string EntryType, string EntryMethod, EquatableArray<DocumentModel> Documents, EquatableArray<string> Usings, EquatableArray<AssemblyModel> Assemblies);

/// <summary>One captured source document.</summary>
internal sealed record DocumentModel(string Path, string Text);

/// <summary>
/// A non-framework assembly: a public type of it to name with <c>typeof</c> (checked by the compiler), or, when it
/// has none the captured code uses, its display name for <c>Assembly.Load</c>.
/// </summary>
internal sealed record AssemblyModel(string Name, string? AnchorType);
