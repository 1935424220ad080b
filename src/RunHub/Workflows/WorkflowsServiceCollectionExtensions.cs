using RunHub.Catalog;

namespace RunHub.Workflows;

public static class WorkflowsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the workflows and AI apps of the catalog folder (read now: a broken registration stops the server),
    /// what checks and submits their runs, what prepares them for the comfyui engine, and their webhooks' v1 <c>eventData</c>.
    /// </summary>
    /// <exception cref="CatalogFormatException">A workflow or app file is broken; the message names it and the field.</exception>
    public static IServiceCollection AddWorkflows(this IServiceCollection services, RunHubOptions options)
    {
        var catalog = ModelCatalog.DirectoryOf(options);
        // Read once here, not only on first use, so that a broken file stops the start with its message.
        WorkflowCatalog.ReadFolder(catalog);
        services.AddSingleton(s => new WorkflowCatalog(catalog, s.GetRequiredService<TimeProvider>(), s.GetService<ILogger<WorkflowCatalog>>()));
        services.AddSingleton<NodeInfoValidator>();
        services.AddSingleton<WorkflowSubmitter>();
        services.AddSingleton<WorkflowJobs>();
        services.AddSingleton<Webhooks.IWebhookEventData, Api.WorkflowWebhookEventData>();
        return services;
    }
}
