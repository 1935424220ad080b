using System.Net;
using System.Text.RegularExpressions;

namespace RunHub.Tests.WebConsole.Support;

/// <summary>
/// A browser reduced to cookies and forms, for tests of the console's server-side rules that need no page script:
/// it fetches a form, takes its antiforgery token and posts it back, following redirects.
/// </summary>
public sealed partial class FormClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly CookieContainer _cookies = new();

    public FormClient(string baseUrl) =>
        _http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = true }) { BaseAddress = new Uri(baseUrl) };

    /// <summary>The value of this browser's session cookie, or null when it has none.</summary>
    public string? SessionCookie() => _cookies.GetAllCookies().FirstOrDefault(c => c.Name == "runhub_session")?.Value;

    /// <summary>Presses "Sign out" (a plain form with the page's antiforgery token); returns the page the browser ends on.</summary>
    public async Task<string> SignOutAsync()
    {
        var page = await _http.GetStringAsync("/console/dashboard");
        var token = Token().Match(page);
        if (!token.Success) throw new InvalidOperationException("the dashboard has no antiforgery token");
        using var response = await _http.PostAsync("/console/signout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) }));
        return await response.Content.ReadAsStringAsync();
    }

    public Task<string> GetAsync(string path) => _http.GetStringAsync(path);

    /// <summary>The status code and body of a GET, whatever the status.</summary>
    public async Task<string> GetRawAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return $"{(int)response.StatusCode}\n{await response.Content.ReadAsStringAsync()}";
    }

    /// <summary>The whole response of a GET (its headers too), whatever its status; the caller disposes it.</summary>
    public Task<HttpResponseMessage> GetResponseAsync(string path) => _http.GetAsync(path);

    /// <summary>Signs in through the sign-in form; returns the page the browser ends on.</summary>
    public Task<string> SignInAsync(string email, string password) =>
        PostFormAsync("/console/signin", "signin", new() { ["Email"] = email, ["Password"] = password });

    public async Task<string> PostFormAsync(string path, string formName, Dictionary<string, string> fields) =>
        (await PostFormWithStatusAsync(path, formName, fields)).Page;

    /// <summary>Fetches the form at <paramref name="path"/>, posts it with <paramref name="fields"/>; the status and page the browser ends on.</summary>
    public async Task<(HttpStatusCode Status, string Page)> PostFormWithStatusAsync(string path, string formName, Dictionary<string, string> fields)
    {
        var page = await _http.GetStringAsync(path);
        var token = Token().Match(page);
        if (!token.Success) throw new InvalidOperationException($"{path} has no antiforgery token");
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        fields["_handler"] = formName;
        using var response = await _http.PostAsync(path, new FormUrlEncodedContent(fields));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The text of a page's alert (<c>role="alert"</c>: the form's problem), HTML-decoded; null when it has none.</summary>
    public static string? Alert(string page) => AlertText().Match(page) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    /// <summary>Posts a multipart form with <paramref name="files"/> (field name, file name, bytes) as a browser does; returns the status and the page.</summary>
    public async Task<(HttpStatusCode Status, string Page)> PostFilesAsync(string path, string formName, Dictionary<string, string> fields,
        params (string Field, string Name, byte[] Content)[] files)
    {
        var page = await _http.GetStringAsync(path);
        var token = Token().Match(page);
        if (!token.Success) throw new InvalidOperationException($"{path} has no antiforgery token");
        using var content = new MultipartFormDataContent
        {
            { new StringContent(WebUtility.HtmlDecode(token.Groups[1].Value)), "__RequestVerificationToken" },
            { new StringContent(formName), "_handler" },
        };
        foreach (var (name, value) in fields) content.Add(new StringContent(value), name);
        foreach (var (field, name, bytes) in files) content.Add(new ByteArrayContent(bytes), field, name);
        using var response = await _http.PostAsync(path, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("role=\"alert\">([^<]*)<")]
    private static partial Regex AlertText();
}
