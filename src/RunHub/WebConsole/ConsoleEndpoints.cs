using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using RunHub.Accounts;
using RunHub.ApiDocs;
using RunHub.Files;
using RunHub.Tasks;
using RunHub.WebConsole.Security;
using RunHub.Wire;

namespace RunHub.WebConsole;

/// <summary>
/// The console's routes that are not pages: its stylesheet and script, sign-out, a task's live status and result
/// files (only to the task's own account), and the CSV of a code batch (operators only).
/// </summary>
public static class ConsoleEndpoints
{
    public static void Map(WebApplication app)
    {
        const string why = "part of the web console (docs/console.md), for its pages, not an API";
        app.MapGet("/console", (HttpContext context) =>
            Results.Redirect(context.User.Identity?.IsAuthenticated == true ? ConsolePaths.Dashboard : ConsolePaths.SignIn)).NotAnOperation(why);
        app.MapGet("/console/assets/{name}", Asset).NotAnOperation(why);
        app.MapPost("/console/signout", SignOutAsync).DisableAntiforgery().NotAnOperation(why);
        var signedIn = app.MapGroup("/console").RequireAuthorization(p => p.AddAuthenticationSchemes(ConsoleClaims.Scheme).RequireClaim(ConsoleClaims.AccountId));
        signedIn.MapGet("/tasks/{taskId}/status", async (string taskId, HttpContext context, TaskListing tasks) =>
            Status(await tasks.FindAsync(ConsoleClaims.AccountIdOf(context.User)!, taskId))).NotAnOperation(why);
        signedIn.MapGet("/tasks/{taskId}/files/{index:int}", async (string taskId, int index, bool? download, HttpContext context, TaskListing tasks, IFileStore files) =>
            await FileAsync(await tasks.FindAsync(ConsoleClaims.AccountIdOf(context.User)!, taskId), index, download, context, files)).NotAnOperation(why);
        var operators = app.MapGroup("/console/admin").RequireAuthorization(ConsoleClaims.OperatorPolicy);
        operators.MapGet("/codes/{batchId}/csv", CodesCsvAsync).NotAnOperation(why);
        // An operator's read-only view of any account's task (AdminTask.razor) reads its status and files here.
        operators.MapGet("/tasks/{taskId}/status", async (string taskId, TaskListing tasks) => Status(await tasks.FindAsync(null, taskId))).NotAnOperation(why);
        operators.MapGet("/tasks/{taskId}/files/{index:int}", async (string taskId, int index, bool? download, HttpContext context, TaskListing tasks, IFileStore files) =>
            await FileAsync(await tasks.FindAsync(null, taskId), index, download, context, files)).NotAnOperation(why);
    }

    private static IResult Asset(string name)
    {
        var contentType = Path.GetExtension(name) switch
        {
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            _ => null,
        };
        var stream = contentType is null ? null : typeof(ConsoleEndpoints).Assembly.GetManifestResourceStream("WebConsole.Assets." + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }

    /// <summary>
    /// Signs out this browser and ends its session on the server, so a copy of its cookie no longer works
    /// (<see cref="ConsoleSessions"/>). The form carries an antiforgery token, checked here, so no other site can sign a
    /// user out.
    /// </summary>
    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery, ConsoleSessions sessions)
    {
        if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest();
        // The session the console's authentication (run for every /console request) read from the cookie, if still valid.
        if (ConsoleClaims.SessionIdOf(context.User) is { } sessionId) await sessions.EndAsync(sessionId);
        await context.SignOutAsync(ConsoleClaims.Scheme);
        return Results.Redirect(ConsolePaths.SignIn);
    }

    /// <summary>A task's live status for console.js; 404 when the viewer may not see the task (it was not found for them).</summary>
    private static IResult Status(TaskRecord? task) =>
        task is null ? Results.NotFound() : Results.Json(new { status = task.Status, progress = TaskText.Progress(task) });

    /// <summary>
    /// A result file of a task the viewer may see, streamed from the file store (another account's task is 404), with the
    /// headers of <see cref="Api.ServedFileHeaders"/>.
    /// </summary>
    private static async Task<IResult> FileAsync(TaskRecord? task, int index, bool? download, HttpContext context, IFileStore files)
    {
        var taskId = task?.Id;
        var result = task is null ? null : TaskText.Results(task).ElementAtOrDefault(index);
        if (result?.Key is not { } key) return Results.NotFound();
        var stored = await files.OpenReadAsync(key, context.RequestAborted);
        if (stored is null) return Results.NotFound();
        context.Response.Headers.CacheControl = "private, max-age=3600";
        // As /files/ serves it: an engine's output that is a page or a script is downloaded, never run in the console's
        // origin with the viewer's session (helper-63), and even a medium is shown in a sandbox that runs nothing.
        Api.ServedFileHeaders.Apply(context.Response, key);
        return Results.Stream(stored.Content, FileContentTypes.Of(key),
            download == true ? $"{taskId}-{index}{Path.GetExtension(key)}" : null, enableRangeProcessing: true);
    }

    private static async Task<IResult> CodesCsvAsync(string batchId, TopUpCodes codes)
    {
        var rows = await codes.ListCodesAsync(batchId);
        if (rows.Count == 0) return Results.NotFound();
        var csv = new StringBuilder("code_hint,amount_cny,expires_at_utc,created_at_utc,redeemed_at_utc,redeemed_by_account\n");
        foreach (var r in rows)
            csv.Append(CultureInfo.InvariantCulture, $"{r.Hint},{new Money(r.Amount)},{Iso(r.ExpiresAt)},{Iso(r.CreatedAt)},{Iso(r.RedeemedAt)},{r.RedeemedBy}\n");
        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"topup-codes-{batchId}.csv");
    }

    private static string Iso(long? unixMs) =>
        unixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "";
}
