using System.Net;
using System.Text.RegularExpressions;
using RunHub.Tests.Support;
using RunHub.Tests.WebConsole.Support;

namespace RunHub.Tests.WebConsole;

/// <summary>
/// The console behind the TLS-terminating proxy docs/deployment.md recommends (<c>RunHub:Api:TrustedProxies</c>): the
/// session cookie is Secure and sign-in stays on https when that proxy says the client used https, and the sign-in
/// throttle counts each client's address as the proxy forwarded it, not the proxy's (helper-63).
/// </summary>
public sealed partial class ConsoleBehindProxyTests
{
    private static Dictionary<string, string?> BehindLoopbackProxy => new() { ["Api:TrustedProxies:0"] = "127.0.0.1" };

    [Fact]
    public async Task Signed_in_through_a_trusted_https_proxy_the_session_cookie_is_secure_and_the_redirect_stays_on_https()
    {
        await using var server = await TestServer.StartAsync(BehindLoopbackProxy);
        await server.CreateUserAsync("mia@example.com");

        var (location, session) = await SignInAsync(server.BaseUrl, "mia@example.com", ConsoleSite.Password, ("X-Forwarded-Proto", "https"));

        // Before: "Location: http://…" and a session cookie without Secure, which the browser then sent over http.
        Assert.StartsWith("https://", location);
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        var (plainLocation, plainSession) = await SignInAsync(server.BaseUrl, "mia@example.com", ConsoleSite.Password);
        Assert.StartsWith("http://", plainLocation);
        Assert.DoesNotContain("secure", plainSession, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_proxy_that_is_not_trusted_cannot_say_https()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateUserAsync("noa@example.com");

        var (location, session) = await SignInAsync(server.BaseUrl, "noa@example.com", ConsoleSite.Password, ("X-Forwarded-Proto", "https"));

        Assert.StartsWith("http://", location);
        Assert.DoesNotContain("secure", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_one_clients_wrong_passwords_do_not_throttle_another_client()
    {
        await using var server = await TestServer.StartAsync(BehindLoopbackProxy);
        await server.CreateUserAsync("ola@example.com");

        // More failed attempts than a minute allows (for an address nobody has, so no user is locked), all from one
        // client: the proxy adds the address it saw last, whatever the client put before it.
        for (var i = 0; i < 21; i++)
            await SignInAsync(server.BaseUrl, "nobody@example.com", "not the password", ("X-Forwarded-For", $"198.51.100.{i + 1}, 203.0.113.9"), expectSignedIn: false);
        var throttled = await SignInPageAsync(server.BaseUrl, "nobody@example.com", "not the password", ("X-Forwarded-For", "10.1.1.1, 203.0.113.9"));
        Assert.Contains("Too many attempts", throttled);

        // Before, every client shared the proxy's address, and this one was turned away too.
        var (location, _) = await SignInAsync(server.BaseUrl, "ola@example.com", ConsoleSite.Password, ("X-Forwarded-For", "192.0.2.44"));
        Assert.EndsWith("/console/dashboard", location);
    }

    [Fact]
    public async Task Clients_in_one_ipv6_64_network_share_one_budget_of_attempts_and_another_network_has_its_own()
    {
        await using var server = await TestServer.StartAsync(BehindLoopbackProxy);
        await server.CreateUserAsync("ola@example.com");

        // A host with a /64 may use a new address for every attempt: they count as one client.
        for (var i = 0; i < 21; i++)
            await SignInAsync(server.BaseUrl, "nobody@example.com", "not the password", ("X-Forwarded-For", $"[2001:db8:1:2::{i + 1:x}]:4711"), expectSignedIn: false);
        var throttled = await SignInPageAsync(server.BaseUrl, "nobody@example.com", "not the password", ("X-Forwarded-For", "[2001:db8:1:2:ffff:ffff:ffff:fffe]"));
        Assert.Contains("Too many attempts", throttled);

        var (location, _) = await SignInAsync(server.BaseUrl, "ola@example.com", ConsoleSite.Password, ("X-Forwarded-For", "[2001:db8:1:3::1]"));
        Assert.EndsWith("/console/dashboard", location);
    }

    /// <summary>Posts the sign-in form as a browser would, carrying its cookies by hand (a Secure cookie must still reach this
    /// http test server); returns where the answer redirects and the session cookie's Set-Cookie line ("" for none).</summary>
    private static async Task<(string Location, string Session)> SignInAsync(string baseUrl, string email, string password,
        (string Name, string Value)? header = null, bool expectSignedIn = true)
    {
        var response = await PostSignInAsync(baseUrl, email, password, header);
        using (response)
        {
            var session = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.FirstOrDefault(c => c.StartsWith("runhub_session=", StringComparison.Ordinal)) ?? "" : "";
            if (expectSignedIn) Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)response.StatusCode}");
            return (response.Headers.Location?.ToString() ?? "", session);
        }
    }

    private static async Task<string> SignInPageAsync(string baseUrl, string email, string password, (string Name, string Value)? header)
    {
        using var response = await PostSignInAsync(baseUrl, email, password, header);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpResponseMessage> PostSignInAsync(string baseUrl, string email, string password, (string Name, string Value)? header)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
        if (header is { } h) http.DefaultRequestHeaders.Add(h.Name, h.Value);
        using var page = await http.GetAsync("/console/signin");
        var cookies = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = WebUtility.HtmlDecode(Token().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
        using var form = new HttpRequestMessage(HttpMethod.Post, "/console/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = token, ["_handler"] = "signin",
            }),
        };
        form.Headers.Add("Cookie", cookies);
        return await http.SendAsync(form);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
