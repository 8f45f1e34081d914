using ParallelSharp.JobServerTests.Infrastructure;
using ParallelSharp.Submission;

namespace ParallelSharp.JobServerTests.Submission;

/// <summary>
/// Finding a captured package by the delegate's method, with a registration written by hand as the generated code
/// writes it (this project does not run the generator).
/// </summary>
public sealed class CapturedFunctionsTests
{
    private static readonly Lock s_gate = new();
    private static readonly List<(string Type, string Method)> s_asked = [];

    static CapturedFunctionsTests() => CapturedFunctions.Register(typeof(CapturedFunctionsTests).Module, Find);

    [Fact]
    public void Find_StaticMethodOfANestedClass_AsksByFullNameOnce_ThenRemembers()
    {
        Func<int, int> function = Jobs.Square;

        var first = CapturedFunctions.Find(function);
        var second = CapturedFunctions.Find(new Func<int, int>(Jobs.Square));

        Assert.Same(Sources.Echo, first);
        Assert.Same(first, second);
        lock (s_gate)
            Assert.Equal(1, s_asked.Count(a => a == (typeof(Jobs).FullName!, nameof(Jobs.Square))));
        Assert.Equal("ParallelSharp.JobServerTests.Submission.CapturedFunctionsTests+Jobs", typeof(Jobs).FullName);
    }

    [Fact]
    public void Find_MethodTheModuleDidNotCapture_IsNull() =>
        Assert.Null(CapturedFunctions.Find(new Func<int, int>(Jobs.NotCaptured)));

    [Fact]
    public void Find_LambdaOfARegisteredModule_IsNull() =>
        Assert.Null(CapturedFunctions.Find(new Func<int, int>(static x => x)));

    [Fact]
    public void Find_CapturedMethodBoundToAnObject_IsNull()
    {
        // The same static method, bound to its first argument: found by method, the "abc" would be lost.
        Func<int> bound = "abc".Measure;

        Assert.Null(CapturedFunctions.Find(bound));
        Assert.Same(Sources.Echo, CapturedFunctions.Find(new Func<string, int>(Texts.Measure)));
    }

    [Fact]
    public void Find_SeveralTargets_IsNull()
    {
        Func<int, int> function = Jobs.Square;
        function += Jobs.Square;

        Assert.Null(CapturedFunctions.Find(function));
    }

    [Fact]
    public void Find_MethodOfAModuleWithNoRegistration_IsNull() =>
        Assert.Null(CapturedFunctions.Find(new Func<double, double>(Math.Sqrt)));

    [Fact]
    public async Task Submit_MethodGroupOfARegisteredModule_SendsItsPackage()
    {
        await using var harness = new ServerHarness();
        var node = await harness.ConnectAsync("a", workers: 2);

        var job = harness.Server.Submit(Jobs.Square, 7);
        var viaMethod = await node.ReceiveJobAsync("the method group's job");
        _ = harness.Server.Submit<int>(Sources.Echo, 8);
        var direct = await node.ReceiveJobAsync("the registered package submitted directly");

        Assert.Equal("[7]", viaMethod.PayloadText);
        Assert.Equal(direct.PackageHandle, viaMethod.PackageHandle);
        Assert.False(job.Task.IsCompleted);
    }

    [Fact]
    public void Register_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => CapturedFunctions.Register(null!, Find));
        Assert.Throws<ArgumentNullException>(() => CapturedFunctions.Register(typeof(CapturedFunctionsTests).Module, null!));
    }

    private static JobSource? Find(string type, string method)
    {
        lock (s_gate)
            s_asked.Add((type, method));
        return (type, method) switch
        {
            ("ParallelSharp.JobServerTests.Submission.CapturedFunctionsTests+Jobs", nameof(Jobs.Square)) => Sources.Echo,
            ("ParallelSharp.JobServerTests.Submission.Texts", nameof(Texts.Measure)) => Sources.Echo,
            _ => null,
        };
    }

    private static class Jobs
    {
        public static int Square(int x) => x * x;

        public static int NotCaptured(int x) => x;
    }
}

/// <summary>An extension method the tests bind to an object.</summary>
public static class Texts
{
    /// <summary>The text's length.</summary>
    public static int Measure(this string text) => text.Length;
}
