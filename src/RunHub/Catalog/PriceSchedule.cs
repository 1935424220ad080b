using System.Globalization;
using System.Text.Json;
using RunHub.Accounts;

namespace RunHub.Catalog;

/// <summary>
/// A model's price in the pricing file's shape: a fixed unit price or parameter-based rules, times
/// the number of units the task buys (one call, its output seconds, its images, its text's
/// thousands of characters). A schedule read from a pricing file is bound to its model with
/// <see cref="ForModel"/> so it knows which parameter counts the units and the model's defaults.
/// </summary>
public sealed record PriceSchedule
{
    private static readonly string[] SecondsFields = ["duration", "seconds", "length"];
    private static readonly string[] ImageCountFields = ["numImages", "n", "imageNum", "batchSize", "numberOfImages", "num_images", "imageCount"];
    private static readonly string[] TextFields = ["text", "prompt", "content", "input"];

    /// <summary>Always CNY in the public file; <see cref="Money"/> is CNY.</summary>
    public string Currency { get; init; } = "CNY";

    /// <summary>The unit as written in the pricing file ("/次", "/秒", "/张", "/1000字符"), for listing.</summary>
    public string UnitText { get; init; } = "/次";

    public PriceUnit Unit { get; init; } = PriceUnit.PerCall;

    /// <summary>Set for a <c>fixed</c> schedule; null for a <c>parameter_based</c> one.</summary>
    public Money? FixedPrice { get; init; }

    /// <summary>The <c>parameter_based</c> rules, tried in file order; the first that matches wins.</summary>
    public IReadOnlyList<PriceRule> Rules { get; init; } = [];

    /// <summary>The parameter that counts the units (seconds, images, text), once bound to a model.</summary>
    public string? QuantityField { get; init; }

    /// <summary>
    /// The per-task price of a request the schedule cannot price (no rule matches, or its units cannot be counted, as for
    /// <c>duration: 0</c>, "as long as the input"): an import's <c>UnpricedPrice</c>. Null: such a request is refused.
    /// </summary>
    public Money? Fallback { get; init; }

    /// <summary>The model's applied defaults, so a quote of a request that omits a field prices what will run.</summary>
    public IReadOnlyDictionary<string, JsonElement> Defaults { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The unit shown for a model served at an operator's fallback price because its price list gives none RunHub can compute.</summary>
    public const string UnpricedUnitText = "/次 (not in the price list)";

    public static PriceSchedule Fixed(Money price, PriceUnit? unit = null, string? unitText = null) =>
        new() { FixedPrice = price, Unit = unit ?? PriceUnit.PerCall, UnitText = unitText ?? "/次" };

    /// <summary>
    /// This schedule bound to a model's parameters, or null when the model's price cannot be computed
    /// before the task runs: per-second models without a duration parameter (their output follows the
    /// input video's or audio's length, unknown until it is fetched) and per-character models without
    /// a text parameter. Such a model has no price and is not served, rather than being under-reserved.
    /// </summary>
    public PriceSchedule? ForModel(IReadOnlyList<ParameterSpec> parameters)
    {
        var defaults = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in parameters)
            if (p.AppliedDefault is { } value) defaults[p.FieldKey] = value;

        string? First(string[] names, Func<ParameterSpec, bool> fits) =>
            names.FirstOrDefault(n => parameters.Any(p => p.FieldKey == n && fits(p)));

        string? quantity = Unit.Kind switch
        {
            PriceUnitKind.PerSecond => First(SecondsFields, p => p.Type is ParameterType.Int or ParameterType.Float or ParameterType.List or ParameterType.String),
            PriceUnitKind.PerImage => First(ImageCountFields, p => p.Type is ParameterType.Int or ParameterType.List or ParameterType.String),
            PriceUnitKind.PerCharacters => First(TextFields, p => p.Type is ParameterType.String),
            _ => null,
        };
        if (quantity is null && Unit.Kind is PriceUnitKind.PerSecond or PriceUnitKind.PerCharacters) return null;
        return this with { QuantityField = quantity, Defaults = defaults };
    }

    /// <summary>
    /// The price of one task with these (validated, defaulted) parameters, or null when no rule
    /// matches or the units cannot be counted. Per second: unit price × the duration parameter
    /// (the request's, else the model's default), counting a started block ("/5秒") as whole.
    /// Per image: × the image-count parameter, or 1 when the model has none. Per 1000 characters:
    /// × the started thousands of code points of the text parameter, at least one.
    /// </summary>
    public Money? Quote(IReadOnlyDictionary<string, JsonElement> parameters)
    {
        if (UnitPrice(parameters) is not { } unitPrice) return Fallback;
        var units = Units(field => Value(parameters, field));
        if (units is null) return Fallback;
        return unitPrice * units.Value;
    }

    /// <summary>The price of one unit for these parameters (the fixed price, or the first matching rule's), or null when no rule matches.</summary>
    public Money? UnitPrice(IReadOnlyDictionary<string, JsonElement> parameters) =>
        FixedPrice ?? Rules.FirstOrDefault(r => r.Matches(field => Value(parameters, field)))?.Price;

    /// <summary>The request's value of a field, else the model's default.</summary>
    private JsonElement? Value(IReadOnlyDictionary<string, JsonElement> parameters, string field) =>
        parameters.TryGetValue(field, out var v) && v.ValueKind != JsonValueKind.Null ? v
        : Defaults.TryGetValue(field, out var d) ? d : null;

    /// <summary>The unit in English, as RunningHub's <c>priceTextEn</c> words it: "/call", "/second", "/5 seconds", "/image", "/1000 characters".</summary>
    public string UnitTextEn => Unit.Kind switch
    {
        PriceUnitKind.PerSecond => Unit.BlockSize == 1 ? "/second" : $"/{Unit.BlockSize} seconds",
        PriceUnitKind.PerImage => "/image",
        PriceUnitKind.PerCharacters => $"/{Unit.BlockSize} characters",
        _ => "/call",
    };

    private long? Units(Func<string, JsonElement?> lookup)
    {
        switch (Unit.Kind)
        {
            case PriceUnitKind.PerCall:
                return 1;
            case PriceUnitKind.PerSecond:
                // Zero or less is not a length: wan-2.7/video-edit uses duration 0 for "as long as the input".
                if (QuantityField is null || !TryNumber(lookup(QuantityField), out var seconds) || seconds <= 0) return null;
                return Blocks(seconds, Unit.BlockSize);
            case PriceUnitKind.PerImage:
                if (QuantityField is null) return 1;
                if (!TryNumber(lookup(QuantityField), out var images) || images < 1 || images != decimal.Truncate(images)) return null;
                return Blocks(images, Unit.BlockSize);
            case PriceUnitKind.PerCharacters:
                if (QuantityField is null || lookup(QuantityField) is not { ValueKind: JsonValueKind.String } text) return null;
                return Math.Max(1, Blocks(JsonValueText.CodePoints(text.GetString() ?? ""), Unit.BlockSize));
            default:
                return null;
        }
    }

    private static long Blocks(decimal amount, int blockSize) => (long)decimal.Ceiling(amount / blockSize);

    private static bool TryNumber(JsonElement? value, out decimal number)
    {
        number = 0;
        var text = JsonValueText.Of(value);
        return text is not null
            && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number)
            && number <= 1_000_000;
    }
}
