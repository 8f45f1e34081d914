namespace ParallelSharp.NodeDaemon;

/// <summary>Builds every exception the node daemon raises, so messages stay consistent: what failed, where, what to do next.</summary>
internal static class Errors
{
    // ---- Compilation: compile errors -------------------------------------------------------------------------------

    internal static JobCompilationException CompilationFailed(JobPackage package, IReadOnlyList<CompilerDiagnostic> errors)
    {
        var first = errors[0];
        var where = first.Line > 0 ? $"{first.Path} line {first.Line}, column {first.Column}" : "the package as a whole";
        return new($"The job {package.EntryDisplayName} (package {ShortKey(package)}) could not be compiled: {errors.Count} error(s), " +
            $"first {first.Id} at {where}: {TrimPeriod(first.Message)}. Fix the submitted source and submit it again.", errors);
    }

    internal static JobCompilationException InvokerFailed(JobPackage package, string signature, IReadOnlyList<CompilerDiagnostic> errors) =>
        new($"The job {package.EntryDisplayName} (package {ShortKey(package)}) compiled, but ParallelSharp could not generate the call to " +
            $"'{signature}': {errors[0].Id}: {TrimPeriod(errors[0].Message)}. This is a ParallelSharp bug or an entry point it does not " +
            "support; please report it with the signature, and meanwhile use simpler parameter and return types.", errors);

    internal static JobCompilationException CachedFailure(JobCompilationException original) =>
        // A fresh instance per caller: a shared exception object would collect every thrower's stack trace.
        new(original.Message, original.Diagnostics);

    // ---- Compilation: entry point ----------------------------------------------------------------------------------

    internal static JobCompilationException EntryTypeNotFound(JobPackage package, IReadOnlyList<string> declaredTypes, string? suggestion)
    {
        var declared = declaredTypes.Count == 0
            ? "The source declares no types at all."
            : $"The source declares: {ListSome(declaredTypes)}.";
        var hint = suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?";
        return new($"The job's entry type '{package.EntryType}' was not found in package {ShortKey(package)}. {declared}{hint} " +
            "Name the entry point as 'Namespace.Type.Method' (nested types as 'Namespace.Outer+Inner.Method').");
    }

    internal static JobCompilationException EntryMethodNotFound(JobPackage package, string typeName, IReadOnlyList<string> methods, string? suggestion)
    {
        var declared = methods.Count == 0
            ? $"{typeName} declares no methods."
            : $"{typeName} declares these methods: {ListSome(methods)}.";
        var hint = suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?";
        return new($"The job's entry method '{package.EntryMethod}' was not found in type {typeName}. {declared}{hint} " +
            "Name a static method declared in the entry type itself.");
    }

    internal static JobCompilationException EntryMethodOverloaded(string typeName, string methodName, IReadOnlyList<string> overloads) =>
        new($"The job's entry method {typeName}.{methodName} is ambiguous: it has {overloads.Count} overloads ({ListSome(overloads)}). " +
            "A job names its entry point by name only, so give the entry method a name no other method in the type uses.");

    internal static JobCompilationException EntryMethodNotStatic(string call) =>
        new($"The job's entry method {call} is an instance method, but a job calls its entry point without an object. " +
            "Mark the method 'static'.");

    internal static JobCompilationException EntryMethodAbstract(string call) =>
        new($"The job's entry method {call} is abstract and has no body to run. Name a static method with a body.");

    internal static JobCompilationException EntryMethodVarargs(string call) =>
        new($"The job's entry method {call} uses __arglist, which a job cannot bind. Declare each parameter with its type.");

    internal static JobCompilationException EntryMethodGeneric(string call) =>
        new($"The job's entry method {call} is generic, but a job's arguments arrive as JSON with nothing to tell the type arguments. " +
            "Write a non-generic entry method that calls the generic one with concrete types.");

    internal static JobCompilationException EntryTypeGeneric(string typeName, string call) =>
        new($"The job's entry method {call} is declared in the generic type {typeName}, which a job cannot close. " +
            "Move the entry method into a non-generic type.");

    internal static JobCompilationException EntryNotAccessible(string call, string what, string accessibility) =>
        new($"The job's entry method {call} cannot be called: {what} is {accessibility}. The entry method and every type that " +
            "contains it must be 'public' or 'internal'.");

    internal static JobCompilationException EntryTypeFileLocal(string typeName, string call) =>
        new($"The job's entry method {call} is declared in the file-local type {typeName}, which code outside its file cannot call. " +
            "Remove the 'file' modifier from the type.");

    internal static JobCompilationException ParameterByReference(string call, int index, string name, string refKind) =>
        new($"Parameter {index + 1} '{name}' of the job's entry method {call} is passed as '{refKind}', but a job's arguments arrive " +
            "as values and nothing comes back through them. Pass it by value and return what the job computes.");

    internal static JobCompilationException ParameterParams(string call, int index, string name) =>
        new($"Parameter {index + 1} '{name}' of the job's entry method {call} is 'params', but a job passes each parameter as exactly " +
            "one JSON value. Remove 'params' and pass the values as one array.");

    internal static JobCompilationException ParameterTypeUnsupported(string call, int index, string name, string typeName, string reason) =>
        new($"Parameter {index + 1} '{name}' of the job's entry method {call} has type {typeName}, {reason}. " +
            "Use a type that can be read from JSON: a primitive, string, array, collection, tuple, record or class.");

    internal static JobCompilationException ReturnByReference(string call) =>
        new($"The job's entry method {call} returns by reference, but a job's result travels as a value. Return the value itself.");

    internal static JobCompilationException ReturnTypeUnsupported(string call, string typeName, string reason) =>
        new($"The job's entry method {call} returns {typeName}, {reason}. " +
            "Return a type that can be written as JSON: a primitive, string, array, collection, tuple, record or class.");

    internal static JobCompilationException EntrySignatureUnresolved(string call) =>
        new($"The job's entry method {call} uses a type the compiler could not resolve. Fix the type names in its signature.");

    // ---- Compilation: lambda packages ------------------------------------------------------------------------------

    internal static JobCompilationException LambdaPackageShape(JobPackage package) =>
        new($"A lambda package must have exactly one source document holding the lambda, but package {ShortKey(package)} has " +
            $"{package.Sources.Count}. Use JobSource.FromLambda, or JobSource.FromCode for code with several files.");

    internal static JobCompilationException LambdaNotALambda(string found) =>
        new($"The job's source must be a single lambda expression such as '(int x) => x * x', but it is {found}. " +
            "Submit only the lambda, or use JobSource.FromCode for a class with a static method.");

    internal static JobCompilationException LambdaParameterUntyped(string name) =>
        new($"The lambda's parameter '{name}' has no type, and nothing on the node can infer it. " +
            $"Give every parameter its type, for example '(int {name}) => ...'.");

    internal static JobCompilationException LambdaTypeNotInferred() =>
        new("The compiler could not work out the lambda's return type. Give the lambda an explicit return type, " +
            "for example 'long (int x) => x * 2L', or make every return statement return the same type.");

    internal static JobCompilationException LambdaReturnsAnonymousType(string signature) =>
        new($"The lambda '{signature}' returns an anonymous type, which the node cannot name in the method it generates. " +
            "Return a tuple such as '(x, y)' or a record instead.");

    // ---- Compilation: references -----------------------------------------------------------------------------------

    internal static FileNotFoundException ReferenceMissing(JobPackage package, AssemblyReference reference) =>
        new($"Package {ShortKey(package)} ({package.EntryDisplayName}) references assembly {reference.Name} " +
            $"(SHA-256 {reference.Sha256}), which this node's assembly store does not hold. Upload the assembly to the node " +
            "before asking it to compile the package.", reference.Sha256);

    // ---- Assembly store ----------------------------------------------------------------------------------------------

    internal static ArgumentException InvalidSha256(string? value, string paramName) =>
        new($"'{Shorten(value)}' is not a SHA-256: expected 64 hexadecimal digits. Name assemblies by the hash of their content.", paramName);

    internal static InvalidDataException AssemblyHashMismatch(AssemblyReference reference, string actualSha256) =>
        new($"The content uploaded for assembly {reference.Name} does not match its SHA-256: expected {reference.Sha256}, " +
            $"got {actualSha256}. Nothing was stored. The upload was corrupted or names the wrong file; upload the file again.");

    internal static InvalidDataException AssemblyLengthMismatch(AssemblyReference reference, long actualLength) =>
        new($"The content uploaded for assembly {reference.Name} ({reference.Sha256}) is {actualLength} byte(s) long, but the " +
            $"reference says {reference.Length}. Nothing was stored. Upload the whole file again.");

    // ---- Helpers -------------------------------------------------------------------------------------------------------

    private static string ShortKey(JobPackage package) => package.Key[..16];

    private static string TrimPeriod(string message) => message.TrimEnd().TrimEnd('.');

    private static string Shorten(string? value) =>
        value is null ? "(null)" : value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 77), "...");

    private static string ListSome(IReadOnlyList<string> items)
    {
        const int Shown = 20;
        return items.Count <= Shown
            ? string.Join(", ", items)
            : $"{string.Join(", ", items.Take(Shown))} and {items.Count - Shown} more";
    }
}
