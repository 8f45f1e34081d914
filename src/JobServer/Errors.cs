using ParallelSharp.Protocol.Messages;
using ParallelSharp.Scheduling;

namespace ParallelSharp;

/// <summary>Builds every exception the job server raises, so messages stay consistent: what failed, which job or node, what to do next.</summary>
internal static class Errors
{
    internal static Exception FromRemote(JobRecord job, string nodeId, JobResultStatus status, RemoteError error) => status switch
    {
        JobResultStatus.Failed => new JobFailedException(
            $"Job {job.Id} ({job.Source}) threw {error.Type} on node {nodeId}: {error.Message}",
            error.Type, error.Message, error.StackTrace, nodeId),
        JobResultStatus.CompileFailed => new JobCompilationException(error.Message, error.Diagnostics ?? []),
        JobResultStatus.BindingFailed => new ArgumentException(
            $"Job {job.Id} ({job.Source}) was submitted with arguments that do not fit its entry method: {error.Message}"),
        JobResultStatus.TimedOut => new JobTimeoutException(
            $"Job {job.Id} ({job.Source}) was stopped on node {nodeId}: {error.Message} Raise JobOptions.Timeout if it needs longer."),
        _ => new JobFailedException(
            $"Job {job.Id} ({job.Source}) failed on node {nodeId} ({status}): {error.Message}",
            error.Type, error.Message, error.StackTrace, nodeId),
    };

    internal static JobAbandonedException Abandoned(JobRecord job) =>
        new($"Job {job.Id} ({job.Source}) was abandoned after {job.FailedAttempts.Count} attempt(s), each ending with its worker or node dead: " +
            $"{string.Join("; ", job.FailedAttempts)}. The job itself is probably crashing its process (Environment.FailFast, stack overflow, " +
            "Environment.Exit, out of memory); run it locally to see why, or raise JobOptions.MaxAttempts if the nodes are merely unreliable.",
            job.FailedAttempts.ToArray());

    internal static NodeUnavailableException NoNodeAvailable(JobRecord job, TimeSpan waited, string detail) =>
        new($"Job {job.Id} ({job.Source}) found no node to run on within {waited.TotalSeconds:0.#} s. {detail} " +
            "Start a node, fix its address or secret, or give the job server local workers.", NodeFailureKind.NoNodeAvailable);

    internal static JobFailedException ResultTypeMismatch(long jobId, JobSource source, Type expected, string? nodeId, Exception inner) =>
        new($"Job {jobId} ({source}) finished on node {nodeId}, but its result could not be read as {expected}: {inner.Message} " +
            "Submit it with the entry method's return type.", inner);

    internal static ArgumentException ArgumentNotSerializable(int index, object? value, Exception inner) =>
        new($"Argument {index + 1} of type {value?.GetType().FullName ?? "null"} cannot be sent to a node as JSON: {inner.Message} " +
            "Pass primitives, strings, arrays, collections, tuples, records or classes with public properties.", $"args[{index}]", inner);

    internal static ArgumentException InputNotSerializable(int index, object? value, Exception inner) =>
        new($"Input {index} (counting from 0) of type {value?.GetType().FullName ?? "null"} cannot be sent to a node as JSON: {inner.Message} " +
            "Pass primitives, strings, arrays, collections, tuples, records or classes with public properties.", "inputs", inner);

    internal static InvalidOperationException DelegateNotCaptured(string api, Delegate function) =>
        new($"{api} was given a delegate for {function.Method.DeclaringType?.FullName}.{function.Method.Name} that has no captured package. " +
            "The ParallelSharp source generator captures a function's source at compile time, and only when a method group " +
            "(server.Submit(Primes.SumPrimes, 100_000)) or a lambda is written at the call site in a project that references " +
            "ParallelSharp.JobServer; this delegate came from a variable, from reflection or from a project without the generator. " +
            "Pass the method group directly, or build the job with JobSource.FromCode for code that only exists at run time.");

    internal static InvalidOperationException CapturedAssemblyWithoutFile(string entry, string assembly) =>
        new($"The captured function {entry} needs the assembly {assembly}, which was loaded without a file (from memory or " +
            "generated at run time), so it cannot be shipped to nodes. Load it from a .dll file, or build the job with " +
            "JobSource.FromCode and give the file in assemblyPaths.");

    internal static ObjectDisposedException ServerDisposed() =>
        new(nameof(JobServer), "The job server was disposed; create a new one to submit jobs.");

    internal static OperationCanceledException ShutDown(JobRecord job) =>
        new($"Job {job.Id} ({job.Source}) was cancelled because its job server was disposed before it finished.");
}
