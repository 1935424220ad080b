using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Tests.Engines.Dispatch;
using RunHub.Tests.Support;
using RunHub.Webhooks;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace RunHub.Tests.Webhooks;

/// <summary>Per-account signing secrets: shown and rotated with <c>runhub accounts webhook-secret</c>; both verify during the grace period.</summary>
public sealed class WebhookSecretTests
{
    [Fact]
    public async Task After_a_rotation_deliveries_verify_with_the_old_and_the_new_secret_until_the_grace_period_ends()
    {
        var time = new MovableTime();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await WebhookDeliveryTests.StartAsync(time);
        var caller = await server.NewCallerAsync();
        var secrets = server.Services.GetRequiredService<WebhookSecrets>();
        var old = (await secrets.ShowAsync(caller.AccountId)).Current;

        var rotated = await secrets.RotateAsync(caller.AccountId, TimeSpan.FromHours(24));
        Assert.NotEqual(old, rotated.Current);
        Assert.Equal(old, rotated.Previous);
        await WebhookDeliveryTests.SubmitAsync(caller, receiver.Url);
        var during = await receiver.NextAsync();
        Assert.Equal(2, during.Signature.Split(' ').Distinct().Count());
        new StandardWebhook(old).Verify(during.Body, during.Headers);
        new StandardWebhook(rotated.Current).Verify(during.Body, during.Headers);

        // A day later only the new secret signs. (The package checks timestamps against the real clock: its check is
        // done on a copy of the headers signed now, at the real time, by the same code.)
        time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Assert.Null((await secrets.ShowAsync(caller.AccountId)).Previous);
        var signing = await secrets.SigningSecretsAsync(caller.AccountId);
        Assert.Equal([rotated.Current], signing);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var headers = new HeaderDictionary
        {
            ["webhook-id"] = during.Id,
            ["webhook-timestamp"] = now.ToString(),
            ["webhook-signature"] = WebhookSignature.Header(signing, during.Id, now, during.Body),
        };
        new StandardWebhook(rotated.Current).Verify(during.Body, headers);
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(old).Verify(during.Body, headers));
    }

    [Fact]
    public async Task The_webhook_secret_command_shows_the_secret_and_rotates_it_keeping_the_old_one_for_the_grace_hours()
    {
        await using var server = await TestServer.StartAsync();
        var caller = await server.NewCallerAsync();

        var shown = await RunJsonAsync("accounts", "webhook-secret", caller.AccountId, "--data", server.DataDir, "--json");
        var secret = (string)shown["secret"]!;
        Assert.StartsWith("whsec_", secret);
        Assert.Null(shown["previousSecret"]);
        Assert.Equal(secret, (string)(await RunJsonAsync("accounts", "webhook-secret", caller.AccountId, "--data", server.DataDir, "--json"))["secret"]!);

        var rotated = await RunJsonAsync("accounts", "webhook-secret", caller.AccountId, "--rotate", "--grace-hours", "2", "--data", server.DataDir, "--json");
        Assert.NotEqual(secret, (string)rotated["secret"]!);
        Assert.Equal(secret, (string)rotated["previousSecret"]!);
        var until = DateTimeOffset.Parse((string)rotated["previousValidUntil"]!);
        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(2));
        // The server signs with what the command wrote.
        Assert.Equal([(string)rotated["secret"]!, secret], await server.Services.GetRequiredService<WebhookSecrets>().SigningSecretsAsync(caller.AccountId));

        var missing = await ServerProcess.RunAsync(["accounts", "webhook-secret", "1234", "--data", server.DataDir]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no account 1234", missing.StdErr);
    }

    internal static async Task<JsonNode> RunJsonAsync(params string[] args)
    {
        var (exitCode, stdout, stderr) = await ServerProcess.RunAsync(args);
        Assert.True(exitCode == 0, $"runhub {string.Join(' ', args)} exited {exitCode}: {stderr}");
        return JsonNode.Parse(stdout)!;
    }
}
