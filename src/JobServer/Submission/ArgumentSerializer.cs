using System.Buffers;
using System.Text.Json;
using ParallelSharp.Protocol.Serialization;

namespace ParallelSharp.Submission;

/// <summary>
/// Turns a job's arguments into the JSON array that travels to the node, on the caller's thread, so an
/// argument that cannot travel is refused at submit time with its position and type — never a hang.
/// </summary>
internal static class ArgumentSerializer
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Serializes one call's arguments as a JSON array.</summary>
    /// <exception cref="ArgumentException">An argument cannot be serialized.</exception>
    public static byte[] Serialize(ReadOnlySpan<object?> args)
    {
        var (buffer, writer) = Rent();
        writer.WriteStartArray();
        WriteArguments(writer, args);
        writer.WriteEndArray();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Serializes a map chunk: a JSON array of one-element argument arrays.</summary>
    /// <exception cref="ArgumentException">An input cannot be serialized.</exception>
    public static byte[] SerializeBatch<TArg>(ReadOnlySpan<TArg> inputs, int firstIndex)
    {
        var (buffer, writer) = Rent();
        writer.WriteStartArray();
        for (var i = 0; i < inputs.Length; i++)
        {
            writer.WriteStartArray();
            try
            {
                JsonSerializer.Serialize(writer, inputs[i], inputs[i]?.GetType() ?? typeof(TArg), PayloadJson.Options);
            }
            catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
            {
                writer.Reset();
                throw Errors.InputNotSerializable(firstIndex + i, inputs[i], ex);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteArguments(Utf8JsonWriter writer, ReadOnlySpan<object?> args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var value = args[i];
            try
            {
                if (value is null)
                    writer.WriteNullValue();
                else
                    JsonSerializer.Serialize(writer, value, value.GetType(), PayloadJson.Options);
            }
            catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
            {
                writer.Reset();
                throw Errors.ArgumentNotSerializable(i, value, ex);
            }
        }
    }

    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer) Rent()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        writer.Reset(buffer);
        return (buffer, writer);
    }
}
