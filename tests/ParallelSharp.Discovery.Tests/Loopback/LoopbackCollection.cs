namespace ParallelSharp.Discovery.Tests.Loopback;

/// <summary>Loopback socket tests run one at a time: on 2 cores, parallel real-time tests only add jitter.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoopbackCollection
{
    public const string Name = "Loopback mDNS";
}
