namespace RunHub.Workflows;

/// <summary>
/// How a workflow or AI-app task is told apart in the tasks table: its <c>endpoint</c> is <c>workflow:&lt;id&gt;</c> or
/// <c>ai-app:&lt;id&gt;</c> (a model endpoint never holds a colon), and its <c>parameters</c> are
/// <see cref="WorkflowTaskParameters"/>.
/// </summary>
public static class WorkflowTasks
{
    public const string WorkflowPrefix = "workflow:";
    public const string AppPrefix = "ai-app:";

    public static string Endpoint(string workflowId, string? webappId) => webappId is null ? WorkflowPrefix + workflowId : AppPrefix + webappId;

    public static bool IsWorkflowTask(string endpoint) =>
        endpoint.StartsWith(WorkflowPrefix, StringComparison.Ordinal) || endpoint.StartsWith(AppPrefix, StringComparison.Ordinal);
}
