using System.Text;
using System.Text.Json;
using ParallelSharp.JobServerTests.Infrastructure;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.JobServerTests.Scheduling;

public sealed class ResultTests
{
    public sealed record Point(int X, int Y);

    /// <summary>A result type whose own constructor refuses some values, as validating records do.</summary>
    public sealed class Positive
    {
        public Positive(int value)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Value = value;
        }

        public int Value { get; }
    }

    private static readonly RemoteError s_thrown = new("System.InvalidOperationException", "the job gave up", "   at Jobs.Echo.Run(Int32 x) in Job.cs:line 1");

    [Fact]
    public async Task Result_Succeeded_DecodesToResultType()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var job = harness.Submit<List<Point>>();
        await node.ReceiveJobAsync("the job");

        await node.SendSucceededAsync(job.Id, new[] { new Point(1, 2), new Point(3, 4) });

        Assert.Equal([new Point(1, 2), new Point(3, 4)], await job.ResultAsync("the decoded result"));
        Assert.Equal(JobStatus.Succeeded, job.Record.Status);
        Assert.Equal("a", job.Record.CompletedOn);
    }

    [Fact]
    public async Task Result_Failed_ThrowsJobFailedExceptionWithRemoteDetails()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("node-7", workers: 1);
        var job = harness.Submit<int>();
        await node.ReceiveJobAsync("the job");

        await node.SendErrorAsync(job.Id, JobResultStatus.Failed, s_thrown);

        var error = await job.Task.FailsWith<JobFailedException>("the failure");
        Assert.Equal(s_thrown.Type, error.RemoteType);
        Assert.Equal(s_thrown.Message, error.RemoteMessage);
        Assert.Equal(s_thrown.StackTrace, error.RemoteStackTrace);
        Assert.Equal("node-7", error.NodeId);
        Assert.Contains(s_thrown.Message, error.Message, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Failed, job.Record.Status);
    }

    [Fact]
    public async Task Result_CompileFailed_ThrowsJobCompilationExceptionWithDiagnostics()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var job = harness.Submit<int>();
        await node.ReceiveJobAsync("the job");
        var diagnostics = new[]
        {
            new CompilerDiagnostic("CS0103", "Error", "Job.cs", 3, 17, "The name 'y' does not exist in the current context"),
            new CompilerDiagnostic("CS1002", "Error", "Job.cs", 4, 2, "; expected"),
        };

        await node.SendErrorAsync(job.Id, JobResultStatus.CompileFailed, new RemoteError("ParallelSharp.CompilationFailed", "2 errors", string.Empty, diagnostics));

        var error = await job.Task.FailsWith<JobCompilationException>("the compile failure");
        Assert.Equal(diagnostics, error.Diagnostics);
    }

    [Fact]
    public async Task Result_BindingFailed_ThrowsArgumentException()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var job = harness.Submit<int>();
        await node.ReceiveJobAsync("the job");

        await node.SendErrorAsync(job.Id, JobResultStatus.BindingFailed, new RemoteError("System.ArgumentException", "Run takes 1 argument, got 2.", string.Empty));

        var error = await job.Task.FailsWith<ArgumentException>("the binding failure");
        Assert.IsType<ArgumentException>(error);
        Assert.Contains("Run takes 1 argument, got 2.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Result_TimedOut_ThrowsJobTimeoutException()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var job = harness.Submit<int>();
        await node.ReceiveJobAsync("the job");

        await node.SendErrorAsync(job.Id, JobResultStatus.TimedOut, new RemoteError("System.TimeoutException", "The job ran longer than 100 ms.", string.Empty));

        var error = await job.Task.FailsWith<JobTimeoutException>("the timeout");
        Assert.Contains("The job ran longer than 100 ms.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Result_Cancelled_ThrowsOperationCanceledException()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var job = harness.Submit<int>();
        await node.ReceiveJobAsync("the job");

        await node.SendResultAsync(job.Id, JobResultStatus.Cancelled, []);

        await job.Task.FailsWith<OperationCanceledException>("the cancellation");
        Assert.True(job.Task.IsCanceled);
        Assert.Equal(JobStatus.Cancelled, job.Record.Status);
    }

    [Fact]
    public async Task Result_JsonNotOfResultType_ThrowsResultTypeError()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var job = harness.Submit<int>();
        await node.ReceiveJobAsync("the job");

        await node.SendResultAsync(job.Id, JobResultStatus.Succeeded, Encoding.UTF8.GetBytes("\"forty-two\""));

        var error = await job.Task.FailsWith<JobFailedException>("the result-type error");
        Assert.IsType<JsonException>(error.InnerException);
        Assert.Contains("could not be read as System.Int32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Result_ResultTypeConstructorThrows_FailsThatJobAndKeepsTheConnection()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var refused = harness.Submit<Positive>();
        var next = harness.Submit<Positive>();
        await node.ReceiveJobAsync("the first job");

        await node.SendResultAsync(refused.Id, JobResultStatus.Succeeded, Encoding.UTF8.GetBytes("{\"Value\":-1}"));

        var error = await refused.Task.FailsWith<JobFailedException>("the result the result type refused");
        Assert.IsType<ArgumentOutOfRangeException>(error.InnerException);
        Assert.Equal(next.Id, (await node.ReceiveJobAsync("the next job on the same connection")).JobId);
        await node.SendSucceededAsync(next.Id, new Positive(5));
        Assert.Equal(5, (await next.ResultAsync("the next result")).Value);
        Assert.False(node.Connection.IsLost);
    }

    [Fact]
    public async Task Result_Counted_PerNodeStatistics()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 4);
        var node = await harness.ConnectAsync("a", workers: 1);
        var jobs = harness.SubmitMany<int>(3);
        await node.ReceiveJobsAsync(3, "three jobs");

        await node.SendSucceededAsync(jobs[0].Id, 1, busyMicroseconds: 100);
        await node.SendSucceededAsync(jobs[1].Id, 2, busyMicroseconds: 200);
        await node.SendErrorAsync(jobs[2].Id, JobResultStatus.Failed, s_thrown);
        await Task.WhenAll(jobs.Select(j => j.Task.ContinueWith(_ => { }, TaskScheduler.Default))).Within("the three outcomes");

        var counters = harness.Scheduler.Snapshot().Nodes["a"];
        Assert.Equal((2, 1, 300), (counters.Completed, counters.Failed, counters.BusyMicroseconds));
        Assert.All(jobs, j => Assert.Equal(1, j.Completions));
    }
}
