using System.Text.Json;

namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>
/// The shape of the generated <c>ParallelSharp.Generated.JobEntryPoint.Invoke</c>: bind it once per loaded package with
/// <c>MethodInfo.CreateDelegate&lt;JobEntryInvoker&gt;()</c> and call it per job (a typed delegate call, no reflection).
/// </summary>
/// <param name="reader">Positioned on the <c>StartArray</c> of the job's arguments; left on its <c>EndArray</c>.</param>
/// <param name="writer">Receives the result as one JSON value.</param>
/// <param name="options">The payload options both sides use (<c>PayloadJson.Options</c>).</param>
internal delegate void JobEntryInvoker(ref Utf8JsonReader reader, Utf8JsonWriter writer, JsonSerializerOptions options);
