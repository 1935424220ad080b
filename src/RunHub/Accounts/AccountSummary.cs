namespace RunHub.Accounts;

public sealed record AccountSummary(string Id, string Name, Money Balance, Money Held, long CreatedAt);

public sealed record KeySummary(string Hint, string AccountId, long CreatedAt, long? RevokedAt)
{
    public bool Revoked => RevokedAt is not null;
}

public sealed record CreatedAccount(string AccountId, string Name, string ApiKey, Money Balance);
