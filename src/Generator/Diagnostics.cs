using Microsoft.CodeAnalysis;

namespace ParallelSharp.Generator;

/// <summary>
/// What the generator reports at a Submit/Map call site it cannot ship. Every message says what was found, why it
/// cannot travel, and what to do instead. Ids are stable: PSH0001 onwards, never reused.
/// </summary>
internal static class Diagnostics
{
    private const string Category = "ParallelSharp";

    public static readonly DiagnosticDescriptor CapturesVariable = new(
        "PSH0001", "The function captures a local variable",
        "The function passed to {0} captures '{1}', which cannot travel to a node. Make the function static, give it a parameter '{2} {1}', and pass '{1}' as an argument of {0}.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor CapturesThis = new(
        "PSH0002", "The function uses 'this'",
        "The function passed to {0} uses 'this' (through '{1}'), and the object it belongs to cannot travel with a lambda. Make the lambda static and pass what it needs as arguments, or submit an instance method of a serializable object (server.Submit(series.Log, x)).",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ReceiverNotSerializable = new(
        "PSH0003", "The method's object cannot be serialized",
        "'{0}' is an instance method, so its object travels to the node as JSON, but '{1}' {2}. Make the method static and pass the data it needs, or submit a method of a record or class with public properties.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor OpenGeneric = new(
        "PSH0004", "The function is an open generic",
        "The function passed to {0} depends on the type parameter '{1}', which is only known when the enclosing generic code runs; a node compiles concrete code ahead of time. Submit from non-generic code, with concrete type arguments.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NativeInterop = new(
        "PSH0005", "The function depends on native code",
        "The function passed to {0} depends on '{1}', which {2}; a node may not have the native library. Keep native calls out of jobs (call them before submitting or after the result arrives), or build the job with JobSource and install the library on every node.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor Unreachable = new(
        "PSH0006", "The function depends on code ParallelSharp cannot see",
        "The function passed to {0} depends on '{1}', {2}. Move that part out of the job, or write it by hand so its source is in the project.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotAFunction = new(
        "PSH0007", "The function's source cannot be captured",
        "The function passed to {0} is {1}, so ParallelSharp cannot tell at compile time which code it runs: the call throws InvalidOperationException unless the delegate is a static method that another call site in this project passes as a method group. Pass a method group (server.{0}(Primes.SumPrimes, ...)) or a static lambda, or build a JobSource for code that only exists at run time.",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MapWithReceiver = new(
        "PSH0008", "Map cannot carry an object",
        "'{0}' is an instance method, but {1} runs one function over many inputs and cannot send its object with each one. Make it a static method that takes the object as a parameter, or call Submit for each input.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedSignature = new(
        "PSH0009", "The function's signature cannot travel",
        "The function passed to {0} cannot run as a job: {1}. {2}.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MadeByAnotherGenerator = new(
        "PSH0010", "The function uses code that another source generator makes",
        "The function passed to {0} uses '{1}', which does not exist in the code ParallelSharp reads ({2}). If another source generator makes it (a System.Text.Json [JsonSerializable] context, a [GeneratedRegex], a logging or mapping generator), the node cannot compile it either, because it runs no generators: move that use out of the job (serialize before submitting, or after the result arrives), or use an API inside the job that needs no generated code (JsonSerializer with JsonSerializerOptions, new Regex(...)). Otherwise, fix the compiler error.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <summary>Every descriptor, by id.</summary>
    public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = new[]
    {
        CapturesVariable, CapturesThis, ReceiverNotSerializable, OpenGeneric, NativeInterop, Unreachable, NotAFunction,
        MapWithReceiver, UnsupportedSignature, MadeByAnotherGenerator,
    }.ToDictionary(d => d.Id, StringComparer.Ordinal);
}
