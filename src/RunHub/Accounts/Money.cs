using System.Globalization;

namespace RunHub.Accounts;

/// <summary>
/// An amount of CNY in integer thousandths (the registry's prices have up to three decimals).
/// Shown with two decimals, or three when the third is not zero: "0.03", "0.035", "100.00".
/// </summary>
/// <remarks>
/// Amounts are bounded so that no sum or product RunHub forms can overflow: a wallet holds at most <see cref="Max"/>,
/// a catalog's unit price is at most <see cref="MaxUnitPrice"/>, and a price counts at most a million units, so a
/// task's price is at most <see cref="Max"/> too. Arithmetic is checked all the same.
/// </remarks>
public readonly record struct Money(long Millis) : IComparable<Money>
{
    public const int Scale = 1000;
    public static readonly Money Zero = new(0);

    /// <summary>The most a wallet holds, and the largest top-up: 1,000,000,000,000 CNY (10^15 thousandths).</summary>
    public static readonly Money Max = new(1_000_000_000_000L * Scale);

    /// <summary>The largest price of one unit (a call, a second, an image) a catalog may set: 1,000,000 CNY.</summary>
    public static readonly Money MaxUnitPrice = new(1_000_000L * Scale);

    /// <exception cref="FormatException"><paramref name="amount"/> has more than three decimals.</exception>
    /// <exception cref="OverflowException"><paramref name="amount"/> does not fit in thousandths of a long.</exception>
    public static Money FromDecimal(decimal amount)
    {
        var millis = amount * Scale;
        if (millis != decimal.Truncate(millis))
            throw new FormatException($"{amount} has more than three decimals");
        return new Money(checked((long)millis));
    }

    public static bool TryParse(string? text, out Money money) => TryParse(text, out money, out _);

    /// <summary>
    /// Reads an amount such as <c>100</c> or <c>12.50</c> (no sign, no exponent, at most three decimals, at most
    /// <see cref="Max"/>). On failure <paramref name="problem"/> says what is wrong and what would be right, as in
    /// "'1e9' is not an amount such as 100 or 12.50".
    /// </summary>
    public static bool TryParse(string? text, out Money money, out string problem)
    {
        money = Zero;
        var trimmed = text?.Trim() ?? "";
        if (!decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            // Digits alone that decimal cannot hold are a number, just far too large.
            problem = trimmed.Length > 0 && trimmed.All(c => char.IsAsciiDigit(c) || c == '.') && trimmed.Count(c => c == '.') <= 1
                ? $"'{trimmed}' is more than the largest amount, {Max} CNY"
                : $"'{trimmed}' is not an amount such as 100 or 12.50";
            return false;
        }
        if (value > Max.ToDecimal())
        {
            problem = $"{trimmed} is more than the largest amount, {Max} CNY";
            return false;
        }
        var millis = value * Scale;
        if (millis != decimal.Truncate(millis))
        {
            problem = $"{trimmed} has more than three decimals (the smallest amount is 0.001 CNY)";
            return false;
        }
        money = new Money((long)millis);
        problem = "";
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
    public static Money operator +(Money a, Money b) => new(checked(a.Millis + b.Millis));
    public static Money operator -(Money a, Money b) => new(checked(a.Millis - b.Millis));
    public static Money operator *(Money a, long n) => new(checked(a.Millis * n));
    public static bool operator <(Money a, Money b) => a.Millis < b.Millis;
    public static bool operator >(Money a, Money b) => a.Millis > b.Millis;
    public static bool operator <=(Money a, Money b) => a.Millis <= b.Millis;
    public static bool operator >=(Money a, Money b) => a.Millis >= b.Millis;
}
