using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Files;

namespace RunHub.Media;

/// <summary>
/// Keeps inline inputs out of the tasks table: at submit, each <c>data:</c> URL of a media parameter is decoded, checked
/// as a fetched input would be (format, <c>accept</c>, pixels; its size against <c>maxSize</c> was checked by
/// <see cref="RequestValidator"/>), and stored as a file <c>inputs/{32 random hex digits}.{extension}</c>; the
/// parameter then holds that file's URL, which workers read back from storage (<see cref="InputFetcher"/>). So a task
/// row holds URLs of at most a few hundred bytes whatever its inputs weigh, and an inline input the task cannot use is
/// refused before anything is stored or charged.
/// </summary>
public sealed class InlineInputs(IFileStore files, FileLinks links, IOptions<RunHubOptions> options)
{
    /// <summary>The folder of the stored inline inputs.</summary>
    public const string Folder = "inputs";

    /// <summary>The parameters with every inline input replaced by its stored file's URL, and the keys stored.</summary>
    public sealed record Stored(IReadOnlyDictionary<string, JsonElement> Parameters, IReadOnlyList<string> Keys);

    /// <summary>
    /// Stores the inline inputs of <paramref name="request"/>; answers <see cref="Stored"/>, or (with it null) why an
    /// inline input cannot be used, naming the field (<c>imageUrls[0]: GIF is not an accepted format (JPG, PNG)</c>,
    /// for a 1007), with nothing left stored.
    /// </summary>
    /// <param name="runHubBaseUrl">RunHub's base URL as the caller reaches it, for the stored files' URLs.</param>
    public async Task<(Stored? Stored, string? Refusal)> StoreAsync(ValidatedRequest request, string runHubBaseUrl, CancellationToken cancellationToken)
    {
        var inline = request.Media.Where(m => DataUri.IsDataUri(m.Url)).ToList();
        if (inline.Count == 0) return (new Stored(request.Parameters, []), null);

        var urls = new Dictionary<(string Field, int Index), string>();
        var keys = new List<string>();
        try
        {
            foreach (var reference in inline)
            {
                var spec = request.Model.Parameters.First(p => p.FieldKey == reference.FieldKey);
                string key;
                try
                {
                    key = await StoreOneAsync(reference.Url, spec, cancellationToken);
                }
                catch (FetchRefusedException e)
                {
                    await DiscardAsync(keys);
                    var name = request.Parameters[reference.FieldKey].ValueKind == JsonValueKind.Array
                        ? $"{reference.FieldKey}[{reference.Index}]"
                        : reference.FieldKey;
                    return (null, $"{name}: {e.Message}");
                }
                keys.Add(key);
                urls[(reference.FieldKey, reference.Index)] = links.UrlOf(key, runHubBaseUrl);
            }
        }
        catch
        {
            await DiscardAsync(keys);
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
        return (new Stored(parameters, keys), null);
    }

    /// <summary>
    /// Decodes one <c>data:</c> URL, checks it as an input of <paramref name="spec"/> (its size against
    /// <c>maxSize</c> in MB, its format against <c>accept</c>, its pixels against <c>Media:MaxImagePixels</c>) and
    /// stores it; answers the stored file's key, <c>inputs/{32 random hex digits}.{extension of the sniffed format}</c>.
    /// </summary>
    /// <exception cref="FetchRefusedException">The URL is not base64 data, is larger than the parameter takes, or is
    /// not a file the parameter accepts; its message says which, without the field's name.</exception>
    public async Task<string> StoreOneAsync(string dataUri, ParameterSpec spec, CancellationToken cancellationToken)
    {
        var data = DataUri.Decode(dataUri, SizeLimit.For(spec.MaxSizeMb));
        var format = InputAcceptance.Check(data, spec, options.Value.Media.MaxImagePixels).Format;
        var key = $"{Folder}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}.{format.Extension}";
        // The key is random and published only once the task commits: nothing can read it half-written.
        await files.PutNewAsync(key, data, cancellationToken);
        return key;
    }

    /// <summary>Removes stored inline inputs no task will read (the submit was refused or replayed).</summary>
    public async Task DiscardAsync(IEnumerable<string> keys)
    {
        foreach (var key in keys) await files.DeleteAsync(key, CancellationToken.None);
    }
}
