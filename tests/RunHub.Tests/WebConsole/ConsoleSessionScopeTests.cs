using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Tests.Support;

namespace RunHub.Tests.WebConsole;

/// <summary>The console's sessions are read for the console's requests only: an API call is authenticated by its key alone.</summary>
public sealed class ConsoleSessionScopeTests
{
    [Fact]
    public async Task Api_calls_do_not_run_the_console_session_check_and_console_requests_do()
    {
        var authenticated = new ConcurrentDictionary<string, bool>();
        await using var server = await TestServer.StartAsync(configureServices: s =>
            s.AddSingleton<IStartupFilter>(new RecordAuthentication(authenticated)));
        var caller = await server.NewCallerAsync();

        var answer = await caller.QueryAsync("1");
        Assert.Equal("1004", (string?)answer["errorCode"]);
        using var models = await caller.Http.GetAsync("/openapi/v2/models");
        using var signIn = await caller.Http.GetAsync("/console/signin");
        using var dashboard = await caller.Http.GetAsync("/console/dashboard");

        Assert.False(authenticated["POST /openapi/v2/query"]);
        Assert.False(authenticated["GET /openapi/v2/models"]);
        Assert.True(authenticated["GET /console/signin"]);
        Assert.True(authenticated["GET /console/dashboard"]);
    }

    /// <summary>Notes, for each request, whether the authentication middleware ran (it leaves its feature on the request).</summary>
    private sealed class RecordAuthentication(ConcurrentDictionary<string, bool> authenticated) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                var request = $"{context.Request.Method} {context.Request.Path}";
                await inner(context);
                authenticated[request] = context.Features.Get<IAuthenticationFeature>() is not null;
            });
            next(app);
        };
    }
}
