using System.Text.Json;
using RunHub.Accounts;

namespace RunHub.Catalog;

/// <summary>A model's price, in the pricing file's shape (fixed, or parameter-based rules). Placeholder: the catalog work replaces it.</summary>
public sealed record PriceSchedule(Money? Fixed)
{
    /// <summary>The price of one task with these (validated, defaulted) parameters, or null when no rule matches.</summary>
    public Money? Quote(IReadOnlyDictionary<string, JsonElement> parameters) => Fixed;
}
