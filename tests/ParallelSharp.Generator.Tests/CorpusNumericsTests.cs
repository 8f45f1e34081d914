using ParallelSharp.Generator.Tests.Corpus;
using ParallelSharp.Generator.Tests.Corpus.Geometry;
using ParallelSharp.Generator.Tests.Corpus.Numerics;
using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>Numeric jobs (primes, BigInteger, generic math, pp's auto_diff dual numbers, records, structs) shipped to a worker.</summary>
[Collection(WorkersCollection.Name)]
public sealed class CorpusNumericsTests(WorkersFixture workers)
{
    private readonly JobServer _server = workers.Server;

    [Fact]
    public async Task SumPrimes_MethodGroup_MatchesLocalResult() =>
        Assert.Equal(Primes.SumPrimes(20_000), await _server.Submit(Primes.SumPrimes, 20_000).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task CountWithSieve_StackallocSpan_MatchesLocalResult() =>
        Assert.Equal(Primes.CountWithSieve(3000), await _server.Submit(Primes.CountWithSieve, 3000).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task FirstN_InfiniteIteratorInsideJob_MatchesLocalResult() =>
        Assert.Equal(Primes.FirstN(25), await _server.Submit(Primes.FirstN, 25).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Factorial_BigInteger_MatchesLocalResult() =>
        Assert.Equal(Big.Factorial(60), await _server.Submit(Big.Factorial, 60).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Fibonacci_BigIntegerTuples_MatchesLocalResult() =>
        Assert.Equal(Big.Fibonacci(300), await _server.Submit(Big.Fibonacci, 300).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task DigitSumOfPower_KeywordParameterName_MatchesLocalResult() =>
        Assert.Equal(Big.DigitSumOfPower(2, 1000), await _server.Submit(Big.DigitSumOfPower, 2, 1000).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task SumOfInts_GenericMathHelper_MatchesLocalResult() =>
        Assert.Equal(Stats.SumOfInts(Sample.Numbers), await _server.Submit(Stats.SumOfInts, Sample.Numbers).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task SumOfPrices_DecimalGenericMath_MatchesLocalResult() =>
        Assert.Equal(Stats.SumOfPrices([1.10m, 2.20m, 3.33m]), await _server.Submit(Stats.SumOfPrices, new[] { 1.10m, 2.20m, 3.33m }).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task IntRange_ConstrainedGenericAndTuple_MatchesLocalResult() =>
        Assert.Equal(Stats.IntRange(Sample.Numbers), await _server.Submit(Stats.IntRange, Sample.Numbers).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Median_OnWorker_MatchesLocalResult() =>
        Assert.Equal(Stats.Median(Sample.Measurements), await _server.Submit(Stats.Median, Sample.Measurements).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task StandardDeviation_OnWorker_MatchesLocalResult() =>
        Assert.Equal(Stats.StandardDeviation(Sample.Measurements), await _server.Submit(Stats.StandardDeviation, Sample.Measurements).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task SumOfSquares_ExtensionMethodGroupOnArray_SendsReceiver()
    {
        var values = Sample.Numbers;
        Assert.Equal(values.SumOfSquares(), await _server.Submit(values.SumOfSquares).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task DerivativeAt_DualNumbers_MatchesLocalResult() =>
        Assert.Equal(DualMath.DerivativeAt(1.5), await _server.Submit(DualMath.DerivativeAt, 1.5).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Polynomial_DualInAndOut_MatchesLocalResult()
    {
        var x = new Dual(2.0, 1.0);
        Assert.Equal(DualMath.Polynomial(x), await _server.Submit(DualMath.Polynomial, x).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task SinExp_DualOperatorsAndFunctions_MatchesLocalResult()
    {
        var x = Dual.Variable(0.75);
        Assert.Equal(DualMath.SinExp(x), await _server.Submit(DualMath.SinExp, x).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Gradient_DualOverArray_MatchesLocalResult() =>
        Assert.Equal(DualMath.Gradient(Sample.Measurements), await _server.Submit(DualMath.Gradient, Sample.Measurements).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Scale_RecordWithExpression_MatchesLocalResult()
    {
        var rectangle = new Rectangle(2, 3.5);
        Assert.Equal(ShapeJobs.Scale(rectangle, 1.5), await _server.Submit(ShapeJobs.Scale, rectangle, 1.5).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Describe_PatternMatchingOverRecords_MatchesLocalResult() =>
        Assert.Equal(ShapeJobs.Describe(3, 3), await _server.Submit(ShapeJobs.Describe, 3.0, 3.0).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task TotalArea_AbstractRecordHierarchy_MatchesLocalResult() =>
        Assert.Equal(ShapeJobs.TotalArea(30), await _server.Submit(ShapeJobs.TotalArea, 30).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Centroid_TupleArrayToStruct_MatchesLocalResult()
    {
        (double X, double Y)[] points = [(0, 0), (4, 0), (4, 3), (1, 5)];
        Assert.Equal(VectorJobs.Centroid(points), await _server.Submit(VectorJobs.Centroid, points).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task PathLength_StructArrayArgument_MatchesLocalResult()
    {
        Vector[] path = [new(0, 0), new(3, 4), new(6, 8), new(6, 0)];
        Assert.Equal(VectorJobs.PathLength(path), await _server.Submit(VectorJobs.PathLength, path).Task.WaitAsync(TestTimeouts.Job));
    }
}
