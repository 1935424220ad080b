using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Data;
using RunHub.Files;
using RunHub.Tasks;

namespace RunHub.Media;

/// <summary>
/// Keeps inline inputs out of the tasks table: at submit, each <c>data:</c> URL of a media parameter is decoded and
/// checked as a fetched input would be (format, <c>accept</c>, pixels; its size against <c>maxSize</c> was checked by
/// <see cref="RequestValidator"/>), and given a new unguessable key <c>inputs/{32 hex digits}.{extension}</c>; the parameter then
/// holds that key's URL. An input of at most <c>Media:InlineInputDatabaseKb</c> is written to the database in the
/// submit's own transaction (<see cref="TaskInput"/>, <c>task_inputs</c>), so it is exactly as durable as the task and
/// costs no file; a larger one is stored (and synced) as a file before the task commits. Both are served at
/// <c>/files/{key}</c> and read back by workers (<see cref="StoredInputs"/>), and expire with the task
/// (<see cref="FileRetention.ExpireInputsAsync"/>). An inline input the task cannot use is refused before anything
/// is stored or charged.
/// </summary>
/// <param name="clock">The time at the head of new keys; the system's when not registered.</param>
public sealed class InlineInputs(IFileStore files, FileLinks links, IOptions<RunHubOptions> options, TimeProvider? clock = null)
{
    /// <summary>The parameters with every inline input replaced by its URL, and the inputs to submit with the task.</summary>
    public sealed record Stored(IReadOnlyDictionary<string, JsonElement> Parameters, IReadOnlyList<TaskInput> Inputs);

    /// <summary>
    /// Prepares the inline inputs of <paramref name="request"/>; answers <see cref="Stored"/>, or (with it null) why an
    /// inline input cannot be used, naming the field (<c>imageUrls[0]: GIF is not an accepted format (JPG, PNG)</c>,
    /// for a 1007), with nothing left stored.
    /// </summary>
    /// <param name="runHubBaseUrl">RunHub's base URL as the caller reaches it, for the inputs' URLs.</param>
    public async Task<(Stored? Stored, string? Refusal)> StoreAsync(ValidatedRequest request, string runHubBaseUrl, CancellationToken cancellationToken)
    {
        var inline = request.Media.Where(m => DataUri.IsDataUri(m.Url)).ToList();
        if (inline.Count == 0) return (new Stored(request.Parameters, []), null);

        var urls = new Dictionary<(string Field, int Index), string>();
        var inputs = new List<TaskInput>();
        try
        {
            foreach (var reference in inline)
            {
                var spec = request.Model.Parameters.First(p => p.FieldKey == reference.FieldKey);
                TaskInput input;
                try
                {
                    input = await StoreOneAsync(reference.Url, spec, cancellationToken);
                }
                catch (FetchRefusedException e)
                {
                    await DiscardAsync(inputs);
                    var name = request.Parameters[reference.FieldKey].ValueKind == JsonValueKind.Array
                        ? $"{reference.FieldKey}[{reference.Index}]"
                        : reference.FieldKey;
                    return (null, $"{name}: {e.Message}");
                }
                inputs.Add(input);
                urls[(reference.FieldKey, reference.Index)] = UrlOf(input, runHubBaseUrl);
            }
        }
        catch
        {
            await DiscardAsync(inputs);
            throw;
        }

        var parameters = new Dictionary<string, JsonElement>(request.Parameters, StringComparer.Ordinal);
        foreach (var field in inline.Select(r => r.FieldKey).Distinct())
        {
            var value = parameters[field];
            parameters[field] = value.ValueKind == JsonValueKind.Array
                ? JsonSerializer.SerializeToElement(value.EnumerateArray()
                    .Select((item, i) => urls.TryGetValue((field, i), out var url) ? url : item.GetString()).ToList())
                : JsonSerializer.SerializeToElement(urls[(field, 0)]);
        }
        return (new Stored(parameters, inputs), null);
    }

    /// <summary>
    /// Whether <paramref name="dataUri"/> is likely to be stored as a file (its data, at three bytes for four base64
    /// characters, larger than <c>Media:InlineInputDatabaseKb</c>): the input whose decoding, check and synced write a
    /// submit should not start before it knows the wallet can pay (<see cref="TaskQueue.MoneyRefusalAsync"/>).
    /// </summary>
    public bool IsLarge(string dataUri) => DataUri.IsDataUri(dataUri) && dataUri.Length / 4L * 3 > options.Value.Media.InlineInputDatabaseKb * 1024L;

    /// <summary>Whether any media input of <paramref name="request"/> <see cref="IsLarge"/> (a loop: every submit asks, and a lambda would be allocated each time).</summary>
    public bool HasLarge(ValidatedRequest request)
    {
        foreach (var reference in request.Media)
            if (IsLarge(reference.Url)) return true;
        return false;
    }

    /// <summary>
    /// The URL a client and the workers are given for an input: RunHub's own <c>/files/</c> URL for one kept in the
    /// database (only RunHub serves it, not the bucket), the storage's usual URL for a file.
    /// </summary>
    public string UrlOf(TaskInput input, string runHubBaseUrl) =>
        input.IsFile ? links.UrlOf(input.Key, runHubBaseUrl) : FileLinks.OwnUrlOf(input.Key, runHubBaseUrl);

    /// <summary>
    /// Decodes one <c>data:</c> URL and checks it as an input of <paramref name="spec"/> (its size against
    /// <c>maxSize</c> in MB, its format against <c>accept</c>, its pixels against <c>Media:MaxImagePixels</c>); answers
    /// the input under a new key, <c>inputs/{32 hex digits: the time and 84 random bits}.{extension of the sniffed format}</c>: its bytes, to be
    /// written with the task, when they are at most <c>Media:InlineInputDatabaseKb</c>, else a file already stored and
    /// synced to disk.
    /// </summary>
    /// <exception cref="FetchRefusedException">The URL is not base64 data, is larger than the parameter takes, or is
    /// not a file the parameter accepts; its message says which, without the field's name.</exception>
    /// <exception cref="IOException">The file store refused the write of a large input.</exception>
    public async Task<TaskInput> StoreOneAsync(string dataUri, ParameterSpec spec, CancellationToken cancellationToken)
    {
        var data = DataUri.Decode(dataUri, SizeLimit.For(spec.MaxSizeMb));
        var format = InputAcceptance.Check(data, spec, options.Value.Media.MaxImagePixels).Format;
        var key = $"{StoredInputs.Folder}/{NewName()}.{format.Extension}";
        if (data.Length <= options.Value.Media.InlineInputDatabaseKb * 1024L) return new TaskInput(key, data);
        // The key is random and published only once the task commits: nothing can read it half-written. The put is
        // durable when it returns, so a task that commits afterwards never names a file a crash lost.
        await files.PutNewAsync(key, data, cancellationToken);
        return new TaskInput(key, null);
    }

    /// <summary>
    /// 32 hex digits: the time in ms (11 digits, good until the year 2527), then 84 random bits (21 digits) that make the
    /// name unguessable. Names in time order are appended to the right-hand end of <c>task_inputs</c>' key index, one
    /// page shared by a group commit's submits, where wholly random ones would each change a page of their own.
    /// </summary>
    private string NewName() => StoredInputs.TimeDigits((clock ?? TimeProvider.System).NowMs()) + RandomHex.Digits(21);

    /// <summary>Removes the files of inline inputs no task will read (the submit was refused or replayed); inputs
    /// kept in the database were never written, or were rolled back with the task.</summary>
    public async Task DiscardAsync(IEnumerable<TaskInput> inputs)
    {
        foreach (var input in inputs.Where(i => i.IsFile)) await files.DeleteAsync(input.Key, CancellationToken.None);
    }
}
