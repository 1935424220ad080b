using Dapper;
using RunHub.Data;

namespace RunHub.Files;

/// <summary>
/// Reads a stored file by key where inline inputs may be: an <c>inputs/…</c> key is looked up first in the database
/// (<c>task_inputs</c>, the small inputs kept with their task since 2026-12-01), then in the file store (larger inputs,
/// and every input of a task submitted before); any other key only in the file store. Used by everything that reads a
/// stored file a task or a client names: the <c>/files/</c> route and <see cref="Media.InputFetcher"/>.
/// </summary>
public sealed class StoredInputs(Database database, IFileStore files)
{
    /// <summary>The folder of the inline inputs' keys (<see cref="Media.InlineInputs"/>).</summary>
    public const string Folder = "inputs";

    /// <summary>Whether a key is in the inline inputs' folder, so may be in the database.</summary>
    public static bool MayBeInDatabase(string key) => key.StartsWith(Folder + "/", StringComparison.Ordinal);

    /// <summary>The 11 hex digits of a time (Unix ms, good until the year 2527) that begin an inline input's name.</summary>
    public static string TimeDigits(long ms) => ms.ToString("x11", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A bound above every inline input key made at or before <paramref name="ms"/> (Unix ms) and below every later
    /// one: the folder and the time's digits, then <c>g</c>, which sorts after every hex digit (<see cref="FileRetention.ExpireInputsAsync"/>).
    /// </summary>
    public static string LastKeyAt(long ms) => $"{Folder}/{TimeDigits(Math.Max(0, ms))}g";

    /// <summary>The file under <paramref name="key"/> (its bytes in memory when they come from the database), or null when there is none.</summary>
    public async Task<StoredFile?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        if (MayBeInDatabase(key))
        {
            await using var db = await database.OpenAsync(cancellationToken);
            var content = await db.QueryFirstOrDefaultAsync<byte[]>(new CommandDefinition(
                "SELECT content FROM task_inputs WHERE key = @key AND content IS NOT NULL", new { key }, cancellationToken: cancellationToken));
            if (content is not null) return new StoredFile(new MemoryStream(content, writable: false), content.Length);
        }
        return await files.OpenReadAsync(key, cancellationToken);
    }

    /// <summary>The size in bytes of the file under <paramref name="key"/>, or null when there is none.</summary>
    public async Task<long?> LengthAsync(string key, CancellationToken cancellationToken)
    {
        if (MayBeInDatabase(key))
        {
            await using var db = await database.OpenAsync(cancellationToken);
            var length = await db.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
                "SELECT length(content) FROM task_inputs WHERE key = @key AND content IS NOT NULL", new { key }, cancellationToken: cancellationToken));
            if (length is not null) return length;
        }
        return await files.LengthAsync(key, cancellationToken);
    }
}
