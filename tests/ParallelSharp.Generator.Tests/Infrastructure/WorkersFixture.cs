namespace ParallelSharp.Generator.Tests.Infrastructure;

/// <summary>
/// One job server with two local workers, shared by every test that ships code (starting workers and the node's
/// first compile cost about a second). Its compile cache lives in a temporary directory, deleted at the end.
/// </summary>
public sealed class WorkersFixture : IAsyncLifetime
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "psh-generator-tests", Guid.NewGuid().ToString("N"));

    public JobServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = new JobServer(new JobServerOptions { LocalWorkers = 2, CacheDirectory = _cache });
        await Server.WaitUntilReadyAsync().WaitAsync(TestTimeouts.Start);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Directory.Exists(_cache))
            Directory.Delete(_cache, recursive: true);
    }
}

/// <summary>The test classes that share <see cref="WorkersFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class WorkersCollection : ICollectionFixture<WorkersFixture>
{
    public const string Name = "Workers";
}
