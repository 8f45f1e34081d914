namespace ParallelSharp.LabClient;

/// <summary>The jobs the scenarios run: a sleeping job whose result can be checked, and a poison job that kills its worker.</summary>
internal static class LabJobs
{
    /// <summary>
    /// <c>Work(x, sleepMs)</c> returns <c>[x * 7 + 3, start timestamp, worker pid]</c>. The start timestamp is the machine's
    /// monotonic clock (Stopwatch ticks), which every process and network namespace on the machine shares, so the tests
    /// can tell when a job restarted elsewhere after a node died.
    /// </summary>
    public static readonly JobSource Work = JobSource.FromCode("""
        using System;
        using System.Diagnostics;
        using System.Threading;

        namespace Lab;

        public static class Jobs
        {
            public static long[] Work(long x, int sleepMs)
            {
                var started = Stopwatch.GetTimestamp();
                if (sleepMs > 0)
                    Thread.Sleep(sleepMs);
                return new long[] { x * 7 + 3, started, Environment.ProcessId };
            }

            public static long[] Poison(long x)
            {
                Environment.FailFast("lab poison job " + x + " kills its worker on purpose");
                return new long[] { x };
            }
        }
        """, "Lab.Jobs.Work");

    /// <summary><c>Poison(x)</c> calls Environment.FailFast: every attempt kills the worker that runs it.</summary>
    public static readonly JobSource Poison = JobSource.FromDocuments(Work.Package.Sources, "Lab.Jobs", "Poison");

    /// <summary>The value <see cref="Work"/> must return for input <paramref name="x"/>.</summary>
    public static long Expected(long x) => x * 7 + 3;
}
