using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ParallelSharp.Discovery;

namespace ParallelSharp.JobServerTests.Discovery;

/// <summary>A browser whose changes the test raises: no sockets, no multicast.</summary>
internal sealed class FakeServiceBrowser : ServiceBrowser
{
    private readonly Channel<ServiceChangedEventArgs> _changes = Channel.CreateUnbounded<ServiceChangedEventArgs>();

    public override string ServiceType => ServiceProfile.DefaultServiceType;

    public override IReadOnlyList<DiscoveredService> Services => [];

    public override event EventHandler<ServiceChangedEventArgs>? ServiceChanged
    {
        add { }
        remove { }
    }

    public void Raise(ServiceChangeKind kind, DiscoveredService service, bool isGoodbye = false) =>
        _changes.Writer.TryWrite(new ServiceChangedEventArgs(kind, service, isGoodbye));

    public override Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task<DiscoveredService> WaitForServiceAsync(Func<DiscoveredService, bool> predicate, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public override async IAsyncEnumerable<ServiceChangedEventArgs> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var change in _changes.Reader.ReadAllAsync(cancellationToken))
            yield return change;
    }

    public override ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
