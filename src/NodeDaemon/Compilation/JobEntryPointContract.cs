namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>
/// The names a worker uses to call a compiled package: every image holds
/// <c>public static class ParallelSharp.Generated.JobEntryPoint</c> with
/// <c>public static void Invoke(ref Utf8JsonReader reader, Utf8JsonWriter writer, JsonSerializerOptions options)</c>,
/// <c>public const string Signature</c> and <c>public const int ParameterCount</c>.
/// </summary>
/// <remarks>
/// <para><c>Invoke</c> expects <c>reader</c> positioned on the <c>StartArray</c> token of the job's JSON array of
/// arguments and leaves it on the matching <c>EndArray</c>. It reads exactly <c>ParameterCount</c> values typed by
/// the entry method's parameters, calls the entry method directly, waits for a returned task, and writes the result
/// (JSON <c>null</c> for <c>void</c>, <c>Task</c> and <c>ValueTask</c>) to <c>writer</c>.</para>
/// <para>If the arguments cannot be bound, it throws <see cref="ArgumentException"/> whose
/// <c>Data[<see cref="ArgumentBindingDataKey"/>]</c> is <see langword="true"/>; any other exception is the job's own,
/// thrown unchanged by the user's code.</para>
/// </remarks>
internal static class JobEntryPointContract
{
    /// <summary>The namespace of the generated types.</summary>
    public const string Namespace = "ParallelSharp.Generated";

    /// <summary>The full name of the generated class.</summary>
    public const string TypeName = Namespace + ".JobEntryPoint";

    /// <summary>The name of the generated invoker method.</summary>
    public const string InvokeMethodName = "Invoke";

    /// <summary>The constant holding the entry point's C# signature.</summary>
    public const string SignatureFieldName = "Signature";

    /// <summary>The constant holding the entry point's parameter count.</summary>
    public const string ParameterCountFieldName = "ParameterCount";

    /// <summary>The <see cref="Exception.Data"/> key set to <see langword="true"/> on argument-binding failures.</summary>
    public const string ArgumentBindingDataKey = "ParallelSharp.ArgumentBinding";

    /// <summary>Whether <paramref name="exception"/> is the invoker's report that the job's arguments did not fit the entry method.</summary>
    public static bool IsArgumentBindingFailure(Exception exception) =>
        exception is ArgumentException && exception.Data[ArgumentBindingDataKey] is true;
}
