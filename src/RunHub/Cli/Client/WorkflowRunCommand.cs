using System.CommandLine;
using RunHub.Client;

namespace RunHub.Cli.Client;

/// <summary>
/// <c>runhub workflow run WORKFLOW_ID|--app WEBAPP_ID -n nodeId:fieldName=value -f nodeId:fieldName=path</c>: run a
/// registered ComfyUI workflow or AI app through RunningHub's v2 workflow API (<c>/openapi/v2/run/workflow/{id}</c>,
/// <c>/openapi/v2/run/ai-app/{id}</c>): upload local files, submit, wait with progress, download the outputs.
/// </summary>
internal static class WorkflowRunCommand
{
    public static Command Create(ClientConnection connection)
    {
        var workflowId = new Argument<string?>("workflow-id")
        {
            Description = "The workflow to run (its id on the server); or give --app",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var app = new Option<string?>("--app") { Description = "Run this AI app instead of a workflow", HelpName = "WEBAPP_ID" };
        var nodes = new Option<string[]>("--node", "-n")
        {
            Description = "Set a node's input for this run (a nodeInfoList entry), e.g. -n 6:text=\"a red fox\" or -n 3:seed=42",
            HelpName = "nodeId:fieldName=value",
        };
        var files = new Option<string[]>("--file", "-f")
        {
            Description = "A local file for a loader node's input, uploaded first, e.g. -f 10:image=./photo.png",
            HelpName = "nodeId:fieldName=path",
        };
        var run = new TaskRunOptions();

        var runCommand = new Command("run", "Run a workflow or AI app: upload local files, submit, wait with progress, download the outputs")
        {
            workflowId, app, nodes, files,
        };
        run.AddTo(runCommand);
        connection.AddTo(runCommand);
        runCommand.SetAction((parse, cancellationToken) => ClientAction.RunAsync(async () =>
        {
            var (id, isApp) = Target(parse.GetValue(workflowId), parse.GetValue(app));
            var wait = run.Wait(parse);
            var list = NodeInfoArguments.Parse(parse.GetValue(nodes) ?? [], parse.GetValue(files) ?? []);
            using var client = connection.Open(parse);
            return await run.SubmitAndFinishAsync(parse, client, wait,
                () => isApp ? client.SubmitAppAsync(id, list, cancellationToken: cancellationToken) : client.SubmitWorkflowAsync(id, list, cancellationToken: cancellationToken),
                cancellationToken);
        }, cancellationToken));

        return new Command("workflow", "Run ComfyUI workflows and AI apps the server has registered (RunningHub's workflow API)") { runCommand };
    }

    /// <summary>The workflow id or the app id: exactly one of them.</summary>
    private static (string Id, bool IsApp) Target(string? workflowId, string? webappId)
    {
        var workflow = string.IsNullOrWhiteSpace(workflowId) ? null : workflowId.Trim();
        var app = string.IsNullOrWhiteSpace(webappId) ? null : webappId.Trim();
        return (workflow, app) switch
        {
            ({ } w, null) => (w, false),
            (null, { } a) => (a, true),
            (null, null) => throw new UsageException("name the workflow to run (runhub workflow run WORKFLOW_ID) or the app (--app WEBAPP_ID)"),
            _ => throw new UsageException("give a workflow id or --app, not both"),
        };
    }
}
