using Microsoft.Extensions.Options;

namespace RunHub.Limits;

public static class LimitsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the server's limits (<c>RunHub:Limits</c>), each account's own over them (<see cref="AccountLimits"/>, which
    /// the task queue holds each account to) and the per-key request counter. The queue limits live in the tasks' own transactions (<see cref="QueueAdmission"/> and the fair
    /// claim of <see cref="Tasks.TaskQueue"/>); the request rate is counted wherever a call's key is checked
    /// (<see cref="Api.RequestKeys"/>, <see cref="RequestRate"/>), for a Bearer key already as a step of the API's
    /// pipeline (<see cref="RequestRateLimits"/>).
    /// </summary>
    public static IServiceCollection AddLimits(this IServiceCollection services)
    {
        services.AddSingleton(s => s.GetRequiredService<IOptions<RunHubOptions>>().Value.Limits);
        services.AddSingleton<AccountLimits>();
        services.AddSingleton<KeyRateLimiter>();
        services.AddSingleton<RequestRate>();
        return services;
    }
}
