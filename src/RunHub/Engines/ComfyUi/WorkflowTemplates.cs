using System.Collections.Concurrent;

namespace RunHub.Engines.ComfyUi;

/// <summary>Workflow files read once and kept while unchanged on disk (an operator may edit one while the server runs).</summary>
internal sealed class WorkflowTemplates
{
    private readonly ConcurrentDictionary<string, (DateTime Written, long Length, WorkflowGraph Graph)> _loaded = new(StringComparer.Ordinal);

    public WorkflowGraph Load(string path)
    {
        var full = Path.GetFullPath(path);
        FileInfo file = new(full);
        if (!file.Exists) throw new WorkflowException($"workflow file {full} not found");
        if (_loaded.TryGetValue(full, out var known) && known.Written == file.LastWriteTimeUtc && known.Length == file.Length)
            return known.Graph;
        string json;
        try
        {
            json = File.ReadAllText(full);
        }
        catch (IOException e)
        {
            throw new WorkflowException($"workflow file {full} cannot be read: {e.Message}");
        }
        var graph = WorkflowGraph.Parse(json, full);
        _loaded[full] = (file.LastWriteTimeUtc, file.Length, graph);
        return graph;
    }
}
