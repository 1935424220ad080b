using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RunHub.Tests.Support;
using RunHub.Tests.WebConsole.Support;
using RunHub.WebConsole.Users;
using static Microsoft.Playwright.Assertions;

namespace RunHub.Tests.WebConsole;

/// <summary>
/// The console in a real browser against the real server and database, as people use it: an operator makes
/// invitation codes, a new user signs up with one, makes a key, redeems a code, runs the seed edit in the playground
/// with an uploaded image and sees the result and the ledger; a second user cannot reach any of it by URL; the
/// operator tops the first user up.
/// </summary>
public sealed partial class ConsoleFlowTests(Browsers browsers) : IClassFixture<Browsers>
{
    private const string Edit = "rhart-image-g-1.5/edit";

    [BrowserFact]
    public async Task A_new_user_signs_up_with_an_invitation_makes_a_key_redeems_a_code_runs_the_playground_and_only_they_see_the_results()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["WebConsole:SignUp"] = "invite",
            ["Media:AllowPrivateNetworks"] = "true",
            ["Example:ApiKey"] = "sk-should-never-be-shown",
        });
        await server.CreateUserAsync("ops@example.com", isOperator: true);

        // The operator makes three codes of 5.00 CNY.
        var ops = await browsers.NewPersonAsync(server.BaseUrl);
        await ops.SignInAsync("ops@example.com");
        await ops.ExpectHeadingAsync("Dashboard");
        await ops.GotoAsync("/console/admin/codes");
        await ops.GetByLabel("Amount each (CNY)").FillAsync("5");
        await ops.GetByLabel("How many").FillAsync("3");
        await ops.GetByLabel("Note").FillAsync("launch invitations");
        await ops.GetByRole(AriaRole.Button, new() { Name = "Make codes" }).ClickAsync();
        var codes = (await ops.GetByTestId("new-codes").InnerTextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, codes.Length);
        Assert.All(codes, c => Assert.Matches("^RH(-[0-9A-Z]{5}){4}$", c));
        await ops.ScreenshotAsync("admin-codes");

        // A new user signs up with the first code: it is their opening balance.
        var alice = await browsers.NewPersonAsync(server.BaseUrl);
        await alice.GotoAsync("/console/signup");
        await alice.ScreenshotAsync("signup");
        await alice.GetByLabel("Email").FillAsync("alice@example.com");
        await alice.GetByLabel("Password").FillAsync(ConsoleSite.Password);
        await alice.GetByLabel("Invitation code").FillAsync(codes[0].ToLowerInvariant());
        await alice.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await alice.ExpectHeadingAsync("Dashboard");
        await Expect(alice.GetByTestId("balance")).ToHaveTextAsync("5.00 CNY");

        // A key, shown once, that works against the API.
        await alice.GotoAsync("/console/keys");
        await alice.GetByLabel("Name").FillAsync("website");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var key = (await alice.GetByTestId("new-key").InnerTextAsync()).Trim();
        Assert.Matches("^[0-9a-f]{32}$", key);
        await Expect(alice.GetByRole(AriaRole.Cell, new() { Name = "website" })).ToBeVisibleAsync();
        var caller = new ApiCaller(server.Http, "", key);
        Assert.Equal(5.00m, await caller.BalanceAsync());
        await alice.ScreenshotAsync("keys");

        // Redeeming a second code adds to the wallet; the same code again is refused.
        await alice.GotoAsync("/console/wallet");
        await RedeemAsync(alice, codes[1]);
        await Expect(alice.GetByRole(AriaRole.Status)).ToContainTextAsync("Added 5.00 CNY");
        await Expect(alice.GetByTestId("balance")).ToHaveTextAsync("10.00 CNY");
        await RedeemAsync(alice, codes[1]);
        await Expect(alice.GetByRole(AriaRole.Alert)).ToContainTextAsync("already been used");

        // The playground runs the seed edit with a dropped image, shows the live status and then the result.
        await alice.GotoAsync("/console/playground?model=" + Uri.EscapeDataString(Edit));
        await alice.GetByLabel("prompt").FillAsync("A sudden, massive explosion behind them");
        await DropFileAsync(alice, "input[name='f.imageUrls']", "photo.png", TestImages.Png(300, 200));
        await Expect(alice.Locator(".drop-names")).ToHaveTextAsync("photo.png");
        await alice.GetByLabel("aspectRatio").SelectOptionAsync("2:3");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(alice.GetByTestId("task-status")).ToHaveTextAsync("SUCCESS", new() { Timeout = 60_000 });
        var image = alice.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^result 1 of task") });
        await Expect(image).ToBeVisibleAsync();
        Assert.Equal(1024, await image.EvaluateAsync<int>("async img => { await img.decode(); return img.naturalWidth; }"));
        await Expect(alice.Locator("#sample-curl")).ToContainTextAsync($"{server.BaseUrl}/openapi/v2/{Edit}");
        await Expect(alice.Locator("#sample-python")).ToContainTextAsync("from client import RunningHubClient");
        await Expect(alice.Locator("#sample-csharp")).ToContainTextAsync("new RunHubClient");
        await alice.ScreenshotAsync("playground");
        var taskId = (await alice.Locator("dl.facts dd.mono a").InnerTextAsync()).Trim();

        // The task's own page: parameters, cost, the result with a download link.
        await alice.GotoAsync("/console/tasks/" + taskId);
        await Expect(alice.GetByTestId("task-parameters")).ToContainTextAsync("A sudden, massive explosion behind them");
        await Expect(alice.GetByText("0.03 CNY", new() { Exact = true })).ToBeVisibleAsync();
        var download = await alice.RunAndWaitForDownloadAsync(() => alice.GetByRole(AriaRole.Link, new() { Name = "Download png" }).ClickAsync());
        Assert.Equal($"{taskId}-0.png", download.SuggestedFilename);
        await alice.ScreenshotAsync("task");

        // The ledger has the reservation and its settlement, linked to the task; the tasks list filters to it.
        await alice.GotoAsync("/console/wallet");
        var settle = alice.Locator("tr", new() { HasText = "settle" });
        await Expect(settle.GetByRole(AriaRole.Link, new() { Name = taskId })).ToBeVisibleAsync();
        await Expect(alice.GetByTestId("balance")).ToHaveTextAsync("9.97 CNY");
        await alice.ScreenshotAsync("wallet");
        await alice.GotoAsync("/console/tasks");
        await alice.GetByLabel("Status").SelectOptionAsync("SUCCESS");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(alice.GetByRole(AriaRole.Link, new() { Name = taskId })).ToBeVisibleAsync();
        await alice.ScreenshotAsync("tasks");
        await alice.GotoAsync("/console/dashboard");
        await Expect(alice.GetByTestId("spent-7")).ToHaveTextAsync("0.03 CNY");
        await alice.ScreenshotAsync("dashboard");

        // A second user cannot open Alice's task, its status, its file or her ledger by URL, nor the admin pages.
        var bob = await browsers.NewPersonAsync(server.BaseUrl);
        await bob.GotoAsync("/console/signup");
        await bob.GetByLabel("Email").FillAsync("bob@example.com");
        await bob.GetByLabel("Password").FillAsync(ConsoleSite.Password);
        await bob.GetByLabel("Invitation code").FillAsync(codes[2]);
        await bob.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await bob.ExpectHeadingAsync("Dashboard");
        var taskPage = await bob.GotoAsync("/console/tasks/" + taskId);
        Assert.Equal((int)HttpStatusCode.NotFound, taskPage!.Status);
        await bob.ExpectHeadingAsync("Not found");
        foreach (var url in new[] { $"/console/tasks/{taskId}/files/0", $"/console/tasks/{taskId}/files/0?download=true", $"/console/tasks/{taskId}/status" })
            Assert.Equal((int)HttpStatusCode.NotFound, (await bob.GotoAsync(url))!.Status);
        await bob.GotoAsync("/console/wallet");
        await Expect(bob.GetByRole(AriaRole.Link, new() { Name = taskId })).ToHaveCountAsync(0);
        await Expect(bob.GetByTestId("balance")).ToHaveTextAsync("5.00 CNY");
        foreach (var url in new[] { "/console/admin/accounts", $"/console/admin/tasks/{taskId}", $"/console/admin/tasks/{taskId}/files/0" })
            Assert.Equal((int)HttpStatusCode.Forbidden, (await bob.GotoAsync(url))!.Status);

        // The operator sees every code redeemed, finds Alice and tops her up with a note recorded under their name.
        await ops.GotoAsync("/console/admin/codes");
        await Expect(ops.Locator("td[data-testid^='redeemed-']")).ToHaveTextAsync("3");
        await ops.GotoAsync("/console/admin/accounts?q=alice");
        await ops.ScreenshotAsync("admin-accounts");
        await ops.GetByRole(AriaRole.Row, new() { Name = "alice@example.com" }).GetByRole(AriaRole.Link).ClickAsync();
        await ops.GetByLabel("Amount in CNY").FillAsync("3");
        await ops.Locator("#money-note").FillAsync("support ticket 42");
        await ops.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(ops.GetByTestId("balance")).ToHaveTextAsync("12.97 CNY");
        await Expect(ops.GetByRole(AriaRole.Row, new() { Name = "support ticket 42" }).First).ToContainTextAsync("ops@example.com");
        await ops.ScreenshotAsync("admin-account");
        Assert.Equal(12.97m, await caller.BalanceAsync());

        // From every account's tasks the operator opens Alice's, read-only: its result is shown, nothing can be cancelled.
        await ops.GotoAsync("/console/admin/tasks");
        await ops.GetByRole(AriaRole.Link, new() { Name = taskId }).ClickAsync();
        await Expect(ops.GetByTestId("task-parameters")).ToContainTextAsync("A sudden, massive explosion behind them");
        var seen = ops.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^result 1 of task") });
        Assert.Equal(1024, await seen.EvaluateAsync<int>("async img => { await img.decode(); return img.naturalWidth; }"));
        var aliceAccount = (await server.Services.GetRequiredService<ConsoleUsers>().FindByEmailAsync("alice@example.com"))!.AccountId;
        await Expect(ops.GetByRole(AriaRole.Link, new() { Name = aliceAccount })).ToBeVisibleAsync();
        await Expect(ops.GetByRole(AriaRole.Button, new() { Name = "Cancel task" })).ToHaveCountAsync(0);
        await ops.ScreenshotAsync("admin-task");

        foreach (var page in new[] { "engines", "tasks", "configuration" })
        {
            await ops.GotoAsync("/console/admin/" + page);
            await ops.ScreenshotAsync("admin-" + page);
        }

        await Expect(ops.GetByTestId("setting-RunHub:Example:ApiKey")).ToHaveTextAsync("•••••• (set)");
        Assert.DoesNotContain("sk-should-never-be-shown", await ops.ContentAsync());
        await ops.GotoAsync("/console/models");
        await Expect(ops.GetByRole(AriaRole.Heading, new() { Name = Edit })).ToBeVisibleAsync();
        await ops.ScreenshotAsync("models");
    }

    private static async Task RedeemAsync(IPage page, string code)
    {
        await page.GetByLabel("Redeem a top-up code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Redeem" }).ClickAsync();
    }

    /// <summary>Drops a file onto the upload field's drop zone, as a person dragging it from their desktop does.</summary>
    internal static async Task DropFileAsync(IPage page, string inputSelector, string name, byte[] content)
    {
        var transfer = await page.EvaluateHandleAsync(
            """
            ([name, base64]) => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([bytes], name, { type: "image/png" }));
              return data;
            }
            """, new object[] { name, Convert.ToBase64String(content) });
        await page.Locator(inputSelector).Locator("xpath=ancestor::label[contains(@class,'drop')]")
            .DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });
    }
}
