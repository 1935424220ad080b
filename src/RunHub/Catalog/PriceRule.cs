using System.Text.Json;

namespace RunHub.Catalog;

/// <summary>One line of a parameter-based price: when every condition holds, the unit price is <see cref="Price"/>.</summary>
public sealed record PriceRule(IReadOnlyDictionary<string, string> When, RunHub.Accounts.Money Price)
{
    /// <summary>
    /// Conditions compare string forms (see <see cref="JsonValueText.Of"/>). An empty condition value
    /// matches anything: the public file writes <c>{"n": ""}</c> for prices it says depend on a number
    /// but could not tabulate, and its single rule is then the price whatever the number.
    /// </summary>
    public bool Matches(Func<string, JsonElement?> lookup)
    {
        foreach (var (field, expected) in When)
        {
            if (expected.Length == 0) continue;
            if (!string.Equals(JsonValueText.Of(lookup(field)), expected, StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
