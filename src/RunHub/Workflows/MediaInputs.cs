using RunHub.Catalog;
using RunHub.Engines.ComfyUi;

namespace RunHub.Workflows;

/// <summary>
/// Which node inputs of a workflow take a media file: those of ComfyUI's own loaders and of the common video and audio
/// loader nodes (VideoHelperSuite), and those a registration names (<c>mediaInputs</c>). A value given for one is a file
/// (a RunHub upload or a URL) that RunHub fetches and uploads to the ComfyUI server before the prompt runs.
/// </summary>
public static class MediaInputs
{
    private static readonly Dictionary<(string ClassType, string Field), ParameterType> Known = new()
    {
        [("LoadImage", "image")] = ParameterType.Image,
        [("LoadImageMask", "image")] = ParameterType.Image,
        [("LoadAudio", "audio")] = ParameterType.Audio,
        [("LoadVideo", "file")] = ParameterType.Video,
        [("VHS_LoadVideo", "video")] = ParameterType.Video,
        [("VHS_LoadAudioUpload", "audio")] = ParameterType.Audio,
    };

    /// <summary>The media type of a node input of <paramref name="graph"/>, or null when it takes a plain value.</summary>
    internal static ParameterType? Of(WorkflowGraph graph, WorkflowDefinition workflow, string nodeId, string fieldName)
    {
        if (workflow.ExtraMediaInputs.TryGetValue($"{nodeId}.{fieldName}", out var named)) return named;
        return graph.ClassOf(nodeId) is { } classType && Known.TryGetValue((classType, fieldName), out var known) ? known : null;
    }
}
