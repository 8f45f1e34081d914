namespace ParallelSharp.Bench;

/// <summary>A fresh folder under the system temp folder (a compile cache no run has used), deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    private readonly bool _owned;

    private TempDirectory(string path, bool owned)
    {
        Path = path;
        _owned = owned;
    }

    public string Path { get; }

    public static TempDirectory Create(string purpose)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"psh-bench-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new TempDirectory(path, owned: true);
    }

    public void Dispose()
    {
        if (!_owned)
            return;
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp folder.
        }
    }
}
