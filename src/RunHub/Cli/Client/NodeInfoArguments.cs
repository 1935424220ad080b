using RunHub.Client;

namespace RunHub.Cli.Client;

/// <summary>
/// The <c>nodeInfoList</c> of <c>runhub workflow run</c>: <c>-n nodeId:fieldName=value</c> and <c>-f nodeId:fieldName=path</c>,
/// in command-line order. The value is sent as text, as RunningHub's own clients send it; the server reads it as what
/// the input takes. Node ids may hold a colon (ComfyUI's subgraph nodes, <c>75:62</c>): the field name is what follows
/// the last colon before the <c>=</c>.
/// </summary>
internal static class NodeInfoArguments
{
    /// <summary>The entries; every malformed option and every missing file is reported at once, before anything is sent.</summary>
    /// <exception cref="UsageException">An option is not <c>nodeId:fieldName=value</c>, or a file does not exist.</exception>
    public static IReadOnlyList<NodeInfo> Parse(IReadOnlyList<string> values, IReadOnlyList<string> files)
    {
        var list = new List<NodeInfo>();
        var problems = new List<string>();
        foreach (var text in values)
        {
            if (Split(text) is var (nodeId, fieldName, value)) list.Add(new NodeInfo(nodeId, fieldName, value));
            else problems.Add($"-n '{text}': expected nodeId:fieldName=value, e.g. -n 6:text=\"a red fox\"");
        }
        foreach (var text in files)
        {
            if (Split(text) is not var (nodeId, fieldName, path) || path.Length == 0)
                problems.Add($"-f '{text}': expected nodeId:fieldName=path, e.g. -f 10:image=./photo.png");
            else if (!File.Exists(path))
                problems.Add($"-f {nodeId}:{fieldName}={path}: no such file");
            else
                list.Add(NodeInfo.LocalFile(nodeId, fieldName, path));
        }
        if (problems.Count > 0) throw new UsageException([.. problems, "nothing was uploaded or submitted"]);
        return list;
    }

    private static (string NodeId, string FieldName, string Value)? Split(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0) return null;
        var target = text[..equals];
        var colon = target.LastIndexOf(':');
        if (colon <= 0) return null;
        var nodeId = target[..colon].Trim();
        var fieldName = target[(colon + 1)..].Trim();
        return nodeId.Length == 0 || fieldName.Length == 0 ? null : (nodeId, fieldName, text[(equals + 1)..]);
    }
}
