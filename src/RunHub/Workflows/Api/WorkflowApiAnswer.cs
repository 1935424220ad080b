using RunHub.Api;
using RunHub.Client;
using RunHub.Wire;

namespace RunHub.Workflows.Api;

/// <summary>
/// Answers of RunningHub's workflow API (v1) in its <c>{code, msg, data}</c> envelope. A refusal's <c>msg</c> starts
/// with RunningHub's own name for the code (<c>APIKEY_INVALID_NODE_INFO: node 6 (CLIPTextEncode) has no field
/// "txt"; ...</c>): clients match on that name. The task states of <c>outputs</c> (804, 813) carry the name alone,
/// exactly as RunningHub sends it.
/// </summary>
public static class WorkflowApiAnswer
{
    public static Envelope<object> Error(string code, string detail) => new(int.Parse(code), Message(code, detail), null);

    public static Envelope<T> Error<T>(string code, string detail, T data) => new(int.Parse(code), Message(code, detail), data);

    /// <summary>A state of a task that is not done (804 running, 813 queued): the code and RunningHub's name, no data.</summary>
    public static Envelope<object> State(string code) => new(int.Parse(code), RunHubErrorCodes.WorkflowApiName(code) ?? code, null);

    /// <summary>The message of a refusal: RunningHub's name for the code, then the detail.</summary>
    public static string Message(string code, string detail) =>
        RunHubErrorCodes.WorkflowApiName(code) is { } name ? $"{name}: {detail}" : ErrorMessages.Refusal(code, detail);
}
