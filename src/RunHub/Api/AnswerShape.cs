using RunHub.Wire;

namespace RunHub.Api;

/// <summary>
/// The answer shapes of RunningHub's API families, by path: every answer under a family's paths is JSON in its shape,
/// also for paths and methods no route takes (see <see cref="FamilyAnswers"/>).
/// </summary>
public enum AnswerShape
{
    /// <summary>Not an API path (files, health, the console).</summary>
    None,

    /// <summary><c>/openapi/...</c>: the flat task object (<see cref="TaskObject"/>), errors in <c>errorCode</c>/<c>errorMessage</c>.</summary>
    TaskObject,

    /// <summary>
    /// <c>{code, msg, data}</c> (<see cref="Envelope{T}"/>): the workflow API (<c>/task/openapi/</c>, <c>/api/openapi/</c>,
    /// <c>/api/webapp/</c>, <c>/uc/openapi/</c>), the v2 account calls (<c>/openapi/v2/api-key/</c>, <c>/openapi/v2/queue/</c>)
    /// and RunHub's task list (<c>/openapi/v2/tasks</c>).
    /// </summary>
    Envelope,

    /// <summary><c>/openapi/v2/media/...</c>: <c>{code, message, data}</c> (<see cref="UploadEndpoint.Envelope"/>).</summary>
    Upload,
}

/// <summary>Which answer shape a path's family uses, and a refusal in that shape.</summary>
public static class AnswerShapes
{
    private static readonly string[] EnvelopePrefixes =
        ["/openapi/v2/api-key", "/openapi/v2/queue", "/openapi/v2/tasks", "/task/openapi", "/api/openapi", "/api/webapp", "/uc/openapi"];

    public static AnswerShape Of(PathString path)
    {
        if (path.StartsWithSegments("/openapi/v2/media", StringComparison.OrdinalIgnoreCase)) return AnswerShape.Upload;
        foreach (var prefix in EnvelopePrefixes)
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) return AnswerShape.Envelope;
        return path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase) ? AnswerShape.TaskObject : AnswerShape.None;
    }

    /// <summary>The refusal object of <paramref name="family"/> (the task object for <see cref="AnswerShape.None"/>).</summary>
    public static object Error(AnswerShape family, string code, string message) => family switch
    {
        AnswerShape.Envelope => Envelope.Error(code, message),
        AnswerShape.Upload => UploadEndpoint.Error(code, message),
        _ => TaskObject.Error(code, message),
    };

    /// <summary>Answers HTTP 200 with the refusal in the shape of the request path's family.</summary>
    public static Task WriteErrorAsync(HttpContext context, string code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        return context.Response.WriteAsJsonAsync(Error(Of(context.Request.Path), code, message), WireJson.Options);
    }
}
