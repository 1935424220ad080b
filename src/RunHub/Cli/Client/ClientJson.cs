using System.Text.Encodings.Web;
using System.Text.Json;

namespace RunHub.Cli.Client;

/// <summary>
/// JSON on stdout for scripts: the server's objects as received, indented. Non-ASCII text (prices in
/// <c>CNY/次</c>, Chinese prompts) stays readable instead of becoming <c>\uXXXX</c>; this goes to a terminal or a
/// pipe, never into HTML.
/// </summary>
internal static class ClientJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Print(JsonElement value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Options));

    public static void Print(IEnumerable<JsonElement> values) => Console.Out.WriteLine(JsonSerializer.Serialize(values, Options));
}
