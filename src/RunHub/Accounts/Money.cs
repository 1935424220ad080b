using System.Globalization;

namespace RunHub.Accounts;

/// <summary>
/// An amount of CNY in integer thousandths (the registry's prices have up to three decimals).
/// Shown with two decimals, or three when the third is not zero: "0.03", "0.035", "100.00".
/// </summary>
public readonly record struct Money(long Millis) : IComparable<Money>
{
    public const int Scale = 1000;
    public static readonly Money Zero = new(0);

    public static Money FromDecimal(decimal amount)
    {
        var millis = amount * Scale;
        if (millis != decimal.Truncate(millis))
            throw new FormatException($"{amount} has more than three decimals");
        return new Money((long)millis);
    }

    public static bool TryParse(string? text, out Money money)
    {
        money = Zero;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            return false;
        var millis = value * Scale;
        if (millis != decimal.Truncate(millis) || millis > long.MaxValue / 2) return false;
        money = new Money((long)millis);
        return true;
    }

    public decimal ToDecimal() => (decimal)Millis / Scale;

    public override string ToString()
    {
        var value = ToDecimal();
        var format = Millis % 10 == 0 ? "0.00" : "0.000";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }

    public int CompareTo(Money other) => Millis.CompareTo(other.Millis);
    public static Money operator +(Money a, Money b) => new(a.Millis + b.Millis);
    public static Money operator -(Money a, Money b) => new(a.Millis - b.Millis);
    public static Money operator *(Money a, long n) => new(a.Millis * n);
    public static bool operator <(Money a, Money b) => a.Millis < b.Millis;
    public static bool operator >(Money a, Money b) => a.Millis > b.Millis;
    public static bool operator <=(Money a, Money b) => a.Millis <= b.Millis;
    public static bool operator >=(Money a, Money b) => a.Millis >= b.Millis;
}
