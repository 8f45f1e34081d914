using System.Reflection;
using ParallelSharp.Generator.Tests.Corpus.Geometry;
using ParallelSharp.Generator.Tests.Corpus.Numerics;
using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>The delegate API itself: lambdas, local functions, framework methods, Map, MapUnordered, options, and the uncaptured path.</summary>
[Collection(WorkersCollection.Name)]
public sealed class SubmissionTests(WorkersFixture workers)
{
    private readonly JobServer _server = workers.Server;

    [Fact]
    public async Task Submit_StaticLambdaCallingHelper_RunsOnWorker() =>
        Assert.Equal(12, await _server.Submit(static (int x, int y) => Measure.Area(x, y), 3, 4).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Submit_NonStaticLambdaWithoutCaptures_RunsOnWorker() =>
        Assert.Equal("9|5", await _server.Submit((int x) => $"{x * x}|{Primes.FirstN(2).Sum()}", 3).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Submit_LambdaWithBlockBodyAndRecord_RunsOnWorker()
    {
        var result = await _server.Submit(static (Rectangle r) =>
        {
            var scaled = ShapeJobs.Scale(r, 2);
            return scaled with { Height = 1 };
        }, new Rectangle(1, 5)).Task.WaitAsync(TestTimeouts.Job);
        Assert.Equal(new Rectangle(2, 1), result);
    }

    [Fact]
    public async Task Submit_LocalFunction_RunsOnWorker()
    {
        static long Triangle(int n) => n <= 0 ? 0 : n + Triangle(n - 1);
        Assert.Equal(Triangle(100), await _server.Submit(Triangle, 100).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Submit_FrameworkMethodGroup_RunsThroughWrapper() =>
        Assert.Equal(Math.Sqrt(2.0), await _server.Submit(Math.Sqrt, 2.0).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Submit_NoArguments_RunsOnWorker() =>
        Assert.Equal(Primes.FirstN(5), await _server.Submit(static () => Primes.FirstN(5)).Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Submit_FourArguments_RunsOnWorker() =>
        Assert.Equal("a-2-3.5-True", await _server.Submit(static (string a, int b, double c, bool d) => FormattableString.Invariant($"{a}-{b}-{c}-{d}"), "a", 2, 3.5, true)
            .Task.WaitAsync(TestTimeouts.Job));

    [Fact]
    public async Task Submit_WithOptionsAndCallback_RunsCallbackAndUsesGroup()
    {
        var called = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var job = _server.Submit(Primes.SumPrimes, 1000, new JobOptions { Group = "generator-callback" }, j => called.TrySetResult(j.Result));
        Assert.Equal(Primes.SumPrimes(1000), await job.Task.WaitAsync(TestTimeouts.Job));
        Assert.Equal(Primes.SumPrimes(1000), await called.Task.WaitAsync(TestTimeouts.Job));
        Assert.Equal("generator-callback", job.Group);
        await _server.WaitAsync("generator-callback").WaitAsync(TestTimeouts.Job);
    }

    [Fact]
    public async Task Submit_CancelledToken_CancelsJob()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var job = _server.Submit(Primes.SumPrimes, 10, options: null, callback: null, cancellation.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Map_MethodGroup_ReturnsResultsInInputOrder()
    {
        var inputs = Enumerable.Range(1, 12).Select(i => i * 500).ToArray();
        var results = await _server.Map(Primes.SumPrimes, inputs).WaitAsync(TestTimeouts.Job);
        Assert.Equal(inputs.Select(Primes.SumPrimes), results);
    }

    [Fact]
    public async Task Map_StaticLambdaWithChunkSize_ReturnsResultsInInputOrder()
    {
        var results = await _server.Map(static (int x) => Big.Factorial(x), Enumerable.Range(1, 7), new MapOptions { ChunkSize = 2 })
            .WaitAsync(TestTimeouts.Job);
        Assert.Equal(Enumerable.Range(1, 7).Select(Big.Factorial), results);
    }

    [Fact]
    public async Task MapUnordered_MethodGroup_YieldsEveryIndexOnce()
    {
        var inputs = new[] { 5, 10, 15, 20, 25 };
        var seen = new Dictionary<int, long>();
        await foreach (var (index, result) in _server.MapUnordered(Primes.SumPrimes, inputs).WithCancellation(CancellationToken.None))
            seen.Add(index, result);
        Assert.Equal(inputs.Select(Primes.SumPrimes), Enumerable.Range(0, inputs.Length).Select(i => seen[i]));
    }

    [Fact]
    public async Task Submit_DelegateFromVariable_OfAStaticMethodCapturedElsewhere_RunsItsPackage()
    {
        // Other call sites pass Primes.SumPrimes as a method group, so its package is registered for its method.
        Func<int, long> function = Primes.SumPrimes;
#pragma warning disable PSH0007 // the point of this test: a delegate the generator cannot see at this call site
        var job = _server.Submit(function, 100);
#pragma warning restore PSH0007
        Assert.Equal(Primes.SumPrimes(100), await job.Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public void Submit_DelegateFromVariable_OfAMethodNoCallSitePasses_ThrowsInvalidOperationPointingToJobSource()
    {
        Func<int, long> function = NeverPassedToSubmit;
#pragma warning disable PSH0007 // the point of this test: a delegate the generator cannot see reaches Submit at run time
        var error = Assert.Throws<InvalidOperationException>(() => _server.Submit(function, 10));
#pragma warning restore PSH0007
        Assert.Contains("JobSource", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(NeverPassedToSubmit), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_DelegateBuiltByReflection_OfAMethodNoCallSitePasses_ThrowsInvalidOperation()
    {
        var method = typeof(SubmissionTests).GetMethod(nameof(NeverPassedToSubmit), BindingFlags.NonPublic | BindingFlags.Static)!;
        var function = method.CreateDelegate<Func<int, long>>();
#pragma warning disable PSH0007 // a delegate built by reflection cannot be captured at compile time
        Assert.Throws<InvalidOperationException>(() => { _ = _server.Map(function, [1, 2]); });
#pragma warning restore PSH0007
    }

    [Fact]
    public void Submit_MulticastDelegateOfACapturedMethod_ThrowsInvalidOperation()
    {
        Func<int, long> function = Primes.SumPrimes;
        function += Primes.SumPrimes;
#pragma warning disable PSH0007 // a combined delegate would run only its last method
        Assert.Throws<InvalidOperationException>(() => _server.Submit(function, 10));
#pragma warning restore PSH0007
    }

    [Fact]
    public async Task Submit_ExtensionMethodBoundToAnObject_ThrowsRatherThanDropTheObject()
    {
        // Passed as a static method group, Shout is captured and registered for its method...
        Assert.Equal("HI", await _server.Submit(TextExtensions.Shout, "hi").Task.WaitAsync(TestTimeouts.Job));
        // ...but this delegate is the same method bound to "abc", which a package found by method would not send.
        Func<string> bound = "abc".Shout;
#pragma warning disable PSH0007 // the point of this test
        var error = Assert.Throws<InvalidOperationException>(() => _server.Submit(bound));
#pragma warning restore PSH0007
        Assert.Contains("Shout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_StaticMethodOfAPrivateNestedClass_IsFoundByItsMethod() =>
        // Found at run time by Type.FullName ("...SubmissionTests+Inner"), the name the generator registered.
        Assert.Equal(21, await _server.Submit(Inner.Triple, 7).Task.WaitAsync(TestTimeouts.Job));

    private static long NeverPassedToSubmit(int n) => n;

    private static class Inner
    {
        public static int Triple(int x) => 3 * x;
    }
}

/// <summary>An extension method that a test also binds to an object.</summary>
public static class TextExtensions
{
    /// <summary>The text in capitals.</summary>
    public static string Shout(this string text) => text.ToUpperInvariant();
}
