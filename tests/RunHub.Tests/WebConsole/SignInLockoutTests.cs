using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using RunHub.Tests.Data;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;
using RunHub.Tests.WebConsole.Support;
using RunHub.WebConsole.Users;

namespace RunHub.Tests.WebConsole;

/// <summary>
/// The sign-in form does not tell which emails are registered: its answers and its lockout are the same for an unknown
/// email as for a registered one whose password the caller does not know, on every node; the lockout still protects
/// the real user.
/// </summary>
public sealed partial class SignInLockoutTests
{
    private const string Locked = "Too many failed sign-ins: this account is locked for a while. Try again later.";
    private const string Wrong = "Wrong email or password.";

    [Theory, SqliteStore, PostgresStore]
    public async Task Wrong_passwords_get_the_same_answers_for_a_registered_and_an_unregistered_email_on_every_node_and_still_lock_the_user(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var clock = new MovableTime();
        var settings = new Dictionary<string, string?>(store.ServerSettings) { ["Role"] = "api", ["WebConsole:SignInAttemptsPerMinute"] = "100" };
        await using var first = await TestServer.StartAsync(settings, store.DataDir, s => s.AddSingleton<TimeProvider>(clock));
        await using var second = await TestServer.StartAsync(settings, store.DataDir, s => s.AddSingleton<TimeProvider>(clock));
        await first.CreateUserAsync("grace@example.com");
        using var onFirst = new FormClient(first.BaseUrl);
        using var onSecond = new FormClient(second.BaseUrl);

        // Seven wrong passwords for each, alternating between the nodes; before, the registered email's sixth answer
        // was the lockout while the unknown one's stayed "Wrong email or password."
        var answers = new List<(string Registered, string Unknown)>();
        for (var i = 0; i < 7; i++)
        {
            var node = i % 2 == 0 ? onFirst : onSecond;
            var registered = await AnswerAsync(node, "grace@example.com", "not the password");
            var unknown = await AnswerAsync(node, "nobody@example.com", "not the password");
            Assert.Equal(registered, unknown);
            answers.Add((registered, unknown));
        }
        Assert.Equal([Wrong, Wrong, Wrong, Wrong, Wrong, Locked, Locked], answers.Select(a => Alert(a.Registered)));

        // Locked: the right password is refused too, in the same words as any password for the unknown email.
        Assert.Equal(await AnswerAsync(onSecond, "nobody@example.com", ConsoleSite.Password), await AnswerAsync(onSecond, "grace@example.com", ConsoleSite.Password));
        Assert.Equal(Locked, FormClient.Alert(await onFirst.SignInAsync("grace@example.com", ConsoleSite.Password)));

        // The unknown email was counted without being kept in clear.
        await using (var db = await first.Services.GetRequiredService<RunHub.Data.Database>().OpenAsync())
        {
            var kept = (await db.QueryAsync<string>("SELECT email_hash FROM sign_in_failures")).ToList();
            Assert.Contains(Convert.ToHexStringLower(SHA256.HashData("nobody@example.com"u8)), kept);
            Assert.DoesNotContain(kept, k => k.Contains("nobody", StringComparison.Ordinal));
        }

        // After the lock's 15 minutes the right password signs in, and the count starts again.
        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        Assert.Contains("Dashboard", await onSecond.SignInAsync("grace@example.com", ConsoleSite.Password));
        using var again = new FormClient(first.BaseUrl);
        for (var i = 0; i < 4; i++) Assert.Equal(Wrong, FormClient.Alert(await again.SignInAsync("grace@example.com", "not the password")));
        Assert.Contains("Dashboard", await again.SignInAsync("grace@example.com", ConsoleSite.Password));
        Assert.Equal(Wrong, FormClient.Alert(await onFirst.SignInAsync("nobody@example.com", "not the password")));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_user_locked_by_wrong_second_factor_codes_is_told_so_only_after_the_right_password(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var clock = new MovableTime();
        var settings = new Dictionary<string, string?>(store.ServerSettings) { ["WebConsole:SignInAttemptsPerMinute"] = "100" };
        await using var server = await TestServer.StartAsync(settings, store.DataDir, s => s.AddSingleton<TimeProvider>(clock));
        var user = await server.CreateUserAsync("kate@example.com");
        var secret = TwoFactor.NewSecret();
        var code = new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(clock.GetUtcNow().UtcDateTime);
        Assert.NotNull(await server.Services.GetRequiredService<TwoFactor>().EnableAsync(user.Id, secret, code));

        using var owner = new FormClient(server.BaseUrl);
        Assert.Contains("Two-factor sign-in", await owner.SignInAsync("kate@example.com", ConsoleSite.Password));
        for (var i = 0; i < 5; i++)
            Assert.Contains("That code is not right", await owner.PostFormAsync("/console/signin/two-factor", "second-factor", new() { ["Code"] = "not-a-code" }));

        // Someone without the password sees what an unknown email gets; before, this user's lock showed through.
        using var stranger = new FormClient(server.BaseUrl);
        Assert.Equal(await AnswerAsync(stranger, "nobody@example.com", "a guess at it"), await AnswerAsync(stranger, "kate@example.com", "a guess at it"));
        Assert.Equal(Wrong, FormClient.Alert(await stranger.SignInAsync("kate@example.com", "another guess")));
        // The owner, with the password, is told of the lock, until it ends.
        Assert.Equal(Locked, FormClient.Alert(await owner.SignInAsync("kate@example.com", ConsoleSite.Password)));
        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        Assert.Contains("Two-factor sign-in", await owner.SignInAsync("kate@example.com", ConsoleSite.Password));
    }

    /// <summary>The sign-in's whole answer, status and page, with what differs between any two posts (the echoed email, the antiforgery token) blanked.</summary>
    private static async Task<string> AnswerAsync(FormClient browser, string email, string password)
    {
        var (status, page) = await browser.PostFormWithStatusAsync("/console/signin", "signin", new() { ["Email"] = email, ["Password"] = password });
        return $"{(int)status}\n" + Token().Replace(page.Replace(WebUtility.HtmlEncode(email), "EMAIL", StringComparison.Ordinal), "TOKEN");
    }

    private static string? Alert(string answer) => FormClient.Alert(answer);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"[^\"]+\"")]
    private static partial Regex Token();
}
