using System.Globalization;
using System.Text.Json;

namespace RunHub.Tests.Support;

/// <summary>Reads the code and message of an answer in any family's shape: the task object, <c>{code, msg}</c> or <c>{code, message}</c>.</summary>
internal static class Answers
{
    /// <summary>"" for success in the task object (and in answers with neither field, such as a price preview), "0" in the envelopes.</summary>
    public static string Code(JsonElement answer) =>
        answer.TryGetProperty("errorCode", out var errorCode) ? errorCode.GetString()!
        : answer.TryGetProperty("code", out var code) ? code.GetInt32().ToString(CultureInfo.InvariantCulture)
        : "";

    public static string Message(JsonElement answer) =>
        (answer.TryGetProperty("errorMessage", out var m) || answer.TryGetProperty("msg", out m) || answer.TryGetProperty("message", out m)
            ? m.GetString()
            : null) ?? "";
}
