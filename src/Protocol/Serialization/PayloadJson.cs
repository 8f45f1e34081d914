using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ParallelSharp.Protocol.Serialization;

/// <summary>
/// The one set of JSON options used for job arguments and results on both sides of the wire.
/// Values cross as JSON of the same shape: the caller serializes its own types, the worker reads them
/// into the twin types compiled from the shipped source.
/// </summary>
public static class PayloadJson
{
    /// <summary>The options for arguments and results.</summary>
    /// <remarks>
    /// Fields are included because tuples (<c>ValueTuple</c>) keep their values in fields; named
    /// floating-point literals let NaN and infinities round-trip; cycles are refused rather than looping.
    /// </remarks>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            IncludeFields = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            ReferenceHandler = null,
            MaxDepth = 256,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.MakeReadOnly();
        return options;
    }
}
