using System.Text;
using ParallelSharp.Generator.Tests.Corpus.Data;
using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>Data jobs (lookup tables, spans, Newtonsoft.Json, decimal records, partial classes, receivers, nesting).</summary>
[Collection(WorkersCollection.Name)]
public sealed class CorpusDataTests(WorkersFixture workers)
{
    private readonly JobServer _server = workers.Server;

    [Fact]
    public async Task ToRoman_StaticReadonlyTable_MatchesLocalResult() =>
        Assert.Equal(Tables.ToRoman(1994), await _server.Submit(Tables.ToRoman, 1994).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task ToMorse_FrozenDictionaryTable_MatchesLocalResult() =>
        Assert.Equal(Tables.ToMorse("Hello World"), await _server.Submit(Tables.ToMorse, "Hello World").Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Crc32_TableBuiltInStaticConstructor_MatchesLocalResult()
    {
        var data = Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog");
        Assert.Equal(Tables.Crc32(data), await _server.Submit(Tables.Crc32, data).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task SumCsv_SpanSplit_MatchesLocalResult() =>
        Assert.Equal(Spans.SumCsv("10, 20,30 ,-5"), await _server.Submit(Spans.SumCsv, "10, 20,30 ,-5").Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task ReverseWords_StackallocSpan_MatchesLocalResult() =>
        Assert.Equal(Spans.ReverseWords("ship the code not the data"), await _server.Submit(Spans.ReverseWords, "ship the code not the data").Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task CountByte_SpanCount_MatchesLocalResult()
    {
        byte[] data = [1, 2, 3, 2, 2, 9];
        Assert.Equal(Spans.CountByte(data, 2), await _server.Submit(Spans.CountByte, data, (byte)2).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task CountProperties_NewtonsoftAssemblyShipped_MatchesLocalResult()
    {
        const string json = """{"a":1,"b":{"c":[1,2],"d":{"e":null}}}""";
        Assert.Equal(Json.CountProperties(json), await _server.Submit(Json.CountProperties, json).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Normalize_NewtonsoftAttributesOnNestedClass_MatchesLocalResult()
    {
        const string json = """{ "items": ["x", "y"], "id": 7 }""";
        Assert.Equal(Json.Normalize(json), await _server.Submit(Json.Normalize, json).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task MonthlyPayment_RecordWithFlagsEnum_MatchesLocalResult()
    {
        var loan = new Loan(25_000m, 0.049m, 48, LoanFeatures.FixedRate | LoanFeatures.Insurance);
        Assert.Equal(Loans.MonthlyPayment(loan), await _server.Submit(Loans.MonthlyPayment, loan).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Schedule_ArrayOfRecordsResult_MatchesLocalResult()
    {
        var loan = new Loan(5_000m, 0.06m, 12);
        Assert.Equal(Loans.Schedule(loan), await _server.Submit(Loans.Schedule, loan).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Totals_DecimalTuple_MatchesLocalResult()
    {
        var loan = new Loan(12_000m, 0.035m, 24);
        Assert.Equal(Loans.Totals(loan), await _server.Submit(Loans.Totals, loan).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Restock_PartialClassAcrossFiles_MatchesLocalResult()
    {
        var inventory = new Inventory { Stock = new() { ["bolts"] = 3, ["nuts"] = 10 } };
        var expected = Inventory.Restock(inventory, 5);
        var actual = await _server.Submit(Inventory.Restock, inventory, 5).Task.WaitAsync(TestTimeouts.Job);
        Assert.Equal(expected.Stock, actual.Stock);
        Assert.Equal(expected.Log, actual.Log);
    }

    [Fact]
    public async Task LowStock_InstanceMethodOfPartialClass_SendsReceiver()
    {
        var inventory = new Inventory { Stock = new() { ["bolts"] = 3, ["nuts"] = 10, ["gears"] = 1 } };
        Assert.Equal(inventory.LowStock(5), await _server.Submit(inventory.LowStock, 5).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Mean_BoundMethodWithoutArguments_SendsReceiver()
    {
        var series = new Series { Name = "t", Values = [2, 4, 9] };
        Assert.Equal(series.Mean(), await _server.Submit(series.Mean).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Log_BoundMethodWithArgument_SendsReceiver()
    {
        var series = new Series { Name = "t", Values = [2, 4, 9] };
        Assert.Equal(series.Log(2), await _server.Submit(series.Log, 2).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Smooth_BoundMethodReturningItsOwnType_MatchesLocalResult()
    {
        var series = new Series { Name = "s", Values = [1, 5, 2, 8, 3, 9] };
        var expected = series.Smooth(3);
        var actual = await _server.Submit(series.Smooth, 3).Task.WaitAsync(TestTimeouts.Job);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Values, actual.Values);
    }

    [Fact]
    public async Task Compute_NestedTypesWithPrivateHelper_MatchesLocalResult() =>
        Assert.Equal(Outer.Inner.Compute(5), await _server.Submit(Outer.Inner.Compute, 5).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task SubmitHidden_PrivateMethodGroup_MatchesLocalResult() =>
        Assert.Equal(Outer.CallHidden(4), await Outer.SubmitHidden(_server, 4).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Conditional_PreprocessorBranchOfThisBuild_MatchesLocalResult() =>
        Assert.Equal(Outer.Conditional(1), await _server.Submit(Outer.Conditional, 1).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Speed_StaticAbstractInterfaceMembers_MatchesLocalResult() =>
        Assert.Equal(Units.Speed(100, 9.58), await _server.Submit(Units.Speed, 100.0, 9.58).Task.WaitAsync(TestTimeouts.Job));
}
