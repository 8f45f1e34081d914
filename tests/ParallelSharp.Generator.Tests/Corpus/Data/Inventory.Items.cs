namespace ParallelSharp.Generator.Tests.Corpus.Data;

/// <summary>A partial class: this part holds the data, the other the logic.</summary>
public sealed partial class Inventory
{
    public Dictionary<string, int> Stock { get; set; } = [];

    public List<string> Log { get; set; } = [];
}
