namespace RunHub.Engines.ComfyUi;

/// <summary>
/// <c>GET /view</c> answered 404 for a file the prompt's history names. It happens when ComfyUI answered an unchanged
/// workflow from its cache: the history then points at the file an earlier run saved, which may have been deleted
/// since. Running the prompt again with its output nodes changed makes ComfyUI save the file anew.
/// </summary>
internal sealed class OutputGoneException(OutputRef file)
    : Exception($"ComfyUI has no output file {file.FileName} (type {file.Type}) any more")
{
    public OutputRef File { get; } = file;
}
