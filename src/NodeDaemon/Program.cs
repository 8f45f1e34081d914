using ParallelSharp.NodeDaemon.Hosting;
using ParallelSharp.NodeDaemon.WorkerHost;

// The same executable is the node daemon and, with the 'worker' verb, each of its worker processes.
// The worker path is checked first and touches nothing else, so a worker starts in tens of milliseconds.
if (args.Length > 0 && args[0] == WorkerProgram.Verb)
    return await WorkerProgram.RunAsync(args).ConfigureAwait(false);

return await DaemonCommand.RunAsync(args).ConfigureAwait(false);
