using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Accounts;
using RunHub.Tests.Support;
using RunHub.Tests.WebConsole.Support;
using RunHub.WebConsole.Admin;
using RunHub.WebConsole.Users;

namespace RunHub.Tests.WebConsole;

/// <summary>The console's protections, checked over plain HTTP (no browser needed): headers, throttling, lockout, forms, accounts.</summary>
public sealed partial class ConsoleSecurityTests
{
    [Fact]
    public async Task Every_console_page_carries_the_security_headers_and_signed_out_visitors_are_sent_to_sign_in()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(server.BaseUrl) };
        foreach (var path in new[] { "/console/signin", "/console/signup", "/console/models", "/console/dashboard", "/console/admin/accounts", "/console/assets/console.js" })
        {
            using var response = await http.GetAsync(path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
        using var dashboard = await http.GetAsync("/console/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.StartsWith("/console/signin", dashboard.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateUserAsync("frank@example.com");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(server.BaseUrl) };
        using var response = await http.PostAsync("/console/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["Email"] = "frank@example.com", ["Password"] = ConsoleSite.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("runhub_session", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_user_out_and_one_address_is_throttled()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["WebConsole:MaxFailedSignIns"] = "3", ["WebConsole:SignInAttemptsPerMinute"] = "6",
        });
        await server.CreateUserAsync("grace@example.com");
        using var browser = new FormClient(server.BaseUrl);
        for (var i = 0; i < 3; i++) Assert.Contains("Wrong email or password", await browser.SignInAsync("grace@example.com", "not the password"));
        // Locked now: even the right password is refused, without saying whether it was right.
        Assert.Contains("locked", await browser.SignInAsync("grace@example.com", ConsoleSite.Password));
        Assert.Contains("Wrong email or password", await browser.SignInAsync("nobody@example.com", "whatever it is"));
        Assert.Contains("Wrong email or password", await browser.SignInAsync("nobody@example.com", "whatever it is"));
        Assert.Contains("Too many attempts", await browser.SignInAsync("nobody@example.com", "whatever it is"));
    }

    [Fact]
    public async Task A_result_file_the_console_serves_is_downloaded_and_sandboxed_never_run_as_a_console_page()
    {
        await using var server = await TestServer.StartAsync();
        var user = await server.CreateUserAsync("ivy@example.com");
        await server.Services.GetRequiredService<AccountDirectory>().TopUpAsync(user.AccountId, Money.FromDecimal(1m));
        var caller = new ApiCaller(server.Http, user.AccountId, (await server.Services.GetRequiredService<AccountKeys>().CreateAsync(user.AccountId, null)).Key!);
        var taskId = (string)(await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "a page of its own", aspectRatio = "1:1" }))["taskId"]!;
        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(taskId))["status"]!);
        // An engine's output under a name it chose: a page with a script, where the picture was.
        using (var db = server.Services.GetRequiredService<RunHub.Data.Database>().Open())
        {
            var results = await db.ExecuteScalarAsync<string>("SELECT results FROM tasks WHERE id = @taskId", new { taskId });
            var picture = System.Text.RegularExpressions.Regex.Match(results!, @"results/[^""]+\.png").Value;
            var page = picture[..^".png".Length] + ".html";
            await server.Services.GetRequiredService<RunHub.Files.IFileStore>().PutAsync(page, "<script src=\"1\"></script>"u8.ToArray(), default);
            await db.ExecuteAsync("UPDATE tasks SET results = replace(results, @picture, @page) WHERE id = @taskId", new { picture, page, taskId });
        }
        using var browser = new FormClient(server.BaseUrl);
        Assert.Contains("Dashboard", await browser.SignInAsync("ivy@example.com", ConsoleSite.Password));

        using var served = await browser.GetResponseAsync($"/console/tasks/{taskId}/files/0");

        // Before, it came inline as text/html under the console's own policy (script-src 'self'): a script of the console.
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("attachment", served.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(RunHub.Api.ServedFileHeaders.ContentSecurityPolicy, Assert.Single(served.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(served.Headers.GetValues("X-Content-Type-Options")));
        // The console's pages keep their own policy.
        using var dashboard = await browser.GetResponseAsync("/console/dashboard");
        Assert.Equal(RunHub.WebConsole.Security.SecurityHeaders.ContentSecurityPolicy, Assert.Single(dashboard.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task Sign_out_ends_the_session_on_the_server_so_a_copy_of_its_cookie_no_longer_works()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateUserAsync("nell@example.com");
        using var browser = new FormClient(server.BaseUrl);
        using var other = new FormClient(server.BaseUrl);
        Assert.Contains("Dashboard", await browser.SignInAsync("nell@example.com", ConsoleSite.Password));
        Assert.Contains("Dashboard", await other.SignInAsync("nell@example.com", ConsoleSite.Password));
        var copied = browser.SessionCookie();
        using var thief = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(server.BaseUrl) };
        async Task<HttpStatusCode> KeysWithCopyAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/console/keys");
            request.Headers.Add("Cookie", "runhub_session=" + copied);
            using var response = await thief.SendAsync(request);
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await KeysWithCopyAsync());

        Assert.Contains("Sign in", await browser.SignOutAsync());

        // Before, the copy still opened the keys page after "Sign out".
        Assert.Equal(HttpStatusCode.Redirect, await KeysWithCopyAsync());
        // Another browser's session of the same user goes on ("sign out everywhere" ends those).
        Assert.Contains("<h1>API keys</h1>", await other.GetAsync("/console/keys"));
    }

    [Fact]
    public async Task A_disabled_account_loses_its_keys_and_sessions_and_the_operator_action_is_recorded()
    {
        await using var server = await TestServer.StartAsync();
        var ops = await server.CreateUserAsync("ops@example.com", isOperator: true);
        var user = await server.CreateUserAsync("henry@example.com");
        var key = (await server.Services.GetRequiredService<AccountKeys>().CreateAsync(user.AccountId, null)).Key!;
        using var browser = new FormClient(server.BaseUrl);
        Assert.Contains("Dashboard", await browser.SignInAsync("henry@example.com", ConsoleSite.Password));
        var caller = new ApiCaller(server.Http, user.AccountId, key);
        Assert.Equal(0m, await caller.BalanceAsync());

        var admin = server.Services.GetRequiredService<AccountAdministration>();
        Assert.NotNull(await admin.SetDisabledAsync(new Operator(ops.Id, ops.Email), user.AccountId, true, "  "));
        Assert.Null(await admin.SetDisabledAsync(new Operator(ops.Id, ops.Email), user.AccountId, true, "chargeback"));

        var status = await caller.PostAsync("/uc/openapi/accountStatus", "{}");
        Assert.Equal(1002, (int)status["code"]!);
        Assert.Contains("Sign in", await browser.GetAsync("/console/dashboard"));
        Assert.Contains("disabled", await browser.SignInAsync("henry@example.com", ConsoleSite.Password));
        var actions = await server.Services.GetRequiredService<OperatorLog>().RecentAsync(user.AccountId);
        Assert.Equal(("ops@example.com", "disable", "chargeback"), (actions[0].Email, actions[0].Action, actions[0].Note));
    }

    [Fact]
    public async Task Top_up_codes_are_stored_hashed_and_work_once_through_the_ledger()
    {
        await using var server = await TestServer.StartAsync();
        var ops = await server.CreateUserAsync("ops@example.com", isOperator: true);
        var user = await server.CreateUserAsync("ivy@example.com");
        var admin = server.Services.GetRequiredService<AccountAdministration>();
        var (batch, codes, problem) = await admin.CreateCodesAsync(new Operator(ops.Id, ops.Email), Money.FromDecimal(2.5m), 2, null, "promo");
        Assert.Null(problem);
        var database = server.Services.GetRequiredService<RunHub.Data.Database>();
        await using (var db = await database.OpenAsync())
        {
            var stored = string.Join(" ", await Dapper.SqlMapper.QueryAsync<string>(db, "SELECT code_hash || ' ' || code_hint FROM topup_codes"));
            Assert.All(codes, c => Assert.DoesNotContain(c[3..], stored.ToUpperInvariant()));
        }
        var topUps = server.Services.GetRequiredService<TopUpCodes>();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => topUps.RedeemAsync(user.AccountId, codes[0])));
        Assert.Single(results, r => r.Amount is not null);
        Assert.Equal(Money.FromDecimal(2.5m), (await server.Accounts.FindAsync(user.AccountId))!.Balance);
        Assert.Equal(1, (await topUps.ListBatchesAsync()).Single(b => b.BatchId == batch).Redeemed);
    }

    [Fact]
    public async Task The_playground_takes_files_larger_than_a_json_body_and_refuses_one_larger_than_its_field_takes_by_name()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Api:MaxJsonBodyKb"] = "256",
            ["Media:MaxUploadMb"] = "1",
        });
        await server.CreateUserAsync("alice@example.com");
        using var browser = new FormClient(server.BaseUrl);
        await browser.SignInAsync("alice@example.com", ConsoleSite.Password);

        // 1.5 MB: six times what any other console form may send, so Kestrel reads it only because the playground raised
        // the limit for a signed-in user; then the field's own limit refuses it, by name, before anything is stored.
        var (status, page) = await browser.PostFilesAsync("/console/playground?model=rhart-image-g-1.5/edit", "run",
            new() { ["p.prompt"] = "a cat" }, ("f.imageUrls", "big.png", new byte[1536 * 1024]));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("imageUrls: big.png is larger than the 1 MB this field takes", WebUtility.HtmlDecode(page));
        var uploads = Path.Combine(server.DataDir, "files", "openapi");
        Assert.False(Directory.Exists(uploads) && Directory.EnumerateFiles(uploads).Any(), "the refused file was stored");
    }

    [Fact]
    public async Task The_playground_stores_only_media_files_under_random_names_and_keeps_inline_inputs_out_of_the_task()
    {
        await using var server = await TestServer.StartAsync();
        var user = await server.CreateUserAsync("alice@example.com");
        await server.Accounts.TopUpAsync(user.AccountId, Money.FromDecimal(1m));
        using var browser = new FormClient(server.BaseUrl);
        await browser.SignInAsync("alice@example.com", ConsoleSite.Password);
        const string playground = "/console/playground?model=rhart-image-g-1.5/edit";
        var uploads = Path.Combine(server.DataDir, "files", "openapi");

        // A page with a script is not an image, whatever its name says: refused by name, nothing stored or charged.
        var (_, refused) = await browser.PostFilesAsync(playground, "run", new() { ["p.prompt"] = "a cat", ["p.aspectRatio"] = "1:1", ["run-id"] = "first" },
            ("f.imageUrls", "cat.png", "<html><script>alert(1)</script></html>"u8.ToArray()));
        Assert.Contains("imageUrls: cat.png: not an image, audio, video or zip file", WebUtility.HtmlDecode(refused));
        Assert.False(Directory.Exists(uploads) && Directory.EnumerateFiles(uploads).Any(), "the refused file was stored");
        Assert.Equal(Money.FromDecimal(1m), (await server.Accounts.FindAsync(user.AccountId))!.Balance);

        // A real image is stored under a fresh random name; a data: URL typed as a URL is kept with the task (task_inputs), so
        // the task's parameters hold two links to RunHub's files and no image data.
        var png = TestImages.Png(16, 16);
        var (status, ran) = await browser.PostFilesAsync(playground, "run",
            new() { ["p.prompt"] = "a cat", ["p.aspectRatio"] = "1:1", ["run-id"] = "second", ["u.imageUrls"] = TestImages.DataUri(png) },
            ("f.imageUrls", "cat.png", png));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches("^[0-9a-f]{32}\\.png$", Path.GetFileName(Assert.Single(Directory.GetFiles(uploads))));
        using (var db = server.Services.GetRequiredService<RunHub.Data.Database>().Open())
            Assert.Equal(png, db.ExecuteScalar<byte[]>("SELECT content FROM task_inputs"));
        var page = WebUtility.HtmlDecode(ran);
        Assert.Contains("/files/openapi/", page);
        Assert.Contains("/files/inputs/", page);
        Assert.DoesNotContain("base64", page);
    }

    [Fact]
    public async Task Serve_on_an_empty_database_says_how_to_make_the_first_operator_and_runhub_admin_create_makes_one()
    {
        using var data = new TempDirectory();
        string printed;
        await using (var serve = await ServerProcess.StartAsync(data.Path))
        {
            await serve.WaitForOutputAsync("# it asks for a password", TimeSpan.FromSeconds(60));
            printed = serve.Output.Split('\n').Single(line => line.Contains(" admin create ", StringComparison.Ordinal));
        }

        // Pasted into a shell as printed, note and all, the line runs this program (here the dotnet host with its
        // assembly: no `runhub` on the PATH) on this server's folder, not ./data.
        var command = printed[..printed.IndexOf("   #", StringComparison.Ordinal)].Trim();
        Assert.Equal($"dotnet {ServerProcess.RunHubDll} admin create --email you@example.com --data {Path.GetFullPath(data.Path)}", command);
        var (exit, stdout, stderr) = await RunInShellAsync(printed.Trim().Replace("you@example.com", "Root@Example.com", StringComparison.Ordinal), "a long operator password\n");
        Assert.True(exit == 0, stderr);
        Assert.Contains("root@example.com", stdout);
        var (again, _, duplicate) = await RunWithInputAsync(["admin", "create", "--email", "root@example.com", "--data", data.Path], "another long password\n");
        Assert.Equal(1, again);
        Assert.Contains("exists already", duplicate);
        var (weak, _, weakError) = await RunWithInputAsync(["admin", "create", "--email", "two@example.com", "--data", data.Path], "short\n");
        Assert.Equal(1, weak);
        Assert.Contains("at least 10", weakError);

        // Like accounts and keys, it never creates a database of its own in a mistyped folder.
        using var elsewhere = new TempDirectory();
        var (stray, _, strayError) = await RunWithInputAsync(["admin", "create", "--email", "root@example.com", "--data", elsewhere.Path], "a long operator password\n");
        Assert.Equal(1, stray);
        Assert.Contains("no RunHub database", strayError);
    }

    private static Task<(int, string, string)> RunWithInputAsync(string[] args, string input) => RunAsync(ServerProcess.StartInfo(args), input);

    private static Task<(int, string, string)> RunInShellAsync(string commandLine, string input)
    {
        var info = ServerProcess.StartInfo([]);
        info.FileName = "/bin/sh";
        info.ArgumentList.Clear();
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(commandLine);
        return RunAsync(info, input);
    }

    private static async Task<(int, string, string)> RunAsync(System.Diagnostics.ProcessStartInfo info, string input)
    {
        using var process = System.Diagnostics.Process.Start(info)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
