using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Catalog;
using RunHub.Workflows;

namespace RunHub.Cli.Registrations;

/// <summary>
/// The registration files of one catalog folder (<c>workflows/&lt;id&gt;.json</c>, <c>apps/&lt;id&gt;.json</c>, read by
/// <see cref="WorkflowCatalog"/>), as <c>runhub workflows</c> and <c>runhub apps</c> change them. A file is added only
/// once the catalog as it would then be reads without a fault, so the server never meets a broken file (a running
/// server reads the change within a second; one starting up would refuse to start). Every refusal is a
/// <see cref="CatalogFormatException"/> with one plain line that names the file and the field.
/// </summary>
internal sealed class RegistrationFolder
{
    private RegistrationFolder(string root) => Root = root;

    /// <summary>The catalog folder, absolute.</summary>
    public string Root { get; }

    public string WorkflowsDir => Path.Combine(Root, WorkflowCatalog.WorkflowsFolder);

    public string AppsDir => Path.Combine(Root, WorkflowCatalog.AppsFolder);

    /// <summary>The <c>--catalog</c> option of every registration command.</summary>
    public static Option<string?> CatalogOption() => new("--catalog")
    {
        Description = "The catalog folder whose workflows/ and apps/ to change (default: RunHub__CatalogDir, else the catalog shipped beside the program)",
        HelpName = "DIR",
    };

    /// <summary>The folder named by <c>--catalog</c>, else the one <c>runhub serve</c> reads with the same settings.</summary>
    /// <exception cref="CatalogFormatException">The folder named does not exist.</exception>
    public static RegistrationFolder Open(ParseResult parse, Option<string?> catalog)
    {
        var root = parse.GetValue(catalog) is { Length: > 0 } given
            ? Path.GetFullPath(given)
            : ModelCatalog.DirectoryOf(CommandConfiguration.Load(null));
        if (!Directory.Exists(root)) throw new CatalogFormatException($"{root}: no such catalog folder; name one with --catalog DIR or RunHub__CatalogDir");
        return new RegistrationFolder(root);
    }

    /// <summary>The registration file of an id, checked first: an id is a file name, so nothing else may reach the file system.</summary>
    /// <exception cref="CatalogFormatException">Not 1 to 64 of A-Z, a-z, 0-9, '_' and '-'.</exception>
    public static string FileOf(string dir, string id, string noun) =>
        WorkflowFileReader.IsValidId(id)
            ? Path.Combine(dir, id + ".json")
            : throw new CatalogFormatException($"{JsonValueText.Quote(id, 64)} is not a {noun} id (1 to 64 of A-Z, a-z, 0-9, '_' and '-')");

    /// <summary>Every registered workflow except <paramref name="except"/>'s file, each read as the server reads it.</summary>
    /// <exception cref="CatalogFormatException">A registration file is broken.</exception>
    public Dictionary<string, WorkflowDefinition> ReadWorkflows(string? except = null)
    {
        var workflows = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        foreach (var file in Files(WorkflowsDir))
        {
            if (except is not null && Path.GetFileName(file) == except + ".json") continue;
            var workflow = WorkflowFileReader.ReadWorkflow(file);
            workflows[workflow.WorkflowId] = workflow;
        }
        return workflows;
    }

    /// <summary>Every registered app, read against <paramref name="workflows"/>.</summary>
    /// <exception cref="CatalogFormatException">An app file is broken, or names a workflow that is not in <paramref name="workflows"/>.</exception>
    public List<AppDefinition> ReadApps(IReadOnlyDictionary<string, WorkflowDefinition> workflows, string? except = null) =>
        Files(AppsDir).Where(f => except is null || Path.GetFileName(f) != except + ".json").Select(f => WorkflowFileReader.ReadApp(f, workflows)).ToList();

    /// <summary>The apps whose file names <paramref name="workflowId"/> (read loosely: a broken app file still counts if it names it).</summary>
    public List<string> AppsUsing(string workflowId) =>
        Files(AppsDir).Where(f => LooseId(f, "workflowId") == workflowId).Select(Path.GetFileNameWithoutExtension).OfType<string>().ToList();

    /// <summary>
    /// Reads <paramref name="source"/> (a registration written by hand, any file name), with <c>graph</c> given as a file
    /// name taken into it; stages it as <c>&lt;id&gt;.json</c> in a temporary folder and has <paramref name="check"/> read it
    /// there; then writes it into <paramref name="dir"/> (replacing a file of the same id only when <paramref name="replace"/>).
    /// Messages about the staged copy name <paramref name="source"/>.
    /// </summary>
    /// <returns>The id and the path written.</returns>
    /// <exception cref="CatalogFormatException">The file is not a valid registration, the catalog would break, or the id is taken.</exception>
    public static (string Id, string Path) Add(string source, string dir, string idField, string noun, bool replace, Action<string, string> check)
    {
        var shown = System.IO.Path.GetFullPath(source);
        var registration = Load(shown, idField, noun);
        var id = registration[idField]!.GetValue<string>();
        var target = FileOf(dir, id, noun);
        if (File.Exists(target) && !replace)
            throw new CatalogFormatException($"{noun} {id} is registered already ({target}); pass --replace to replace it");

        var stage = Directory.CreateTempSubdirectory("runhub-register-");
        try
        {
            var staged = System.IO.Path.Combine(stage.FullName, id + ".json");
            var text = registration.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
            File.WriteAllText(staged, text);
            try
            {
                check(staged, id);
            }
            catch (CatalogFormatException e)
            {
                throw new CatalogFormatException(NamingSource(e.Message, staged, id + ".json,", shown), e);
            }
            Directory.CreateDirectory(dir);
            // Written beside the target under a name the catalog does not read, then renamed: a server never reads half a file.
            var partial = System.IO.Path.Combine(dir, $".{id}.json.partial");
            File.WriteAllText(partial, text);
            File.Move(partial, target, overwrite: true);
            return (id, target);
        }
        finally
        {
            stage.Delete(recursive: true);
        }
    }

    /// <summary>Deletes the registration file of <paramref name="id"/>.</summary>
    /// <exception cref="CatalogFormatException">Not an id, or nothing is registered under it.</exception>
    public static string Remove(string dir, string id, string noun)
    {
        var file = FileOf(dir, id, noun);
        if (!File.Exists(file)) throw new CatalogFormatException($"no {noun} {id} is registered (no {file})");
        File.Delete(file);
        return file;
    }

    /// <summary>A message about the staged copy (it leads with its path or its file name) made to name the operator's file.</summary>
    private static string NamingSource(string message, string staged, string stagedName, string source) =>
        message.StartsWith(staged, StringComparison.Ordinal) ? source + message[staged.Length..]
        : message.StartsWith(stagedName, StringComparison.Ordinal) ? System.IO.Path.GetFileName(source) + "," + message[stagedName.Length..]
        : message;

    private static JsonObject Load(string path, string idField, string noun)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new CatalogFormatException($"{path}: not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CatalogFormatException($"{path}: cannot be read: {e.Message}");
        }
        if (node is not JsonObject registration) throw new CatalogFormatException($"{path}: expected a JSON object, a {noun} registration (docs/workflows.md)");
        if (registration[idField] is not JsonValue idValue || idValue.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
        {
            // The commonest slip: the graph exported from ComfyUI given where its registration belongs.
            var hint = registration.Count > 0 && registration.All(p => p.Value is JsonObject o && o.ContainsKey("class_type"))
                ? $"; this looks like a ComfyUI graph: register it with a file holding {{\"{idField}\", \"engine\", \"pricePerSecond\", \"maxSeconds\", \"graph\": \"{System.IO.Path.GetFileName(path)}\"}} (docs/workflows.md)"
                : "";
            throw new CatalogFormatException($"{path}, field \"{idField}\": required, the {noun}'s id{hint}");
        }
        // The id as text: RunningHub's 19-digit ids are often written as numbers.
        registration[idField] = JsonValue.Create(idValue.GetValueKind() == JsonValueKind.Number ? idValue.ToJsonString() : idValue.GetValue<string>());
        if (registration["graph"] is JsonValue { } graphName && graphName.GetValueKind() == JsonValueKind.String)
            registration["graph"] = GraphFile(path, graphName.GetValue<string>());
        return registration;
    }

    /// <summary>A graph named by file (relative to the registration) is taken into the copy, which no longer sits beside it.</summary>
    private static JsonNode GraphFile(string registration, string name)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(registration)!, name);
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) ?? throw new CatalogFormatException($"{registration}, field \"graph\": {path} holds null, not a graph");
        }
        catch (JsonException e)
        {
            throw new CatalogFormatException($"{registration}, field \"graph\": {path} is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CatalogFormatException($"{registration}, field \"graph\": {path} cannot be read: {e.Message}");
        }
    }

    private static IEnumerable<string> Files(string dir) =>
        Directory.Exists(dir) ? Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal) : [];

    private static string? LooseId(string file, string field)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(file))?[field] is JsonValue v ? JsonValueText.Of(v.GetValue<JsonElement>()) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException)
        {
            return null;
        }
    }
}
