using System.Globalization;
using System.Text.Json;

namespace RunHub.Client;

/// <summary>Says a pricing entry (the public pricing file's shape) in a few words.</summary>
internal static class PriceText
{
    public static string? Of(JsonElement pricing)
    {
        if (pricing.ValueKind != JsonValueKind.Object) return null;
        var unit = (JsonText.Read(pricing, "currency") ?? "") + (JsonText.Read(pricing, "unit") ?? "");
        var type = JsonText.Read(pricing, "pricing_type");
        if (JsonText.Decimal(pricing, "price") is { } fixedPrice && type is null or "fixed")
            return $"{Format(fixedPrice)} {unit}".TrimEnd();

        var prices = new List<decimal>();
        var rules = JsonText.Child(pricing, "rules", JsonValueKind.Array);
        if (rules.ValueKind == JsonValueKind.Array)
            foreach (var rule in rules.EnumerateArray())
                if (JsonText.Decimal(rule, "price") is { } price) prices.Add(price);
        if (prices.Count == 0) return null;

        var (low, high) = (prices.Min(), prices.Max());
        var range = low == high ? Format(low) : $"{Format(low)}–{Format(high)}";
        var dependsOn = JsonText.Child(pricing, "depends_on", JsonValueKind.Array);
        var by = dependsOn.ValueKind == JsonValueKind.Array
            ? string.Join(", ", dependsOn.EnumerateArray().Select(JsonText.Of).Where(s => !string.IsNullOrEmpty(s)))
            : "";
        return $"{range} {unit}{(by.Length > 0 ? " by " + by : "")}".TrimEnd();
    }

    private static string Format(decimal price) => price.ToString("0.####", CultureInfo.InvariantCulture);
}
