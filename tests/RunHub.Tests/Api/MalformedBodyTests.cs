using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>
/// Every endpoint, fed every kind of malformed body: invalid UTF-8, lone surrogate escapes, deep nesting, wrong JSON
/// types, empty bodies, huge numbers, wrong content types. Each must be answered HTTP 200 with JSON in its family's
/// shape and a code that is not 1005 or 1000 (those say the server broke, not the request), with nothing logged as
/// an exception. Before RequestBody/JsonBody checked the text, a lone surrogate in a prompt answered 1005 with a stack
/// trace in the log.
/// </summary>
public sealed class MalformedBodyTests(MalformedBodyTests.Server server) : IClassFixture<MalformedBodyTests.Server>
{
    public sealed class Server : IAsyncLifetime
    {
        public LogCapture Log { get; } = new();
        public TestServer Instance { get; private set; } = null!;
        public ApiCaller Caller { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Instance = await TestServer.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug" }, configureServices: Log.AddTo);
            Caller = await Instance.NewCallerAsync(balance: 100m);
        }

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }

    /// <summary>An endpoint: method, path, whether the Bearer key is sent, and the shape it answers in.</summary>
    public sealed record Target(string Method, string Path, bool Bearer, bool Envelope)
    {
        public override string ToString() => $"{Method} {Path}{(Bearer ? "" : " (no Bearer)")}";
    }

    public static TheoryData<Target> Targets() =>
    [
        new("POST", "/openapi/v2/rhart-image-g-1.5/edit", true, false),
        new("POST", "/openapi/v2/rhart-image-g-1.5/text-to-image", true, false),
        new("POST", "/openapi/v2/rhart-image-g-1.5/edit", false, false),
        new("POST", "/openapi/v2/query", true, false),
        new("POST", "/openapi/v2/cancel", true, false),
        new("POST", "/uc/openapi/accountStatus", false, true),
        new("POST", "/uc/openapi/accountStatus", true, true),
        new("POST", "/openapi/v2/media/upload/binary", true, true),
        new("POST", "/task/openapi/create", false, true),
        new("POST", "/openapi/v2/no-such-model", true, false),
        new("POST", "/openapi/v2/price-preview/rhart-image-g-1.5/edit", true, false),
        new("GET", "/openapi/v2/api-key/list", true, true),
        new("GET", "/openapi/v2/queue/status", true, true),
    ];

    private static readonly string[] ContentTypes =
        ["application/json", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "multipart/form-data", "multipart/form-data; boundary=xyz"];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Malformed_bodies_are_answered_in_the_familys_shape_never_with_1005_and_never_logged_as_exceptions(Target target)
    {
        foreach (var (name, body) in Bodies(server.Caller.ApiKey))
            foreach (var contentType in ContentTypes)
                await AssertAnsweredCleanly(target, name, body, contentType);
    }

    [Theory]
    [InlineData("/openapi/v2/rhart-image-g-1.5/edit", "prompt", true)]
    [InlineData("/openapi/v2/query", "taskId", true)]
    [InlineData("/uc/openapi/accountStatus", "apikey", false)]
    public async Task Invalid_utf8_in_a_field_is_1007_naming_the_field(string path, string field, bool bearer)
    {
        var body = Concat("{\"aspectRatio\":\"1:1\",\""u8.ToArray(), Encoding.UTF8.GetBytes(field), "\":\"ab"u8.ToArray(), [0xC3, 0x28], "\"}"u8.ToArray());
        var answer = await SendAsync(new Target("POST", path, bearer, !path.StartsWith("/openapi", StringComparison.Ordinal)), body, "application/json");
        AssertRefused(answer, "1007", $"{field}: is not valid UTF-8 text");
    }

    [Theory]
    [InlineData("\\ud800", "D800")]
    [InlineData("\\udc00 after", "DC00")]
    [InlineData("before \\ud83d\\u0041", "D83D")]
    public async Task A_lone_surrogate_escape_is_1007_naming_the_field(string escaped, string unit)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"prompt\":\"{escaped}\",\"imageUrls\":[\"https://example.com/a.png\"],\"aspectRatio\":\"1:1\"}}");
        var answer = await SendAsync(new Target("POST", "/openapi/v2/rhart-image-g-1.5/edit", true, false), body, "application/json");
        AssertRefused(answer, "1007", $"prompt: holds an unpaired surrogate escape (\\u{unit})");

        var nested = Encoding.UTF8.GetBytes($"{{\"prompt\":\"a fine prompt\",\"imageUrls\":[\"https://example.com/a.png\",\"{escaped}\"],\"aspectRatio\":\"1:1\"}}");
        answer = await SendAsync(new Target("POST", "/openapi/v2/rhart-image-g-1.5/edit", true, false), nested, "application/json");
        AssertRefused(answer, "1007", "imageUrls[1]: holds an unpaired surrogate");
    }

    [Theory]
    [InlineData("/openapi/v2/query", true, "[1]", "a JSON array")]
    [InlineData("/openapi/v2/rhart-image-g-1.5/edit", true, "\"a prompt\"", "a JSON string")]
    [InlineData("/uc/openapi/accountStatus", false, "42", "a JSON number")]
    [InlineData("/openapi/v2/price-preview/rhart-image-g-1.5/edit", true, "null", "JSON null")]
    public async Task A_body_that_is_not_a_json_object_is_1007_saying_what_it_is(string path, bool bearer, string body, string kind)
    {
        var answer = await SendAsync(new Target("POST", path, bearer, !path.StartsWith("/openapi", StringComparison.Ordinal)),
            Encoding.UTF8.GetBytes(body), "application/json");
        AssertRefused(answer, "1007", $"body: {kind}; expected a JSON object");
    }

    [Fact]
    public async Task A_surrogate_pair_escape_is_valid_text()
    {
        var body = Encoding.UTF8.GetBytes("{\"prompt\":\"a rocket \\ud83d\\ude80 at dawn\",\"aspectRatio\":\"1:1\"}");
        var answer = await SendAsync(new Target("POST", "/openapi/v2/rhart-image-g-1.5/text-to-image", true, false), body, "application/json");
        Assert.Equal("", answer.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Nesting_deeper_than_the_budget_is_1007_and_names_where()
    {
        var body = Encoding.UTF8.GetBytes("{\"prompt\":\"a fine prompt\",\"extra\":" + new string('[', 40) + new string(']', 40) + "}");
        var answer = await SendAsync(new Target("POST", "/openapi/v2/rhart-image-g-1.5/text-to-image", true, false), body, "application/json");
        AssertRefused(answer, "1007", "extra[0][0]");
        Assert.Contains("nested deeper than 32 levels", answer.GetProperty("errorMessage").GetString());
    }

    private async Task AssertAnsweredCleanly(Target target, string name, byte[] body, string contentType)
    {
        var before = server.Log.Failures.Count;
        JsonElement answer;
        try
        {
            answer = await SendAsync(target, body, contentType);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{target} with {name} ({contentType}): {e.Message}");
        }
        var code = Answers.Code(answer);
        Assert.True(target.Envelope ? answer.TryGetProperty("code", out _) && !answer.TryGetProperty("errorCode", out _) : !answer.TryGetProperty("code", out _),
            $"{target} with {name} answered in another family's shape: {answer}");
        Assert.False(code is "1005" or "1000", $"{target} with {name} ({contentType}) answered {code}: {answer}; "
            + string.Join(" | ", server.Log.Failures.Skip(before).Select(f => f.Exception?.ToString())));
        var failures = server.Log.Failures.Skip(before).ToList();
        Assert.True(failures.Count == 0, $"{target} with {name} ({contentType}) logged: {string.Join(" | ", failures.Select(f => $"{f.Category}: {f.Message} {f.Exception?.GetType().Name}"))}");
    }

    private async Task<JsonElement> SendAsync(Target target, byte[] body, string contentType)
    {
        using var request = new HttpRequestMessage(new HttpMethod(target.Method), target.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (target.Bearer) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Caller.ApiKey);
        using var response = await server.Instance.Http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return document.RootElement.Clone();
    }

    private static void AssertRefused(JsonElement answer, string code, string messagePart)
    {
        Assert.True(Answers.Code(answer) == code, $"expected {code}, got {answer}");
        Assert.Contains(messagePart, Answers.Message(answer));
    }

    /// <summary>The malformed bodies: whole-body faults, then each bad value in every field any endpoint reads.</summary>
    private static IEnumerable<(string Name, byte[] Body)> Bodies(string apiKey)
    {
        byte[] U(string text) => Encoding.UTF8.GetBytes(text);
        yield return ("an empty body", []);
        yield return ("whitespace", U(" \r\n\t "));
        yield return ("a NUL byte", [0]);
        yield return ("invalid UTF-8 outside strings", [(byte)'{', 0xFF, (byte)'}']);
        yield return ("a UTF-16 byte order mark", [0xFF, 0xFE, (byte)'{', 0, (byte)'}', 0]);
        yield return ("UTF-16 text", Encoding.Unicode.GetBytes("{\"taskId\":\"1\"}"));
        yield return ("a UTF-8 byte order mark and an object", Concat([0xEF, 0xBB, 0xBF], U("{\"taskId\":\"1\"}")));
        yield return ("truncated JSON", U("{\"prompt\": \"abc"));
        yield return ("a raw control character in a string", U("{\"prompt\": \"a\u0001b\"}"));
        yield return ("trailing garbage", U("{\"taskId\":\"1\"} trailing"));
        yield return ("10000 nested arrays", U(new string('[', 10000) + new string(']', 10000)));
        yield return ("10000 nested objects", U(string.Concat(Enumerable.Repeat("{\"a\":", 10000)) + "1" + new string('}', 10000)));
        yield return ("an unclosed deep nest", U(new string('[', 100000)));
        yield return ("a field name with invalid UTF-8", Concat(U("{\""), [0xC3, 0x28], U("\":1}")));
        yield return ("a field name with a lone surrogate", U("{\"\\ud800\":1}"));
        yield return ("duplicate keys", U("{\"taskId\":\"1\",\"taskId\":\"2\",\"apikey\":\"x\",\"apikey\":\"" + apiKey + "\"}"));
        // Below the server's default body limit, so a refusal drains it and the connection stays healthy; larger bodies are BodyLimitTests'.
        yield return ("a 1.5 MB string", U("{\"prompt\":\"" + new string('a', 1536 * 1024) + "\"}"));
        foreach (var whole in new[] { "[]", "\"text\"", "1", "-1e400", "null", "true", "[{\"taskId\":\"1\"}]" })
            yield return ($"the body {whole}", U(whole));

        var values = new (string Name, byte[] Json)[]
        {
            ("invalid UTF-8", Concat(U("\"a"), [0xC3, 0x28, 0xA0, 0xA1], U("\""))),
            ("an overlong UTF-8 slash", Concat(U("\""), [0xC0, 0xAF], U("\""))),
            ("an encoded surrogate", Concat(U("\""), [0xED, 0xA0, 0x80], U("\""))),
            ("a lone high surrogate", U("\"\\ud800\"")),
            ("a lone low surrogate", U("\"x\\udc00\"")),
            ("reversed surrogates", U("\"\\udc00\\ud800\"")),
            ("a NUL escape", U("\"a\\u0000b\"")),
            ("1e400", U("1e400")),
            ("-1e400", U("-1e400")),
            ("a 40-digit integer", U("1234567890123456789012345678901234567890")),
            ("a tiny fraction", U("0.00000000000000000000000000000000000001")),
            ("minus zero", U("-0")),
            ("a negative id", U("-1")),
            ("an object", U("{\"url\":\"https://example.com/a.png\"}")),
            ("an empty array", U("[]")),
            ("an array of numbers", U("[1, 2.5, -3]")),
            ("null", U("null")),
            ("false", U("false")),
            ("an empty string", U("\"\"")),
            ("a 200 KB string", U("\"" + new string('x', 200_000) + "\"")),
            ("a data URI that is not base64", U("\"data:image/png;base64,@@@@\"")),
            ("a percent escape that is not one", U("\"data:image/png,%zz%\"")),
            ("a URL with a bad host", U("\"https://[::1/a.png\"")),
            ("40 nested arrays", U(new string('[', 40) + new string(']', 40))),
        };
        foreach (var (name, json) in values)
        {
            yield return ($"{name} in every field", Concat(U("{\"prompt\":"), json, U(",\"imageUrls\":"), json, U(",\"aspectRatio\":"), json,
                U(",\"taskId\":"), json, U(",\"apikey\":"), json, U(",\"apiKey\":"), json, U("}")));
            yield return ($"{name} in a list", Concat(U("{\"prompt\":\"a fine prompt\",\"imageUrls\":["), json, U("],\"aspectRatio\":\"1:1\",\"taskId\":["), json,
                U("],\"apikey\":\"" + apiKey + "\",\"nodeInfoList\":[{\"nodeId\":\"1\",\"fieldName\":\"text\",\"fieldValue\":"), json, U("}]}")));
        }
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
