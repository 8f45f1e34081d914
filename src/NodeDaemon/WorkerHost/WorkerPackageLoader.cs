using System.Reflection;
using System.Runtime.Loader;
using ParallelSharp.NodeDaemon.Compilation;

namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>
/// Loads compiled packages in a worker process, one collectible <see cref="AssemblyLoadContext"/> each, so
/// user dependencies never clash with ours or with each other, and evicted packages can be unloaded.
/// </summary>
internal sealed class WorkerPackageLoader
{
    // Unloading takes effect only after a collection: batch it, off the per-job path.
    private const int EvictionsPerCollection = 32;

    private readonly Dictionary<uint, LoadedPackage> _packages = [];
    private readonly LoadedPackageSet _lru;
    private int _evictionsSinceCollection;

    public WorkerPackageLoader(int capacity = LoadedPackageSet.DefaultCapacity) => _lru = new LoadedPackageSet(capacity);

    public int Count => _packages.Count;

    /// <summary>Loads a package image under a handle, evicting the least recently used package beyond the bound.</summary>
    /// <exception cref="InvalidOperationException">The image has no usable generated entry point.</exception>
    public void Load(uint handle, string key, byte[] image, IReadOnlyList<string> referencePaths)
    {
        if (_packages.Remove(handle, out var previous))
            previous.Context.Unload();

        var context = new PackageLoadContext(key, referencePaths);
        try
        {
            using var stream = new MemoryStream(image, writable: false);
            var assembly = context.LoadFromStream(stream);
            var entryType = assembly.GetType(JobEntryPointContract.TypeName, throwOnError: false)
                ?? throw new InvalidOperationException($"Package {key} has no {JobEntryPointContract.TypeName} type; it was not compiled by this node's compiler.");
            var method = entryType.GetMethod(JobEntryPointContract.InvokeMethodName, BindingFlags.Public | BindingFlags.Static)
                ?? throw new InvalidOperationException($"Package {key} has no {JobEntryPointContract.TypeName}.{JobEntryPointContract.InvokeMethodName} method.");
            var invoker = method.CreateDelegate<JobEntryInvoker>();
            var signature = entryType.GetField(JobEntryPointContract.SignatureFieldName)?.GetRawConstantValue() as string ?? key;
            _packages[handle] = new LoadedPackage(context, invoker, signature);
        }
        catch
        {
            context.Unload();
            throw;
        }

        if (_lru.Add(handle) is { } evicted && _packages.Remove(evicted, out var old))
        {
            old.Context.Unload();
            if (++_evictionsSinceCollection >= EvictionsPerCollection)
            {
                _evictionsSinceCollection = 0;
                GC.Collect();
            }
        }
    }

    /// <summary>Finds a loaded package and marks it used.</summary>
    public bool TryGet(uint handle, out LoadedPackage package)
    {
        if (_packages.TryGetValue(handle, out package!))
        {
            _lru.Touch(handle);
            return true;
        }

        return false;
    }

    internal sealed record LoadedPackage(AssemblyLoadContext Context, JobEntryInvoker Invoker, string Signature);

    private sealed class PackageLoadContext : AssemblyLoadContext
    {
        private readonly Dictionary<string, string> _referencesByName;

        public PackageLoadContext(string key, IReadOnlyList<string> referencePaths)
            : base($"psh-package-{key[..Math.Min(16, key.Length)]}", isCollectible: true)
        {
            _referencesByName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var path in referencePaths)
                _referencesByName.TryAdd(ReadAssemblyName(path), path);
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // Framework and ParallelSharp's own assemblies come from the default context (shared, so
            // System.Text.Json types match); the package's own references load here, isolated.
            return assemblyName.Name is { } name && _referencesByName.TryGetValue(name, out var path)
                ? LoadFromAssemblyPath(path)
                : null;
        }

        private static string ReadAssemblyName(string path)
        {
            try
            {
                return AssemblyName.GetAssemblyName(path).Name ?? Path.GetFileNameWithoutExtension(path);
            }
            catch (BadImageFormatException)
            {
                return Path.GetFileNameWithoutExtension(path);
            }
        }
    }
}
