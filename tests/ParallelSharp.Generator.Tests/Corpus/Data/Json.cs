using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ParallelSharp.Generator.Tests.Corpus.Data;

/// <summary>Jobs that call into a third-party assembly (Newtonsoft.Json), which travels to the node as bytes.</summary>
public static class Json
{
    public static int CountProperties(string json) => JObject.Parse(json).Descendants().OfType<JProperty>().Count();

    public static string Normalize(string json) => JsonConvert.SerializeObject(JsonConvert.DeserializeObject<Order>(json), Formatting.None);

    public sealed class Order
    {
        [JsonProperty("id")]
        public int Id { get; set; }

        [JsonProperty("items")]
        public List<string> Items { get; set; } = [];
    }
}
