using RunHub.Accounts;

namespace RunHub.Cli;

/// <summary>
/// What <c>serve</c> prints on the first start of an empty database: the first account, its key (only this once),
/// and curl lines that work pasted in order into a POSIX shell — the key in a variable, the submit's task id captured
/// into another, then the query.
/// </summary>
public static class FirstStart
{
    public static void Print(TextWriter output, CreatedAccount first, string address)
    {
        var baseUrl = Reachable(address);
        output.WriteLine();
        output.WriteLine($"Created the first account \"{first.Name}\" ({first.AccountId}) with {first.Balance} CNY.");
        output.WriteLine($"Its API key, shown only this once: {first.ApiKey}");
        output.WriteLine("Try it (paste the lines in order; the sandbox engine draws a test image, it is not a generative model):");
        output.WriteLine($"  KEY={first.ApiKey}");
        output.WriteLine($"  TASK=$(curl -s -X POST {baseUrl}/openapi/v2/rhart-image-g-1.5/text-to-image -H \"Authorization: Bearer $KEY\" " +
            "-H \"Content-Type: application/json\" -d '{\"prompt\":\"a lighthouse at dawn\",\"aspectRatio\":\"2:3\"}' " +
            "| sed -n 's/.*\"taskId\":\"\\([0-9]*\\)\".*/\\1/p'); echo \"task $TASK\"");
        output.WriteLine($"  curl -s -X POST {baseUrl}/openapi/v2/query -H \"Authorization: Bearer $KEY\" " +
            "-H \"Content-Type: application/json\" -d \"{\\\"taskId\\\":\\\"$TASK\\\"}\"; echo");
        output.WriteLine($"  # repeat the query until \"status\" is \"SUCCESS\"; open results[0].url to see the picture; API reference: {baseUrl}/docs");
        output.WriteLine();
    }

    /// <summary>A listening address a client on this machine can use: 0.0.0.0 and [::] become the loopback address.</summary>
    public static string Reachable(string address) =>
        address.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
}
