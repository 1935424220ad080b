using System.Globalization;
using System.Text;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The sandbox's text result (<c>results[].text</c>, <c>outputType</c> "txt", no file): a deterministic description of
/// what the request carried — the model, the prompt's length and hash prefix, each input's kind, format and size —
/// that begins by saying it comes from the sandbox. It never claims to understand the prompt or the inputs.
/// </summary>
internal static class SandboxText
{
    public static OutputFile Make(SandboxRequest request)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"[{SandboxMark.Software}] ");
        text.Append(CultureInfo.InvariantCulture, $"This text stands in for the answer of {request.Model.Endpoint}. ");
        var prompt = request.Prompt;
        if (prompt.Length == 0) text.Append("The request has no prompt. ");
        else text.Append(CultureInfo.InvariantCulture, $"The prompt has {Catalog.JsonValueText.CodePoints(prompt)} characters ({SandboxMark.PromptComment(request.Variation)}). ");
        foreach (var input in request.Images.Concat(request.Videos).Concat(request.Audios).OrderBy(i => i.FieldKey, StringComparer.Ordinal).ThenBy(i => i.Index))
        {
            var size = input is { Width: { } w, Height: { } h } ? $", {w}x{h}" : "";
            text.Append(CultureInfo.InvariantCulture, $"Input {input.FieldKey}[{input.Index}]: {input.Format}{size}, {input.Data.Length} bytes. ");
        }
        text.Append("The same request always gives this same text.");
        return new OutputFile("txt", null, text.ToString());
    }
}
