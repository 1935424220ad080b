using RunHub.Api;
using RunHub.ApiDocs;
using RunHub.Client;

namespace RunHub.Webhooks;

public static class WebhooksServiceCollectionExtensions
{
    /// <summary>
    /// Registers the outbox, the secrets and payloads, and the senders (on every node: a delivery is sent by whichever
    /// node claims it first). Needs the database, the tasks and the file links.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<WebhookDeliveries>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookPayloads>();
        services.AddHostedService<WebhookSender>();
        return services;
    }

    /// <summary>RunningHub's webhook debugging calls, <c>/task/openapi/getWebhookDetail</c> and <c>/task/openapi/retryWebhook</c>.</summary>
    public static WebApplication MapWebhooks(this WebApplication app)
    {
        app.MapPost("/task/openapi/getWebhookDetail", WebhookDebugEndpoints.DetailAsync)
            .WorkflowApi("getWebhookDetail", "Webhook delivery of a task", "The latest webhook delivery of one of the key's tasks: `id` " +
                "(the `webhookId` to retry it with), `webhookUrl`, `eventData` (the JSON string the webhook carries), `callbackStatus` " +
                "(`PENDING`, `SUCCESS`, `FAILED`), `callbackResponse` (the receiver's answer or what went wrong), `retryCount`, " +
                "`createTime`/`updateTime` (UTC). `data` is null for a task submitted without a `webhookUrl`.")
            .JsonBody(new WebhookDebugEndpoints.DetailBody("0123456789abcdef0123456789abcdef", Api.ApiExamples.TaskId))
            .Refuses(RunHubErrorCodes.ApiKeyUnauthorized, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.ParamsInvalid, "no `taskId`")
            .Refuses(RunHubErrorCodes.TaskNotFoundV1, "no such task of the key's account");
        app.MapPost("/task/openapi/retryWebhook", WebhookDebugEndpoints.RetryAsync)
            .WorkflowApi("retryWebhook", "Send a webhook again", "Sends the delivery `webhookId` (from getWebhookDetail) again now, to " +
                "`webhookUrl` when given (it then stays the delivery's URL), with a fresh retry schedule.")
            .JsonBody(new WebhookDebugEndpoints.RetryBody("0123456789abcdef0123456789abcdef", "2013508786110730242", "https://example.com/hooks/runhub"))
            .Refuses(RunHubErrorCodes.ApiKeyUnauthorized, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.ParamsInvalid, "no `webhookId`, no such delivery of the key's account, or a `webhookUrl` that is not an http(s) URL RunHub may call");
        return app;
    }
}
