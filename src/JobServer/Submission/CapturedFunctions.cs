using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace ParallelSharp.Submission;

/// <summary>
/// The captured functions that are found by the delegate's method rather than by intercepting their call sites: static,
/// non-generic methods of the user's code passed as method groups (<c>server.Submit(Primes.SumPrimes, n)</c>).
/// Registered by generated code; not meant to be used directly.
/// </summary>
/// <remarks>
/// Such a method ships the same way from every call site, so one entry per method does the work of an interceptor per
/// call site, which costs the user's build a compiled method, an attribute and a signature check each. The generated
/// code registers, from a module initializer, one lookup per module; the first call with a method asks it for the
/// package by the method's declaring type and name (which the generator made sure are unique), and later calls find
/// it in a weak table keyed by the method.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CapturedFunctions
{
    // Weak keys: an assembly loaded into a collectible AssemblyLoadContext can still be unloaded, and a MethodInfo the
    // reflection cache dropped and made again takes a new entry while the old one goes with it.
    private static readonly ConditionalWeakTable<Module, Func<string, string, JobSource?>> s_modules = new();
    private static readonly ConditionalWeakTable<MethodInfo, JobSource> s_byMethod = new();

    /// <summary>Registers the captured static methods of <paramref name="module"/>.</summary>
    /// <param name="module">The module whose generated code captured the methods.</param>
    /// <param name="find">
    /// Given a type's metadata name (<c>MyApp.Outer+Inner</c>) and a method name, the package captured for that method,
    /// or null when the generator captured no such method.
    /// </param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static void Register(Module module, Func<string, string, JobSource?> find)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(find);
        s_modules.AddOrUpdate(module, find);
    }

    /// <summary>
    /// The package captured for <paramref name="function"/>'s method, or null when it is not a single static method that
    /// the generated code of its module registered.
    /// </summary>
    internal static JobSource? Find(Delegate function)
    {
        // A delegate with a target carries an object (an instance method, or an extension method bound to its first
        // argument) that a package found by method alone would not send; several targets would run only the last.
        if (function.Target is not null || !function.HasSingleTarget)
            return null;
        var method = function.Method;
        if (s_byMethod.TryGetValue(method, out var known))
            return known;
        if (!method.IsStatic || method.IsGenericMethod || method.DeclaringType is not { FullName: { } type } ||
            !s_modules.TryGetValue(method.Module, out var find) || find(type, method.Name) is not { } source)
            return null;
        return s_byMethod.GetValue(method, _ => source);
    }
}
