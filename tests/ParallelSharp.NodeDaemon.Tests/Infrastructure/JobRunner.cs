using System.Buffers;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using ParallelSharp.NodeDaemon.Compilation;
using ParallelSharp.Protocol.Serialization;

namespace ParallelSharp.NodeDaemon.Tests.Infrastructure;

/// <summary>
/// Runs a compiled package as a worker does: loads the image into a collectible context, binds
/// <c>JobEntryPoint.Invoke</c> to a typed delegate, and calls it with a JSON array of arguments.
/// </summary>
internal static class JobRunner
{
    /// <summary>Runs one job; returns the result JSON. Exceptions from the invoker propagate unchanged.</summary>
    public static string Run(CompiledPackage compiled, string argumentsJson, IReadOnlyDictionary<string, string>? referencePaths = null)
    {
        var context = new PackageLoadContext(compiled.Key, referencePaths ?? new Dictionary<string, string>());
        try
        {
            var invoker = Bind(context, compiled.Image);
            return Invoke(invoker, argumentsJson);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Reads the generated constants <c>Signature</c> and <c>ParameterCount</c> from the image.</summary>
    public static (string Signature, int ParameterCount) ReadConstants(CompiledPackage compiled)
    {
        var context = new PackageLoadContext(compiled.Key, new Dictionary<string, string>());
        try
        {
            using var stream = new MemoryStream(compiled.Image, writable: false);
            var type = context.LoadFromStream(stream).GetType(JobEntryPointContract.TypeName, throwOnError: true)!;
            var signature = (string)type.GetField(JobEntryPointContract.SignatureFieldName)!.GetRawConstantValue()!;
            var count = (int)type.GetField(JobEntryPointContract.ParameterCountFieldName)!.GetRawConstantValue()!;
            return (signature, count);
        }
        finally
        {
            context.Unload();
        }
    }

    private static JobEntryInvoker Bind(AssemblyLoadContext context, byte[] image)
    {
        using var stream = new MemoryStream(image, writable: false);
        var assembly = context.LoadFromStream(stream);
        var type = assembly.GetType(JobEntryPointContract.TypeName, throwOnError: true)!;
        var method = type.GetMethod(JobEntryPointContract.InvokeMethodName, BindingFlags.Public | BindingFlags.Static)!;
        return method.CreateDelegate<JobEntryInvoker>();
    }

    private static string Invoke(JobEntryInvoker invoker, string argumentsJson)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(argumentsJson));
        Assert.True(reader.Read(), "The test's arguments JSON is empty.");
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            invoker(ref reader, writer, PayloadJson.Options);
        }

        // The contract: the invoker leaves the reader on the array's EndArray, with nothing after it.
        Assert.Equal(JsonTokenType.EndArray, reader.TokenType);
        Assert.False(reader.Read());
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private sealed class PackageLoadContext(string key, IReadOnlyDictionary<string, string> referencePaths)
        : AssemblyLoadContext($"psh-test-{key[..16]}", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name is { } name && referencePaths.TryGetValue(name, out var path) ? LoadFromAssemblyPath(path) : null;
    }
}
