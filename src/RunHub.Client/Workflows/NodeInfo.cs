using System.Globalization;
using System.Text.Json.Nodes;

namespace RunHub.Client;

/// <summary>
/// One entry of RunningHub's <c>nodeInfoList</c>: sets input <see cref="FieldName"/> of node <see cref="NodeId"/> of a
/// workflow (or an AI app's exposed input) for one run. On the wire <c>{"nodeId": "6", "fieldName": "text",
/// "fieldValue": "a red fox"}</c> (RunningHub's workflow API, v1 <c>/task/openapi/create</c> and v2
/// <c>/openapi/v2/run/workflow/{id}</c>). A <see cref="LocalFile"/> entry names a file on this machine instead: it is
/// uploaded first and its URL becomes the value (for a LoadImage <c>image</c> input, say).
/// </summary>
public sealed class NodeInfo
{
    /// <summary>A text value, sent as is (RunningHub's clients send numbers as text too: <c>"1231231"</c>).</summary>
    /// <param name="nodeId">The node's id in the API-format graph, e.g. <c>"6"</c>.</param>
    /// <param name="fieldName">The input's name, e.g. <c>"text"</c>, <c>"seed"</c>, <c>"image"</c>.</param>
    /// <param name="fieldValue">The value; a media input takes an uploaded file's name or URL.</param>
    public NodeInfo(string nodeId, string fieldName, string fieldValue)
        : this(nodeId, fieldName, JsonValue.Create(fieldValue ?? throw new ArgumentNullException(nameof(fieldValue))), null)
    {
    }

    /// <summary>A whole number (a seed, a step count), sent as a JSON number.</summary>
    public NodeInfo(string nodeId, string fieldName, long fieldValue) : this(nodeId, fieldName, JsonValue.Create(fieldValue), null)
    {
    }

    /// <summary>A number (a CFG scale, a denoise strength), sent as a JSON number; it must be finite.</summary>
    public NodeInfo(string nodeId, string fieldName, double fieldValue)
        : this(nodeId, fieldName, double.IsFinite(fieldValue) ? JsonValue.Create(fieldValue) : throw new ArgumentOutOfRangeException(nameof(fieldValue), "a value must be a finite number"), null)
    {
    }

    /// <summary>A switch, sent as JSON true or false.</summary>
    public NodeInfo(string nodeId, string fieldName, bool fieldValue) : this(nodeId, fieldName, JsonValue.Create(fieldValue), null)
    {
    }

    private NodeInfo(string nodeId, string fieldName, JsonValue? value, string? localPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        ArgumentException.ThrowIfNullOrWhiteSpace(fieldName);
        NodeId = nodeId.Trim();
        FieldName = fieldName.Trim();
        Value = value;
        LocalPath = localPath;
    }

    /// <summary>
    /// A file on this machine for a media input (LoadImage's <c>image</c>, a video or audio loader): the run uploads it
    /// (<c>POST {base}/media/upload/binary</c>) and sends its download URL as the value.
    /// </summary>
    /// <param name="nodeId">The loader node's id.</param>
    /// <param name="fieldName">Its file input, e.g. <c>"image"</c>.</param>
    /// <param name="path">The local file; checked before anything is sent (a missing file is <see cref="RunHubErrorCodes.LocalFile"/>).</param>
    public static NodeInfo LocalFile(string nodeId, string fieldName, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new NodeInfo(nodeId, fieldName, null, path);
    }

    /// <summary>The node's id in the graph (a string, even when it looks like a number).</summary>
    public string NodeId { get; }

    /// <summary>The input's name on that node.</summary>
    public string FieldName { get; }

    /// <summary>The file to upload for this entry; null for an entry with a value.</summary>
    public string? LocalPath { get; }

    /// <summary>The value as it goes on the wire; null for a <see cref="LocalFile"/> entry until it is uploaded.</summary>
    internal JsonValue? Value { get; }

    /// <summary>The value as text: what is sent, or <c>@path</c> for a local file.</summary>
    public string FieldValue => Value is null ? "@" + LocalPath : Value.GetValueKind() == System.Text.Json.JsonValueKind.String
        ? Value.GetValue<string>()
        : Value.ToJsonString();

    /// <summary><c>nodeId:fieldName=value</c>, the form <c>runhub workflow run --node</c> takes.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{NodeId}:{FieldName}={FieldValue}");
}
