using System.Reflection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Microsoft.AspNetCore.Routing;
using RunHub.ApiDocs;

namespace RunHub.Observability;

/// <summary>
/// Metrics, traces and the log format (docs/observability.md): OpenTelemetry with RunHub's meter and activity source
/// plus ASP.NET Core's and HttpClient's, Prometheus's text format at <c>/metrics</c>, OTLP export when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and JSON console logs with scopes when <c>RunHub:LogFormat</c> is <c>json</c>.
/// </summary>
public static class ObservabilityServiceCollectionExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>The standard OpenTelemetry variable that turns OTLP export on (with the other <c>OTEL_*</c> settings).</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder, RunHubOptions options)
    {
        if (string.Equals(options.LogFormat?.Trim(), "json", StringComparison.OrdinalIgnoreCase))
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });

        builder.Logging.AddFilter(Cli.StartupProblems.HostCategory, Cli.StartupProblems.HostMayLog);
        builder.Services.AddSingleton<QueueGauges>();
        builder.Services.AddSingleton<BackendGauges>();
        var version = typeof(RunHubTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0];
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("runhub", serviceVersion: version, serviceInstanceId: Environment.MachineName + "-" + Environment.ProcessId))
            .WithMetrics(metrics => metrics
                .AddMeter(RunHubTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        // Spans are recorded only when they are exported: with nowhere to send them, a span per request (its tags, its
        // sampling) was a fifth of what the server allocated for a query. A listener of the process's own (a test's,
        // dotnet-trace) still gets every span, with or without this.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(RunHubTelemetry.Name)
                    .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = context => !IsQuiet(context.Request.Path))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        return builder;
    }

    /// <summary>
    /// <c>GET /metrics</c> in Prometheus's text format, on every node (workers too). Also starts the gauges that
    /// read the queue and the backends when metrics are collected.
    /// </summary>
    public static WebApplication MapObservability(this WebApplication app)
    {
        app.Services.GetRequiredService<QueueGauges>();
        app.Services.GetRequiredService<BackendGauges>();
        app.MapPrometheusScrapingEndpoint(MetricsPath).WithMetadata(new HttpMethodMetadata(["GET"])).PlainOperation(ApiFamily.Operations, "metrics", "Metrics for Prometheus",
            "This node's metrics in Prometheus's text format (OpenTelemetry names: `runhub.tasks.submitted` is " +
            "`runhub_tasks_submitted_total`): tasks, queue, backends, money, HTTP. No key: keep it off the public " +
            "internet (docs/deployment.md). docs/observability.md lists every metric.", "text/plain");
        return app;
    }

    /// <summary>Scrapes and health checks come every few seconds; a span for each would drown the real ones.</summary>
    private static bool IsQuiet(PathString path) => path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/healthz");
}
