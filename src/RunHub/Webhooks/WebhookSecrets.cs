using Dapper;
using RunHub.Data;

namespace RunHub.Webhooks;

/// <summary>
/// Each account's webhook signing secret (<c>whsec_...</c>), created when first needed. A rotation makes a new one;
/// the old one keeps signing beside it (two signatures in <c>webhook-signature</c>) until its grace period ends, so a
/// receiver that still verifies with the old secret keeps accepting deliveries while it is updated.
/// </summary>
public sealed class WebhookSecrets(Database database, TimeProvider clock)
{
    private sealed class Row
    {
        public string? Current { get; init; }
        public string? Old { get; init; }
        public long? OldUntil { get; init; }
    }

    /// <summary>The account's secrets as they are now (the current one created if it had none).</summary>
    /// <exception cref="KeyNotFoundException">No such account.</exception>
    public async Task<AccountWebhookSecret> ShowAsync(string accountId)
    {
        var row = await ReadAsync(accountId) ?? throw new KeyNotFoundException($"no account {accountId}");
        if (row.Current is null)
        {
            await using var db = await database.OpenAsync();
            // Two nodes creating it at once: the first write wins, and both read that one back.
            await db.ExecuteAsync("UPDATE accounts SET webhook_secret = @secret WHERE id = @accountId AND webhook_secret IS NULL",
                new { secret = WebhookSignature.NewSecret(), accountId });
            row = (await ReadAsync(accountId))!;
        }
        var now = clock.NowMs();
        var old = row.Old is not null && row.OldUntil > now ? row.Old : null;
        return new AccountWebhookSecret(row.Current!, old, old is null ? null : row.OldUntil);
    }

    /// <summary>The secrets that sign a delivery now: the current one, and the previous one during its grace period.</summary>
    public async Task<IReadOnlyList<string>> SigningSecretsAsync(string accountId)
    {
        var secret = await ShowAsync(accountId);
        return secret.Previous is null ? [secret.Current] : [secret.Current, secret.Previous];
    }

    /// <summary>Replaces the account's secret; the replaced one still signs for <paramref name="grace"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such account.</exception>
    public async Task<AccountWebhookSecret> RotateAsync(string accountId, TimeSpan grace)
    {
        var before = await ShowAsync(accountId);
        var until = clock.NowMs() + (long)grace.TotalMilliseconds;
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync(
            "UPDATE accounts SET webhook_secret = @secret, webhook_secret_old = @old, webhook_secret_old_until = @until WHERE id = @accountId",
            new { secret = WebhookSignature.NewSecret(), old = grace > TimeSpan.Zero ? before.Current : null, until, accountId });
        return await ShowAsync(accountId);
    }

    private async Task<Row?> ReadAsync(string accountId)
    {
        await using var db = await database.OpenAsync();
        return await db.QuerySingleOrDefaultAsync<Row>(
            "SELECT webhook_secret AS Current, webhook_secret_old AS Old, webhook_secret_old_until AS OldUntil FROM accounts WHERE id = @accountId",
            new { accountId });
    }
}

/// <param name="Current">The secret that signs every delivery.</param>
/// <param name="Previous">The secret it replaced, while it still signs too; null otherwise.</param>
/// <param name="PreviousUntil">When <paramref name="Previous"/> stops signing (Unix ms).</param>
public sealed record AccountWebhookSecret(string Current, string? Previous, long? PreviousUntil);
