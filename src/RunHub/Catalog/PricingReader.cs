using System.Text.Json;
using RunHub.Accounts;

namespace RunHub.Catalog;

/// <summary>
/// Reads the public pricing file's shape: <c>{"pricing": [{endpoint, currency, unit, pricing_type,
/// price | depends_on + rules: [{when: {param: "value"}, price}]}]}</c>.
/// </summary>
internal static class PricingReader
{
    /// <summary>
    /// Priced endpoints. An entry RunHub cannot compute (<c>unparsed</c>, a currency other than CNY,
    /// or a unit it does not understand) is left out, so its model has no price and is not served.
    /// </summary>
    public static IReadOnlyDictionary<string, PriceSchedule> Read(JsonElement root, string source)
    {
        var list = root.ValueKind == JsonValueKind.Array ? root : new FieldReader(root, source).Array("pricing")
            ?? throw new CatalogFormatException($"{source}: field \"pricing\": required");

        var prices = new Dictionary<string, PriceSchedule>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var entry = new FieldReader(item, $"{source}: pricing #{index++}");
            var endpoint = entry.RequiredString("endpoint");
            entry = new FieldReader(item, $"{source}: price of \"{endpoint}\"");
            if (!seen.Add(endpoint))
                throw new CatalogFormatException($"{source}: endpoint \"{endpoint}\" is priced more than once; keep one price per endpoint");
            if (ReadOne(entry) is { } schedule) prices[endpoint] = schedule;
        }
        return prices;
    }

    private static PriceSchedule? ReadOne(FieldReader entry)
    {
        var type = entry.RequiredString("pricing_type");
        var currency = entry.String("currency") ?? "CNY";
        var unitText = entry.String("unit") ?? "/次";
        switch (type)
        {
            case "unparsed":
                return null;
            case "fixed":
                var price = Price(entry, "price") ?? throw entry.Error("price", "required for a fixed price");
                return Schedule(currency, unitText, price, []);
            case "parameter_based":
                var rules = entry.Array("rules") ?? throw entry.Error("rules", "required for a parameter_based price");
                return Schedule(currency, unitText, null, rules.EnumerateArray().Select((r, i) => Rule(entry, r, i)).ToList());
            default:
                throw entry.Error("pricing_type", $"expected fixed, parameter_based or unparsed, got {JsonValueText.Quote(type)}");
        }
    }

    private static PriceSchedule? Schedule(string currency, string unitText, Money? price, IReadOnlyList<PriceRule> rules)
    {
        if (!string.Equals(currency, "CNY", StringComparison.OrdinalIgnoreCase)) return null;
        var unit = PriceUnit.Parse(unitText);
        if (unit is null) return null;
        return new PriceSchedule { Currency = "CNY", UnitText = unitText, Unit = unit, FixedPrice = price, Rules = rules };
    }

    private static PriceRule Rule(FieldReader entry, JsonElement item, int index)
    {
        var rule = new FieldReader(item, $"{entry.Where}, rule #{index}");
        var when = rule.Get("when") ?? throw rule.Error("when", "required");
        if (when.ValueKind != JsonValueKind.Object) throw rule.Error("when", $"expected an object, got {FieldReader.Kind(when)}");
        var conditions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var condition in when.EnumerateObject())
            conditions[condition.Name] = JsonValueText.Of(condition.Value)
                ?? throw rule.Error("when", $"condition \"{condition.Name}\" must be a string, number or boolean");
        var price = Price(rule, "price") ?? throw rule.Error("price", "required");
        return new PriceRule(conditions, price);
    }

    private static Money? Price(FieldReader reader, string field)
    {
        var amount = reader.Decimal(field);
        if (amount is null) return null;
        if (amount < 0) throw reader.Error(field, $"{amount} is negative; a price is 0 (free) or more CNY");
        if (amount > Money.MaxUnitPrice.ToDecimal())
            throw reader.Error(field, $"{amount} is more than the largest unit price, {Money.MaxUnitPrice} CNY; check the decimal point");
        try
        {
            return Money.FromDecimal(amount.Value);
        }
        catch (FormatException)
        {
            throw reader.Error(field, $"{amount} has more than three decimals; round it to 0.001 CNY");
        }
    }
}
