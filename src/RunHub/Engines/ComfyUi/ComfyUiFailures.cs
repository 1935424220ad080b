using RunHub.Client;
using RunHub.Api;

namespace RunHub.Engines.ComfyUi;

/// <summary>The task errors of a prompt that ran and failed.</summary>
internal static class ComfyUiFailures
{
    /// <summary>
    /// A node raised (1015, not retried: the same graph and inputs fail the same way) or someone interrupted the
    /// prompt on the server. The message names the node and the exception, never the traceback.
    /// </summary>
    public static EngineException Execution(ExecutionFailure failure) =>
        new(failure.Interrupted ? RunHubErrorCodes.UpstreamError : RunHubErrorCodes.GenerationFailed, failure.Describe())
        {
            Failure = failure.ToReport(),
        };
}
