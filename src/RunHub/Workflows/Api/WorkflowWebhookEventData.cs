using System.Text.Json;
using RunHub.Tasks;
using RunHub.Webhooks;
using RunHub.Wire;

namespace RunHub.Workflows.Api;

/// <summary>
/// The <c>eventData</c> of a workflow or AI-app run started through the v1 calls: the JSON string of what
/// <c>/task/openapi/outputs</c> answers for the ended task, as RunningHub's getWebhookDetail example shows it —
/// <c>{"code":0,"msg":"success","data":[{"fileUrl","fileType","taskCostTime","nodeId",...}]}</c> for a success, and
/// <c>{"code":805,"msg":...,"data":{"failedReason":{...}}}</c> for a failure or a cancel (<see cref="WorkflowOutputs"/>).
/// A run started through the v2 calls gets the task object, like a model's task (null here).
/// </summary>
public sealed class WorkflowWebhookEventData : IWebhookEventData
{
    public string? EventDataOf(TaskRecord task, Func<string, string> fileUrl)
    {
        if (!WorkflowTasks.IsWorkflowTask(task.Endpoint)) return null;
        var family = WorkflowTaskParameters.Parse(task.Parameters).Family ?? WorkflowApiFamily.V1;
        return family == WorkflowApiFamily.V1 ? JsonSerializer.Serialize(WorkflowOutputs.Of(task, fileUrl), WireJson.Options) : null;
    }
}
