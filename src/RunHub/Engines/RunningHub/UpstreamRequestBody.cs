using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Media;
using RunHub.Files;

namespace RunHub.Engines.RunningHub;

/// <summary>
/// The submit body for the upstream: the task's parameters as stored, with every media URL the upstream
/// cannot fetch itself (RunHub's own file URLs, <c>data:</c> URIs, plain http) replaced by the URL of the same
/// bytes uploaded upstream. Public https URLs go through as given.
/// </summary>
internal static class UpstreamRequestBody
{
    /// <summary>Whether the upstream gets this input's bytes rather than its URL.</summary>
    public static bool NeedsUpload(MediaInput input, RunningHubSettings settings, FileLinks ownFiles)
    {
        if (settings.UploadAllInputs) return true;
        if (!Uri.TryCreate(input.SourceUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps) return true;
        // RunHub's own file URLs may be https and still unreachable from outside (a private deployment, a private
        // bucket) or expire (presigned): always re-host them.
        return ownFiles.KeyOf(uri) is not null;
    }

    /// <summary>The body with each uploaded input's URL in its place (field and index as the request had them).</summary>
    public static JsonObject Build(IReadOnlyDictionary<string, JsonElement> parameters, IReadOnlyDictionary<(string Field, int Index), string> replacements)
    {
        var body = new JsonObject();
        foreach (var (name, value) in parameters) body[name] = JsonNode.Parse(value.GetRawText());
        foreach (var ((field, index), url) in replacements)
        {
            switch (body[field])
            {
                case JsonArray list when index < list.Count:
                    list[index] = url;
                    break;
                case JsonValue when index == 0:
                    body[field] = url;
                    break;
                default:
                    throw new InvalidOperationException($"input {field}[{index}] is not in the task's parameters");
            }
        }
        return body;
    }

    /// <summary>A file name for the upload: the field and position, with the detected format's extension.</summary>
    public static string FileName(MediaInput input)
    {
        var extension = MediaFormat.Find(input.Format)?.Extension ?? "bin";
        return $"{input.FieldKey}-{input.Index}.{extension}";
    }
}
