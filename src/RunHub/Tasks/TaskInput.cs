namespace RunHub.Tasks;

/// <summary>
/// An inline (<c>data:</c>) input of a submit, written with its task in the submit's transaction (the
/// <c>task_inputs</c> table): a small one's bytes in the row itself, a large one's as a file already stored (and synced)
/// under <paramref name="Key"/>, the row then only naming it for retention. Served at <c>/files/{key}</c> either way.
/// </summary>
/// <param name="Key"><c>inputs/{32 hex digits: the time in ms, then 84 random bits}.{extension}</c>, a stored-file key (<see cref="Files.FileKey"/>).</param>
/// <param name="Content">The decoded bytes kept in the database, or null for a file in the file store.</param>
public sealed record TaskInput(string Key, byte[]? Content)
{
    /// <summary>Whether the input is a file in the file store (to delete when the task is not queued, or expires).</summary>
    public bool IsFile => Content is null;
}
