using RunHub.Client;
using System.Text.Json;
using RunHub.Api;
using RunHub.Media;

namespace RunHub.Engines.OpenAiImages;

/// <summary>
/// Turns a successful images answer (<c>{"created", "data": [{"b64_json"} | {"url"}], "usage", ...}</c>) into result
/// files: base64 images decoded, URL images downloaded under a size and time limit, each checked to really be an
/// image and named by its actual format. The request is billed by now, so every failure here is final (1012), never
/// a reason to send it again.
/// </summary>
/// <param name="downloads">The guarded client of input fetches: image links come from the backend's answer, not from
/// the operator, so they may not reach loopback, private or metadata addresses any more than a client's URL may.</param>
internal sealed class ImagesResponseReader(HttpDownloader downloads)
{
    public async Task<EngineOutput> ReadAsync(HttpResponseMessage response, OpenAiImagesSettings settings, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            body = await BoundedBody.ReadAllAsync(stream, response.Content.Headers.ContentLength, settings.MaxResponseBytes,
                "the image backend's answer", cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new EngineException(RunHubErrorCodes.UpstreamError,
                "the connection to the image backend broke while its answer arrived; the request is not sent again because it was already billed");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new EngineException(RunHubErrorCodes.UpstreamError, $"the image backend's answer is not valid JSON ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                throw new EngineException(RunHubErrorCodes.UpstreamError, "the image backend's answer has no \"data\" list of images");
            if (data.GetArrayLength() == 0)
                throw new EngineException(RunHubErrorCodes.GenerationFailed, "the image backend answered without any image");

            var files = new List<OutputFile>();
            var index = 0;
            foreach (var item in data.EnumerateArray())
                files.Add(await ImageAsync(item, index++, settings, cancellationToken));
            return new EngineOutput(files)
            {
                BackendUsage = root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object ? usage.GetRawText() : null,
            };
        }
    }

    private async Task<OutputFile> ImageAsync(JsonElement item, int index, OpenAiImagesSettings settings, CancellationToken cancellationToken)
    {
        byte[] bytes;
        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("b64_json", out var b64) && b64.ValueKind == JsonValueKind.String)
        {
            if (!b64.TryGetBytesFromBase64(out var decoded))
                throw new EngineException(RunHubErrorCodes.UpstreamError, $"image #{index} of the image backend's answer is not valid base64");
            bytes = decoded;
        }
        else if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String)
        {
            bytes = await DownloadAsync(url.GetString()!, index, settings, cancellationToken);
        }
        else
        {
            throw new EngineException(RunHubErrorCodes.UpstreamError, $"image #{index} of the image backend's answer has neither \"b64_json\" nor \"url\"");
        }

        if (bytes.LongLength > settings.MaxImageBytes)
            throw new EngineException(RunHubErrorCodes.UpstreamError, $"image #{index} of the image backend's answer is larger than {settings.MaxImageBytes / (1024 * 1024)} MB");
        // The bytes, not the answer's output_format, name the file: a backend that says png but sends jpeg is still served right.
        var format = MediaProbe.DetectFormat(bytes);
        if (format?.Kind != MediaKind.Image)
            throw new EngineException(RunHubErrorCodes.UpstreamError, $"image #{index} of the image backend's answer is not an image file");
        return new OutputFile(format.Extension, bytes);
    }

    /// <summary>
    /// The images API's URLs are the backend's own short-lived links (no key is sent to them); they are still bounded:
    /// only http(s), at most <see cref="OpenAiImagesSettings.MaxImageBytes"/>, within <see cref="OpenAiImagesSettings.DownloadTimeout"/>,
    /// and through the SSRF guard (every hop's address checked; <c>RunHub:Media:AllowedNetworks</c> opens a private one).
    /// The URL is not repeated in messages: such links carry access signatures.
    /// </summary>
    private async Task<byte[]> DownloadAsync(string url, int index, OpenAiImagesSettings settings, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !HttpDownloader.IsHttp(uri))
            throw new EngineException(RunHubErrorCodes.UpstreamError, $"image #{index} of the image backend's answer has a URL that is not http(s)");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.DownloadTimeout);
        try
        {
            return await downloads.DownloadAsync(uri, new SizeLimit(settings.MaxImageBytes / (1024.0 * 1024)), timeout.Token);
        }
        catch (FetchRefusedException e)
        {
            throw new EngineException(RunHubErrorCodes.UpstreamError, $"image #{index} could not be downloaded from {uri.Host}: {e.Message}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new EngineException(RunHubErrorCodes.UpstreamError,
                $"image #{index} could not be downloaded from {uri.Host} within {settings.DownloadTimeout.TotalSeconds:0} s");
        }
    }
}
