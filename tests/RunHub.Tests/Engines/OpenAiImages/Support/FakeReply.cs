using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Engines.OpenAiImages.Support;

/// <summary>One scripted answer of <see cref="FakeOpenAiImages"/>, written as OpenAI writes it.</summary>
internal sealed class FakeReply(Func<HttpContext, FakeOpenAiImages, FakeImagesRequest?, Task> write)
{
    public Task WriteAsync(HttpContext context, FakeOpenAiImages fake, FakeImagesRequest? request) => write(context, fake, request);

    /// <summary>Success: real images of the requested size and format, base64 in <c>data[].b64_json</c>, with token usage.</summary>
    public static FakeReply B64() => new((context, fake, request) => SuccessAsync(context, fake, request!, asUrl: false));

    /// <summary>Success: the images hosted by the fake, linked in <c>data[].url</c>.</summary>
    public static FakeReply Url() => new((context, fake, request) => SuccessAsync(context, fake, request!, asUrl: true));

    /// <summary>Success whose <c>data</c> is exactly this JSON (for malformed items).</summary>
    public static FakeReply Data(string dataJson) => Raw(200, "application/json", $"{{\"created\": 1767225600, \"data\": {dataJson}}}");

    /// <summary>OpenAI's error shape, <c>{"error": {"message", "type", "param", "code"}}</c>, with optional headers.</summary>
    public static FakeReply Error(int status, string type, string? code, string message, string? param = null, params (string Name, string Value)[] headers) =>
        new(async (context, _, _) =>
        {
            context.Response.StatusCode = status;
            foreach (var (name, value) in headers) context.Response.Headers[name] = value;
            await context.Response.WriteAsJsonAsync(new { error = new { message, type, param, code } });
        });

    public static FakeReply Moderation() => Error(400, "image_generation_user_error", "moderation_blocked",
        "Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID req_0123456789. safety_violations=[violence].");

    public static FakeReply RateLimited(string retryAfterSeconds) => Error(429, "requests", "rate_limit_exceeded",
        "Rate limit reached for gpt-image-1.5 in organization org-test on images per minute (IPM): Limit 5, Used 5, Requested 1.", null,
        ("Retry-After", retryAfterSeconds));

    public static FakeReply ServerError() => Error(500, "server_error", null, "The server had an error while processing your request. Sorry about that!");

    public static FakeReply Raw(int status, string contentType, string body) => new(async (context, _, _) =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    });

    /// <summary>Never answers; the client must give up (its deadline or cancel). Ends when the client aborts.</summary>
    public static FakeReply Hang() => new(async (context, fake, _) =>
    {
        fake.HangStarted.TrySetResult();
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(2), context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            fake.HangAborted.TrySetResult();
        }
    });

    /// <summary>Reads the request, then drops the connection without a word: the answer is lost after sending.</summary>
    public static FakeReply DropConnection() => new((context, _, _) =>
    {
        context.Abort();
        return Task.CompletedTask;
    });

    /// <summary>A 200 JSON answer that never ends (<c>{"data":[{"b64_json":"AAAA…</c>): the client must stop reading.</summary>
    public static FakeReply Endless() => new(async (context, _, _) =>
    {
        context.Response.ContentType = "application/json";
        await StreamUntilAbortedAsync(context, Encoding.ASCII.GetBytes("{\"created\":1767225600,\"data\":[{\"b64_json\":\""), (byte)'A');
    });

    /// <summary>A success whose single URL points at a file that never ends.</summary>
    public static FakeReply EndlessUrl() => new(async (context, fake, _) =>
        await context.Response.WriteAsJsonAsync(new { created = 1767225600, data = new[] { new { url = $"{fake.Url}/files/endless.png" } } }));

    /// <summary>Writes <paramref name="prefix"/>, then filler in 64 KB chunks until the client goes away (at most 1 GB).</summary>
    public static async Task StreamUntilAbortedAsync(HttpContext context, byte[] prefix, byte filler)
    {
        var chunk = Enumerable.Repeat(filler, 64 * 1024).ToArray();
        try
        {
            await context.Response.Body.WriteAsync(prefix, context.RequestAborted);
            for (var i = 0; i < 16 * 1024 && !context.RequestAborted.IsCancellationRequested; i++)
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client stopped reading, as it should.
        }
    }

    private static async Task SuccessAsync(HttpContext context, FakeOpenAiImages fake, FakeImagesRequest request, bool asUrl)
    {
        var count = int.Parse(request.Field("n") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
        var format = request.Field("output_format") ?? "png";
        var (width, height) = SizeOf(request);
        var data = new List<object>();
        for (var i = 0; i < count; i++)
        {
            var color = new SKColor((byte)(40 + fake.Produced.Count * 37 % 200), 120, (byte)(200 - i * 30));
            var image = format switch
            {
                "jpeg" => TestImages.Jpeg(width, height, color),
                "webp" => TestImages.Webp(width, height, color),
                _ => TestImages.Png(width, height, color),
            };
            fake.RecordProduced(image);
            data.Add(asUrl
                ? new { url = fake.Host($"img-{Guid.NewGuid():N}.{format}", image) }
                : new { b64_json = Convert.ToBase64String(image) });
        }
        var imageTokens = 323 * request.Images.Count;
        var textTokens = Math.Max(1, (request.Field("prompt") ?? "").Length / 4);
        var outputTokens = (width * height / 1024 / 1024) switch { 1 => 4160, _ => 6240 } * count;
        var answer = new
        {
            created = 1767225600,
            background = request.Field("background") is "transparent" ? "transparent" : "opaque",
            data,
            output_format = format,
            quality = request.Field("quality") is { } q && q != "auto" ? q : "medium",
            size = $"{width}x{height}",
            usage = new
            {
                input_tokens = imageTokens + textTokens,
                input_tokens_details = new { image_tokens = imageTokens, text_tokens = textTokens },
                output_tokens = outputTokens,
                total_tokens = imageTokens + textTokens + outputTokens,
            },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(answer));
    }

    /// <summary>The requested size; <c>auto</c> picks the listed size closest to the first input's shape, square without one.</summary>
    private static (int Width, int Height) SizeOf(FakeImagesRequest request)
    {
        var size = request.Field("size") ?? "auto";
        if (size != "auto")
        {
            var parts = size.Split('x');
            return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        if (request.Images.Count == 0) return (1024, 1024);
        var (w, h) = TestImages.SizeOf(request.Images[0].Bytes);
        var ratio = (double)w / h;
        return ratio > 1.2 ? (1536, 1024) : ratio < 0.83 ? (1024, 1536) : (1024, 1024);
    }
}
