using RunHub.Accounts;

namespace RunHub.Catalog;

/// <summary>
/// The models RunHub serves, by endpoint. Immutable: imports return a new catalog, so a catalog
/// handed to request handlers never changes under them.
/// </summary>
public sealed class ModelCatalog
{
    /// <summary>The models file of a catalog folder: the registry format plus <c>engine</c> and <c>timeoutSeconds</c>.</summary>
    public const string ModelsFile = "models.json";

    /// <summary>The prices of a catalog folder, in the pricing file format. Optional: without it no model is priced.</summary>
    public const string PricingFile = "pricing.json";

    private readonly Dictionary<string, ModelEntry> _byEndpoint;

    private ModelCatalog(IReadOnlyList<ModelEntry> models)
    {
        Models = models;
        _byEndpoint = models.SelectMany(m => m.Names.Select(name => (name, m))).ToDictionary(x => x.name, x => x.m, StringComparer.Ordinal);
    }

    public static ModelCatalog Empty { get; } = new([]);

    /// <summary>In catalog order: the folder's models first, then what imports added.</summary>
    public IReadOnlyList<ModelEntry> Models { get; }

    /// <summary>The model with this endpoint or alias. Names are compared exactly (ordinal, case-sensitive), as RunningHub's paths are.</summary>
    public ModelEntry? Find(string endpoint) => _byEndpoint.GetValueOrDefault(endpoint);

    /// <summary>The folder holding the model catalog: <c>RunHub:CatalogDir</c>, else the <c>catalog</c> folder shipped beside the program.</summary>
    public static string DirectoryOf(RunHubOptions options) =>
        string.IsNullOrWhiteSpace(options.CatalogDir) ? Path.Combine(AppContext.BaseDirectory, "catalog") : Path.GetFullPath(options.CatalogDir);

    /// <summary>The configured catalog: the catalog folder, then <c>RunHub:CatalogImports</c> in order.</summary>
    /// <exception cref="CatalogFormatException">A catalog file is missing or malformed.</exception>
    public static ModelCatalog Load(RunHubOptions options)
    {
        var catalog = LoadDirectory(DirectoryOf(options));
        foreach (var import in options.CatalogImports)
            catalog = catalog.Import(Path.GetFullPath(import.Registry), import.Pricing is { Length: > 0 } p ? Path.GetFullPath(p) : null,
                string.IsNullOrWhiteSpace(import.Engine) ? null : new EngineBinding(import.Engine),
                import.UnpricedPrice is { } unpriced ? Money.FromDecimal(unpriced) : null);
        if (!string.IsNullOrWhiteSpace(options.CatalogFile))
            catalog = catalog.Import(Path.GetFullPath(options.CatalogFile),
                string.IsNullOrWhiteSpace(options.PricingFile) ? null : Path.GetFullPath(options.PricingFile),
                new EngineBinding(Engines.Sandbox.SandboxEngine.EngineName), Money.Zero);
        return catalog;
    }

    /// <summary>
    /// Loads <c>models.json</c> and, if present, <c>pricing.json</c> from a catalog folder. Models
    /// without a price or an engine are loaded too: they are listed, and a submit to them is
    /// answered with 1010.
    /// </summary>
    public static ModelCatalog LoadDirectory(string dir)
    {
        if (!Directory.Exists(dir))
            throw new CatalogFormatException($"{Path.GetFullPath(dir)}: catalog folder not found");
        var models = Path.Combine(dir, ModelsFile);
        if (!File.Exists(models))
            throw new CatalogFormatException($"{Path.GetFullPath(models)}: not found (a catalog folder holds {ModelsFile} and {PricingFile})");
        var pricing = Path.Combine(dir, PricingFile);
        return FromModels(RegistryReader.Read(models, File.Exists(pricing) ? pricing : null));
    }

    /// <summary>A catalog of these models; a name (endpoint or alias) given twice is an error.</summary>
    public static ModelCatalog FromModels(IEnumerable<ModelEntry> models)
    {
        var list = models.ToList();
        var duplicate = list.SelectMany(m => m.Names).GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new CatalogFormatException($"endpoint \"{duplicate.Key}\" is listed more than once (as an endpoint or an alias); keep one entry per endpoint");
        return new ModelCatalog(list);
    }

    /// <summary>
    /// This catalog with a registry file and its pricing file merged in, e.g. a full RunningHub
    /// registry an operator points the configuration at. Imported models replace models of the
    /// same endpoint already here (in place, keeping the order) and the rest are appended. Models
    /// the registry gives no engine get <paramref name="engine"/> (say, the upstream
    /// <c>runninghub</c> engine); without one they are listed but not served.
    /// </summary>
    /// <param name="unpricedPrice">The per-task price of models the price list does not price (or not computably); null leaves them unserved.</param>
    public ModelCatalog Import(string registryPath, string? pricingPath = null, EngineBinding? engine = null, Money? unpricedPrice = null)
    {
        IEnumerable<ModelEntry> imported = RegistryReader.Read(registryPath, pricingPath);
        if (engine is not null) imported = imported.Select(m => m.Engine is null ? m with { Engine = engine } : m);
        if (unpricedPrice is { } price)
            imported = imported.Select(m => m with
            {
                Price = m.Price is null ? PriceSchedule.Fixed(price, unitText: PriceSchedule.UnpricedUnitText) : m.Price with { Fallback = price },
            });
        return Merge(imported);
    }

    /// <summary>
    /// This catalog with these models added. A model replaces the one of the same endpoint, in its place, keeping that
    /// one's aliases. A model that shares a name with a catalog model only through an alias is that model renamed
    /// (RunningHub's <c>edit-[Deprecated]</c> for the shipped <c>edit</c>): with no engine of its own it only adds its
    /// names to the catalog model, which keeps serving; with one, it replaces it and keeps its other names. Other models
    /// are appended.
    /// </summary>
    /// <exception cref="CatalogFormatException">A name would then belong to two models.</exception>
    public ModelCatalog Merge(IEnumerable<ModelEntry> models)
    {
        var merged = Models.ToList();
        foreach (var model in models)
        {
            var names = model.Names.ToHashSet(StringComparer.Ordinal);
            var at = merged.FindIndex(m => m.Endpoint == model.Endpoint);
            if (at < 0) at = merged.FindIndex(m => m.Names.Any(names.Contains));
            if (at < 0)
            {
                merged.Add(model);
                continue;
            }
            var existing = merged[at];
            merged[at] = existing.Endpoint != model.Endpoint && model.Engines.Count == 0
                ? existing with { Aliases = WithNames(existing.Aliases, model.Names, existing.Endpoint) }
                : model with { Aliases = WithNames(model.Aliases, existing.Names, model.Endpoint) };
        }
        return FromModels(merged);
    }

    private static IReadOnlyList<string> WithNames(IReadOnlyList<string> aliases, IEnumerable<string> more, string endpoint) =>
        aliases.Concat(more).Where(n => n != endpoint).Distinct(StringComparer.Ordinal).ToList();
}
