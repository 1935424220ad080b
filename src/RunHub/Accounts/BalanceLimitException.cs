namespace RunHub.Accounts;

/// <summary>A top-up that would take a wallet past <see cref="Money.Max"/>; the message says by how much it may grow.</summary>
public sealed class BalanceLimitException(string accountId, Money? balance, Money amount) : Exception(Describe(accountId, balance, amount))
{
    private static string Describe(string accountId, Money? balance, Money amount) => balance is { } now
        ? $"account {accountId} holds {now} CNY; adding {amount} CNY would pass the largest balance, {Money.Max} CNY (at most {Money.Max - now} CNY more)"
        : $"{amount} CNY is more than the largest balance a wallet holds, {Money.Max} CNY";
}
