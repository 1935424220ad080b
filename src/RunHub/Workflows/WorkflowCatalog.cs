using RunHub.Catalog;

namespace RunHub.Workflows;

/// <summary>
/// The registered workflows and AI apps: the files <c>workflows/&lt;id&gt;.json</c> and <c>apps/&lt;id&gt;.json</c> in the
/// catalog folder (docs/workflows.md). Read at start, where a broken file stops the server; then read again, at most
/// every <see cref="RecheckInterval"/>, when a file was added, changed or removed (<c>runhub workflows add</c> takes
/// effect on a running server without a restart). A broken file met then is logged and the last good set kept.
/// </summary>
public sealed class WorkflowCatalog
{
    public const string WorkflowsFolder = "workflows";
    public const string AppsFolder = "apps";
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly Lock _refresh = new();
    private Snapshot _current;
    private DateTimeOffset _checkedAt;

    private sealed record Snapshot(string Signature, IReadOnlyDictionary<string, WorkflowDefinition> Workflows, IReadOnlyDictionary<string, AppDefinition> Apps);

    /// <param name="catalogDir">The catalog folder; its <c>workflows</c> and <c>apps</c> folders may be missing (then there are none).</param>
    /// <exception cref="CatalogFormatException">A registration file is broken; the message names it and the field.</exception>
    public WorkflowCatalog(string catalogDir, TimeProvider time, ILogger<WorkflowCatalog>? logger = null)
    {
        _root = Path.GetFullPath(catalogDir);
        _time = time;
        _logger = logger;
        _current = Read(_root, Signature(_root));
        _checkedAt = time.GetUtcNow();
    }

    public IReadOnlyCollection<WorkflowDefinition> Workflows => Current.Workflows.Values.OrderBy(w => w.WorkflowId, StringComparer.Ordinal).ToList();
    public IReadOnlyCollection<AppDefinition> Apps => Current.Apps.Values.OrderBy(a => a.WebappId, StringComparer.Ordinal).ToList();

    public WorkflowDefinition? FindWorkflow(string workflowId) => Current.Workflows.GetValueOrDefault(workflowId);
    public AppDefinition? FindApp(string webappId) => Current.Apps.GetValueOrDefault(webappId);

    /// <summary>Reads the registrations of a catalog folder (what <c>runhub workflows list</c> shows).</summary>
    /// <exception cref="CatalogFormatException">A registration file is broken.</exception>
    public static (IReadOnlyDictionary<string, WorkflowDefinition> Workflows, IReadOnlyDictionary<string, AppDefinition> Apps) ReadFolder(string catalogDir)
    {
        var snapshot = Read(Path.GetFullPath(catalogDir), "");
        return (snapshot.Workflows, snapshot.Apps);
    }

    private Snapshot Current
    {
        get
        {
            var now = _time.GetUtcNow();
            if (now - _checkedAt < RecheckInterval) return _current;
            lock (_refresh)
            {
                if (now - _checkedAt < RecheckInterval) return _current;
                _checkedAt = now;
                var signature = Signature(_root);
                if (signature == _current.Signature) return _current;
                try
                {
                    _current = Read(_root, signature);
                    _logger?.LogInformation("Workflows and apps read again: {Workflows} workflows, {Apps} apps", _current.Workflows.Count, _current.Apps.Count);
                }
                catch (CatalogFormatException e)
                {
                    // Keep serving the last good set; the same signature is not read again until a file changes.
                    _current = _current with { Signature = signature };
                    _logger?.LogError("A workflow or app file is broken; the earlier ones stay in use: {Problem}", e.Message);
                }
                return _current;
            }
        }
    }

    private static Snapshot Read(string root, string signature)
    {
        var workflows = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        foreach (var file in Files(root, WorkflowsFolder))
        {
            var workflow = WorkflowFileReader.ReadWorkflow(file);
            workflows[workflow.WorkflowId] = workflow;
        }
        var apps = new Dictionary<string, AppDefinition>(StringComparer.Ordinal);
        foreach (var file in Files(root, AppsFolder))
        {
            var app = WorkflowFileReader.ReadApp(file, workflows);
            apps[app.WebappId] = app;
        }
        return new Snapshot(signature, workflows, apps);
    }

    private static IEnumerable<string> Files(string root, string folder)
    {
        var dir = Path.Combine(root, folder);
        return Directory.Exists(dir) ? Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal) : [];
    }

    /// <summary>Names, sizes and write times of every registration file: it changes when any file is added, edited or removed.</summary>
    private static string Signature(string root) => string.Join("\n",
        Files(root, WorkflowsFolder).Concat(Files(root, AppsFolder))
            .Select(f => new FileInfo(f))
            .Select(f => $"{f.FullName}\t{f.Length}\t{f.LastWriteTimeUtc.Ticks}"));
}
