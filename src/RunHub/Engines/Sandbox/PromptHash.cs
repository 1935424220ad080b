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

    /// <summary>A hash computed elsewhere (e.g. of the prompt and the seed together); 32 bytes.</summary>
    public static PromptHash FromBytes(byte[] sha256) => new(sha256.Length == 32 ? sha256 : throw new ArgumentException("expected 32 bytes", nameof(sha256)));

    /// <summary>The <c>prompt</c> parameter's text; a missing prompt hashes like an empty one.</summary>
    public static PromptHash Of(IReadOnlyDictionary<string, JsonElement> parameters) =>
        Of(parameters.TryGetValue("prompt", out var value) ? TextOf(value) : "");

    /// <summary>The first 8 bytes in lowercase hex: enough to tell prompts apart, too little to recover one.</summary>
    public string HexPrefix => Convert.ToHexStringLower(_bytes, 0, 8);

    public HashSequence Sequence() => new(_bytes);

    /// <summary>Copies the 32 hash bytes into <paramref name="target"/>.</summary>
    public void CopyTo(Span<byte> target) => _bytes.CopyTo(target);

    private static string TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };
}
