using RunHub.Catalog;
using RunHub.Workflows;

namespace RunHub.Cli;

/// <summary>
/// The names <c>runhub keys limits --models</c> takes, checked against what the server with the same settings serves:
/// a model endpoint or one of its aliases (stored as the model's endpoint, which is what a submit is compared with), a
/// registered workflow as <c>workflow:&lt;workflowId&gt;</c>, a registered AI app as <c>ai-app:&lt;webappId&gt;</c>.
/// A name that is none of these would lock the key out of something that does not exist, so it is refused.
/// </summary>
public static class AllowListNames
{
    /// <summary>The names as stored, in the order given without repeats, or the error naming each unknown one.</summary>
    /// <param name="workflowIds">The registered workflows' ids.</param>
    /// <param name="webappIds">The registered AI apps' ids.</param>
    public static (IReadOnlyList<string>? Names, string? Error) Check(IEnumerable<string> given, ModelCatalog models,
        IEnumerable<string> workflowIds, IEnumerable<string> webappIds)
    {
        var workflows = workflowIds.ToHashSet(StringComparer.Ordinal);
        var apps = webappIds.ToHashSet(StringComparer.Ordinal);
        var names = new List<string>();
        var unknown = new List<string>();
        foreach (var name in given)
        {
            var stored = name.StartsWith(WorkflowTasks.WorkflowPrefix, StringComparison.Ordinal)
                ? workflows.Contains(name[WorkflowTasks.WorkflowPrefix.Length..]) ? name : null
                : name.StartsWith(WorkflowTasks.AppPrefix, StringComparison.Ordinal)
                    ? apps.Contains(name[WorkflowTasks.AppPrefix.Length..]) ? name : null
                    : models.Find(name)?.Endpoint;
            if (stored is null) unknown.Add(name);
            else if (!names.Contains(stored, StringComparer.Ordinal)) names.Add(stored);
        }
        return unknown.Count == 0
            ? (names, null)
            : (null, $"--models: not served here: {string.Join(", ", unknown)}; name model endpoints (runhub models), " +
                "workflow:<workflowId> (runhub workflows list) or ai-app:<webappId> (runhub apps list)");
    }
}
