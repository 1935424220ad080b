using System.Text.Json;
using Dapper;
using RunHub.Data;

namespace RunHub.Accounts;

/// <summary>
/// Reads and sets each key's own options (<see cref="KeyPolicy"/>, columns of <c>api_keys</c>), for
/// <c>runhub keys limits</c>. Running servers see a change within <c>RunHub:KeyCacheSeconds</c> (<see cref="ApiKeyCache"/>).
/// </summary>
public sealed class KeyPolicies(Database database)
{
    /// <summary>A key's options and what its tasks have cost against its cap (thousandths of CNY).</summary>
    public sealed record Shown(string Hint, string AccountId, KeyPolicy Policy, long Spent);

    /// <summary>What <see cref="SetAsync"/> changes: a value sets that part, a Clear flag removes it, neither leaves it.</summary>
    public sealed record Change
    {
        public long? RequestsPerMinute { get; init; }
        public bool ClearRequestsPerMinute { get; init; }
        /// <summary>Thousandths of CNY. Setting a cap on a key that had none starts its spending at 0.</summary>
        public long? SpendCap { get; init; }
        public bool ClearSpendCap { get; init; }
        /// <summary>Unix ms.</summary>
        public long? ExpiresAt { get; init; }
        public bool ClearExpiry { get; init; }
        public IReadOnlyList<string>? AllowedModels { get; init; }
        public bool ClearAllowedModels { get; init; }
    }

    private sealed class Row
    {
        public string KeyHash { get; init; } = "";
        public string Hint { get; init; } = "";
        public string AccountId { get; init; } = "";
        public long? RequestsPerMinute { get; init; }
        public long? SpendCap { get; init; }
        public long Spent { get; init; }
        public long? ExpiresAt { get; init; }
        public string? AllowedModels { get; init; }
    }

    /// <summary>The SQL of a key's options, shared with the key check of every request (<see cref="AccountDirectory"/>).</summary>
    internal const string PolicyColumns =
        "k.requests_per_minute AS RequestsPerMinute, k.spend_cap AS SpendCap, k.expires_at AS ExpiresAt, k.allowed_models AS AllowedModels";

    internal static KeyPolicy Policy(long? requestsPerMinute, long? spendCap, long? expiresAt, string? allowedModels) =>
        requestsPerMinute is null && spendCap is null && expiresAt is null && allowedModels is null
            ? KeyPolicy.None
            : new KeyPolicy(requestsPerMinute, spendCap, expiresAt, allowedModels is null ? null : JsonSerializer.Deserialize<string[]>(allowedModels));

    /// <summary>
    /// The live key given in full or by its masked hint (as <c>runhub keys list</c> shows it), or an error: no such
    /// live key, or a hint that matches more than one (name the full key then).
    /// </summary>
    public async Task<(Shown? Key, string? Error)> FindAsync(string keyOrHint)
    {
        var hash = ApiKey.HasValidShape(keyOrHint) ? ApiKey.Hash(keyOrHint) : null;
        var hint = hash is null ? ApiKey.NormalizeHint(keyOrHint) : null;
        if (hash is null && hint is null) return (null, $"'{keyOrHint}' is neither a key nor a masked key such as 46eb****0634");
        await using var db = await database.OpenAsync();
        var rows = (await db.QueryAsync<Row>(
            $"SELECT k.key_hash AS KeyHash, k.key_hint AS Hint, k.account_id AS AccountId, k.spent AS Spent, {PolicyColumns} " +
            "FROM api_keys k WHERE (k.key_hash = @hash OR k.key_hint = @hint) AND k.revoked_at IS NULL", new { hash, hint })).ToList();
        return rows.Count switch
        {
            0 => (null, "no live key matches"),
            > 1 => (null, $"{rows.Count} live keys match {hint}; give the full key"),
            _ => (new Shown(rows[0].Hint, rows[0].AccountId,
                Policy(rows[0].RequestsPerMinute, rows[0].SpendCap, rows[0].ExpiresAt, rows[0].AllowedModels), rows[0].Spent), null),
        };
    }

    /// <summary>Changes one live key's options (by its full key or unambiguous hint); the key as it is now, or the error of <see cref="FindAsync"/>.</summary>
    public async Task<(Shown? Key, string? Error)> SetAsync(string keyOrHint, Change change)
    {
        var (found, error) = await FindAsync(keyOrHint);
        if (found is null) return (null, error);
        var hash = ApiKey.HasValidShape(keyOrHint) ? ApiKey.Hash(keyOrHint) : null;
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync(
            """
            UPDATE api_keys SET
                requests_per_minute = CASE WHEN @clearRate THEN NULL ELSE coalesce(@rate, requests_per_minute) END,
                spent = CASE WHEN @cap IS NOT NULL AND spend_cap IS NULL THEN 0 ELSE spent END,
                spend_cap = CASE WHEN @clearCap THEN NULL ELSE coalesce(@cap, spend_cap) END,
                expires_at = CASE WHEN @clearExpiry THEN NULL ELSE coalesce(@expiresAt, expires_at) END,
                allowed_models = CASE WHEN @clearModels THEN NULL ELSE coalesce(@models, allowed_models) END
            WHERE (key_hash = @hash OR key_hint = @hint) AND revoked_at IS NULL
            """, new
            {
                hash, hint = hash is null ? found.Hint : null,
                rate = change.RequestsPerMinute, clearRate = change.ClearRequestsPerMinute,
                cap = change.SpendCap, clearCap = change.ClearSpendCap,
                expiresAt = change.ExpiresAt, clearExpiry = change.ClearExpiry,
                models = change.AllowedModels is null ? null : JsonSerializer.Serialize(change.AllowedModels), clearModels = change.ClearAllowedModels,
            });
        return await FindAsync(keyOrHint);
    }
}
