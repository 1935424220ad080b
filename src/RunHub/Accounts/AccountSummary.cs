namespace RunHub.Accounts;

public sealed record AccountSummary(string Id, string Name, Money Balance, Money Held, long CreatedAt);

public sealed record KeySummary(string Hint, string AccountId, long CreatedAt, long? RevokedAt)
{
    public bool Revoked => RevokedAt is not null;
}

/// <summary>
/// One key of an account as its owner may see it: the masked hint, never the key, and its own options
/// (<c>runhub keys limits</c>): a spend cap and what it spent against it (thousandths of CNY), an expiry. Times are Unix ms.
/// </summary>
public sealed record KeyDetails(string Hint, string? Name, long CreatedAt, long? RevokedAt, long? LastUsedAt, long? SpendCap = null, long Spent = 0,
    long? ExpiresAt = null)
{
    public bool Revoked => RevokedAt is not null;
}

public sealed record CreatedAccount(string AccountId, string Name, string ApiKey, Money Balance);

/// <summary>
/// What <see cref="AccountDirectory.RevokeKeyAsync"/> did: <see cref="Revoked"/> with the one key it revoked in
/// <see cref="Matches"/>, or not, with every live key that matched (none: nothing matched; several: the hint is
/// ambiguous and nothing was revoked).
/// </summary>
public sealed record KeyRevocation(bool Revoked, IReadOnlyList<KeySummary> Matches)
{
    public bool Ambiguous => !Revoked && Matches.Count > 1;
}
