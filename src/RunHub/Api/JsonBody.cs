using System.Globalization;
using System.Text.Json;
using RunHub.Client;

namespace RunHub.Api;

/// <summary>
/// Reads a request body as JSON within a budget: at most <c>limit</c> bytes are read (a larger declared length is
/// refused before anything is read), nesting is bounded, and the text must be valid Unicode, so that no body can
/// cost more memory than its endpoint allows and no malformed one reaches code that would throw on it.
/// </summary>
public static class JsonBody
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>The parsed document (the caller disposes it), or the refusal's code (1007, or 1008 when too large) and message.</summary>
    public readonly record struct Parsed(JsonDocument? Document, string? ErrorCode, string? Error)
    {
        public static Parsed Refused(string code, string message) => new(null, code, message);
    }

    /// <param name="limit">Largest body read, in bytes.</param>
    /// <param name="maxDepth">Deepest nesting of objects and arrays.</param>
    /// <exception cref="OperationCanceledException">The client went away while the body was read.</exception>
    public static async ValueTask<Parsed> ReadAsync(HttpRequest request, long limit, int maxDepth)
    {
        if (request.ContentLength > limit) return TooLarge(limit);
        BodySize.AllowAtLeast(request, limit);

        ReadOnlyMemory<byte> bytes;
        try
        {
            bytes = await ReadAllAsync(request.Body, limit, request.ContentLength, request.HttpContext.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
        catch (BadHttpRequestException e)
        {
            return Parsed.Refused(RunHubErrorCodes.InvalidParameters, $"body: could not be read ({e.Message})");
        }
        if (bytes.Length > limit) return TooLarge(limit);
        return Parse(bytes, maxDepth);
    }

    /// <summary>Parses a whole body already in memory (the same checks as <see cref="ReadAsync"/> after reading).</summary>
    public static Parsed Parse(ReadOnlyMemory<byte> body, int maxDepth)
    {
        if (body.Span.StartsWith(Utf8Bom)) body = body[Utf8Bom.Length..];
        if (body.Span.Trim(" \t\r\n"u8).IsEmpty)
            return Parsed.Refused(RunHubErrorCodes.InvalidParameters, "body: empty; expected a JSON object");

        if (JsonTextCheck.FindProblem(body.Span, maxDepth) is { } problem)
            return Parsed.Refused(RunHubErrorCodes.InvalidParameters, problem);
        // The check above has walked every token, so this parse cannot fail; the document keeps the buffer without copying it.
        var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth + 1 });
        // Every body of RunningHub's API is an object: an array or a bare value is refused here, once for every endpoint,
        // rather than answered as if the object's first field were missing.
        var kind = document.RootElement.ValueKind;
        if (kind == JsonValueKind.Object) return new Parsed(document, null, null);
        document.Dispose();
        return Parsed.Refused(RunHubErrorCodes.InvalidParameters, $"body: {KindName(kind)}; expected a JSON object");
    }

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "a JSON array",
        JsonValueKind.String => "a JSON string",
        JsonValueKind.Number => "a JSON number",
        JsonValueKind.True or JsonValueKind.False => "a JSON boolean",
        _ => "JSON null",
    };

    private static Parsed TooLarge(long limit) =>
        Parsed.Refused(RunHubErrorCodes.FileTooLarge, $"body: larger than the {Size(limit)} this endpoint accepts");

    /// <summary>"64 KB", "2 MB", "26.7 MB".</summary>
    public static string Size(long bytes) => bytes < 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(bytes / 1024.0):0} KB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB");

    /// <summary>Reads at most <paramref name="limit"/> + 1 bytes, growing the buffer only as data arrives.</summary>
    private static async ValueTask<ReadOnlyMemory<byte>> ReadAllAsync(Stream body, long limit, long? declared, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(Math.Max(declared ?? 0, 0) + 1, Math.Min(limit + 1, 64 * 1024))];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit) break;
                Array.Resize(ref buffer, (int)Math.Min(Math.Max(buffer.Length * 2L, 1024), Math.Min(limit + 1, Array.MaxLength)));
            }
            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0) break;
            length += read;
        }
        return buffer.AsMemory(0, length);
    }
}
