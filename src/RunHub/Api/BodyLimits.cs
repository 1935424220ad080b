using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Media;

namespace RunHub.Api;

/// <summary>
/// How much of a request body each endpoint reads (bytes), from <c>RunHub:Api</c> and <c>RunHub:Media</c>: a few KB
/// for bodies that carry only a key or a task id, <c>Api:MaxJsonBodyKb</c> for other JSON, plus room for a model's
/// inline <c>data:</c> inputs on its submits, and the upload limit only on uploads.
/// </summary>
public sealed class BodyLimits(IOptions<RunHubOptions> options)
{
    /// <summary>Room for a data: URI's header ("data:image/png;base64,") and the JSON around one value.</summary>
    private const int InlineOverhead = 1024;

    private RunHubOptions Options => options.Value;

    /// <summary>Any JSON body, and the default Kestrel applies to requests no endpoint reads.</summary>
    public long Json => Options.Api.MaxJsonBodyKb * 1024L;

    /// <summary>Bodies that carry only a key or a task id (query, cancel, account status): 64 KB at most.</summary>
    public long Small => Math.Min(Json, 64 * 1024);

    /// <summary>An upload: the file limit plus the multipart framing.</summary>
    public long Upload => Options.Media.MaxUploadMb * 1024L * 1024 + 64 * 1024;

    /// <summary>
    /// A submit (or price preview) of <paramref name="model"/>: <see cref="Json"/> plus, for each media parameter, its
    /// largest accepted files (<c>maxSize</c> × <c>maxInputNum</c>) written as base64 <c>data:</c> URIs (4/3 of their
    /// size), all of that at most 4/3 of the upload limit. Larger inline inputs must be uploaded first.
    /// </summary>
    public long Submit(ModelEntry model)
    {
        long inline = 0;
        foreach (var spec in model.Parameters.Where(p => p.IsMedia))
        {
            var files = spec.MultipleInputs ? Math.Max(spec.MaxInputNum ?? 1, 1) : 1;
            inline += files * (SizeLimit.For(spec.MaxSizeMb).Bytes / 3 * 4 + InlineOverhead);
        }
        return Json + Math.Min(inline, Options.Media.MaxUploadMb * 1024L * 1024 / 3 * 4);
    }

    /// <summary>Reads the body as JSON within <paramref name="limit"/> bytes and <c>Api:MaxJsonDepth</c> levels.</summary>
    /// <exception cref="OperationCanceledException">The client went away while the body was read.</exception>
    public ValueTask<JsonBody.Parsed> ReadAsync(HttpRequest request, long limit) => JsonBody.ReadAsync(request, limit, Options.Api.MaxJsonDepth);
}
