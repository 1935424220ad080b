using System.Text.Json;

namespace RunHub.Api;

/// <summary>Parses a request body as JSON, turning every way it can be malformed into one clear message.</summary>
public static class RequestBody
{
    public readonly record struct Parsed(JsonDocument? Document, string? Error);

    public static async Task<Parsed> ReadJsonAsync(HttpRequest request)
    {
        try
        {
            var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, request.HttpContext.RequestAborted);
            return new Parsed(document, null);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            return new Parsed(null, request.ContentLength == 0 || e.BytePositionInLine == 0 && e.LineNumber == 0
                ? "body: expected a JSON object, got an empty or malformed body"
                : $"body: malformed JSON{where}");
        }
        catch (BadHttpRequestException e)
        {
            return new Parsed(null, $"body: {e.Message}");
        }
    }
}
