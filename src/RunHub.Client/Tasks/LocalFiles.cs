namespace RunHub.Client;

/// <summary>
/// Local files for one media parameter of <see cref="RunHubClient.RunAsync"/>: they are uploaded first and their
/// download URLs put into the parameter, as one string (<see cref="Single"/>) or as a list (<see cref="List"/>).
/// </summary>
public sealed record LocalFiles
{
    private LocalFiles(string fieldKey, IReadOnlyList<string> paths, bool asList)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fieldKey);
        if (paths.Count == 0 || paths.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("Give at least one file path, none blank.", nameof(paths));
        if (!asList && paths.Count != 1) throw new ArgumentException("A single-file parameter takes exactly one path.", nameof(paths));
        FieldKey = fieldKey;
        Paths = paths;
        AsList = asList;
    }

    /// <summary>The parameter's name (the model's <c>fieldKey</c>, e.g. <c>imageUrls</c>).</summary>
    public string FieldKey { get; }

    /// <summary>The local files, in order.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>Whether the parameter takes a list of URLs (files are appended to a list already in the parameters).</summary>
    public bool AsList { get; }

    /// <summary>A parameter that takes one URL, e.g. <c>LocalFiles.Single("imageUrl", "photo.png")</c>.</summary>
    public static LocalFiles Single(string fieldKey, string path) => new(fieldKey, [path], asList: false);

    /// <summary>A parameter that takes a list of URLs, e.g. <c>LocalFiles.List("imageUrls", "a.png", "b.png")</c>.</summary>
    public static LocalFiles List(string fieldKey, params string[] paths) => new(fieldKey, paths, asList: true);
}
