namespace ParallelSharp.NodeDaemon.AssemblyStore;

/// <summary>Creates files so that readers only ever see complete content: write a temporary file, then move it into place.</summary>
/// <remarks>
/// Several writers (threads, or node processes sharing a directory) may race to create the same content-addressed
/// file; the move never overwrites, and "already exists" means another writer won with the same content.
/// </remarks>
internal static class AtomicFile
{
    /// <summary>The suffix of temporary files; stale ones may be deleted by whoever scans the directory.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Creates <paramref name="path"/> with <paramref name="content"/> unless it exists.</summary>
    /// <param name="path">The final file.</param>
    /// <param name="content">Its content.</param>
    /// <param name="durable">Flush to the device before the move, so a power loss cannot leave a torn file under the final name.</param>
    /// <returns><see langword="true"/> if this call created the file; <see langword="false"/> if it already existed.</returns>
    /// <exception cref="IOException">The directory cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory cannot be written.</exception>
    public static bool TryCreate(string path, ReadOnlySpan<byte> content, bool durable)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);

        var temporary = $"{path}.{Guid.NewGuid():N}{TemporarySuffix}";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: durable);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false; // Another writer won; its content is the same.
            }
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <summary>Deletes a file, ignoring that it may be gone or in use.</summary>
    /// <returns>Whether the file was deleted by this call.</returns>
    public static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path))
                return false;
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
