using ParallelSharp.NodeDaemon.Hosting;
using ParallelSharp.NodeDaemon.WorkerHost;

// The same executable is the node daemon and, with the 'worker' verb, each of its worker processes.
// The worker path is checked first and touches nothing else, so a worker starts in tens of milliseconds.
if (args.Length > 0 && args[0] == WorkerProgram.Verb)
    return await WorkerProgram.RunAsync(args).ConfigureAwait(false);

// A client's frames are handled where the socket says they arrived (the runtime's event thread) instead of being handed
// to the thread pool first: one wake-up less on every job's way in. It is safe because nothing that follows a socket
// read in the daemon blocks (compiles run on the thread pool; frames are appended to buffers). The runtime reads this
// once, when the first socket is made, so it is set before anything else; an explicit setting of the user's wins.
const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
    Environment.SetEnvironmentVariable(InlineCompletions, "1");

return await DaemonCommand.RunAsync(args).ConfigureAwait(false);
