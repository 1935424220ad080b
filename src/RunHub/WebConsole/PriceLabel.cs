using RunHub.Catalog;

namespace RunHub.WebConsole;

/// <summary>A model's price as people read it: "0.03 CNY /次", or one line per parameter-based rule.</summary>
public static class PriceLabel
{
    public static IReadOnlyList<string> Lines(ModelEntry model)
    {
        if (model.Price is not { } price) return ["no price on this server (not served)"];
        if (price.FixedPrice is { } fixedPrice) return [$"{fixedPrice} {price.Currency} {price.UnitText}"];
        return price.Rules.Select(r =>
        {
            var when = string.Join(", ", r.When.Select(w => w.Value.Length == 0 ? w.Key : $"{w.Key} = {w.Value}"));
            return $"{r.Price} {price.Currency} {price.UnitText}" + (when.Length > 0 ? $" when {when}" : "");
        }).ToList();
    }

    /// <summary>The limits of a parameter in a few words: "5–800 characters", "1–2 files, JPG/PNG, ≤ 10 MB each", options.</summary>
    public static string Rules(ParameterSpec p)
    {
        var parts = new List<string>();
        if (p.MinLength is not null || p.MaxLength is not null) parts.Add($"{p.MinLength ?? 0}–{(p.MaxLength?.ToString() ?? "∞")} characters");
        if (p.Min is not null || p.Max is not null) parts.Add($"{p.Min?.ToString() ?? "−∞"} to {p.Max?.ToString() ?? "∞"}" + (p.Step is { } s ? $", step {s}" : ""));
        if (p.Options.Count > 0) parts.Add("one of " + string.Join(", ", p.Options));
        if (p.IsMedia)
        {
            parts.Add(p.MultipleInputs ? $"up to {p.MaxInputNum?.ToString() ?? "several"} files" : "1 file");
            if (p.Accept.Count > 0) parts.Add(string.Join("/", p.Accept));
            if (p.MaxSizeMb is { } mb) parts.Add($"≤ {mb} MB each");
        }
        return string.Join("; ", parts);
    }
}
