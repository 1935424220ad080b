using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The SHA-256 of a task's prompt: everything the sandbox varies by prompt (colours, shapes, grade) is
/// drawn from it, which is what makes the output reproducible and says nothing about the prompt's meaning.
/// </summary>
internal sealed class PromptHash
{
    private readonly byte[] _bytes;

    private PromptHash(byte[] bytes) => _bytes = bytes;

    public static PromptHash Of(string prompt) => new(SHA256.HashData(Encoding.UTF8.GetBytes(prompt)));

    /// <summary>The <c>prompt</c> parameter's text; a missing prompt hashes like an empty one.</summary>
    public static PromptHash Of(IReadOnlyDictionary<string, JsonElement> parameters) =>
        Of(parameters.TryGetValue("prompt", out var value) ? TextOf(value) : "");

    /// <summary>The first 8 bytes in lowercase hex: enough to tell prompts apart, too little to recover one.</summary>
    public string HexPrefix => Convert.ToHexStringLower(_bytes, 0, 8);

    public HashSequence Sequence() => new(_bytes);

    private static string TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };
}
