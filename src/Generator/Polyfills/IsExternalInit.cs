// netstandard2.0 lacks the type that 'init' accessors and records compile against; the compiler only needs its name.
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit
{
}
