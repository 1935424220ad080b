using Microsoft.AspNetCore.Http.Features;
using RunHub.Wire;

namespace RunHub.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// The HTTP layer's settings: the largest body Kestrel reads (the upload limit, <c>RunHub:Media:MaxUploadMb</c>,
    /// plus room for the multipart framing), the wire's JSON shape, and the endpoints' own services.
    /// </summary>
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder, RunHubOptions options)
    {
        var maxBody = (options.Media.MaxUploadMb + 1L) * 1024 * 1024;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxBody);
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = maxBody);
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.PropertyNamingPolicy = WireJson.Options.PropertyNamingPolicy);
        builder.Services.AddSingleton<ModelsEndpoint>();
        builder.Services.AddSingleton<TaskSubmitter>();
        return builder;
    }
}
