namespace ParallelSharp.Generator.Tests.Corpus.Data;

public sealed partial class Inventory
{
    public int TotalUnits() => Stock.Values.Sum();

    public string[] LowStock(int threshold) => Stock.Where(p => p.Value < threshold).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();

    public static Inventory Restock(Inventory inventory, int amount)
    {
        var result = new Inventory { Stock = new Dictionary<string, int>(inventory.Stock), Log = [.. inventory.Log] };
        foreach (var key in result.Stock.Keys.ToList())
        {
            result.Stock[key] += amount;
            result.Log.Add($"+{amount} {key}");
        }

        return result;
    }
}
