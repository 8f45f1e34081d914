namespace ParallelSharp.IntegrationTests;

/// <summary>One job server with two local workers, shared by a test class (starting workers and the first compile cost about a second).</summary>
public sealed class LocalServerFixture : IAsyncLifetime
{
    public JobServer Server { get; private set; } = null!;

    public string CacheDirectory { get; } = Path.Combine(Path.GetTempPath(), "psh-tests-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Server = new JobServer(new JobServerOptions { LocalWorkers = 2, CacheDirectory = CacheDirectory, MaxAttempts = 2 });
        await Server.WaitUntilReadyAsync().WaitAsync(TestTimeouts.Job);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(CacheDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessHeavyCollection
{
    public const string Name = "Process-heavy tests";
}
