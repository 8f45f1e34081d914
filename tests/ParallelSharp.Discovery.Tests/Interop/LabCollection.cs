namespace ParallelSharp.Discovery.Tests.Interop;

/// <summary>The interop tests share one lab and run one at a time (they share its link).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "mDNS interop lab";
}
