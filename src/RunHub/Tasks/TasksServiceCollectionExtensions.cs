using RunHub.Data;

namespace RunHub.Tasks;

public static class TasksServiceCollectionExtensions
{
    /// <summary>
    /// Registers the task queue (held to the accounts' limits of <c>RunHub:Limits</c>: <see cref="Limits.LimitsServiceCollectionExtensions.AddLimits"/>), what runs and cancels tasks, the engine slots and the record of failed fetches; with a role that runs tasks, also the worker loops
    /// and, on PostgreSQL (<see cref="DataServiceCollectionExtensions.AddDatabase"/> first), the listener that wakes them when another node queues a task;
    /// on PostgreSQL, whatever the role, the announcer that tells the other nodes when this one queues a task.
    /// </summary>
    public static IServiceCollection AddTasks(this IServiceCollection services, ServerRole role)
    {
        services.AddSingleton<TaskSignal>();
        services.AddSingleton<TaskEndSignal>();
        services.AddSingleton<TaskQueue>();
        services.AddSingleton<TaskRunner>();
        services.AddSingleton<TaskCancellation>();
        services.AddSingleton<TaskListing>();
        services.AddSingleton<TaskCounts>();
        services.AddSingleton<FailedFetches>();
        services.AddSingleton<EngineSlots>();
        var shared = services.Any(d => d.ServiceType == typeof(PostgresDatabase));
        if (shared)
        {
            services.AddSingleton<PostgresQueueAnnouncer>();
            services.AddHostedService(s => s.GetRequiredService<PostgresQueueAnnouncer>());
        }
        if (!role.RunsTasks) return services;
        services.AddHostedService<TaskWorkers>();
        if (shared)
        {
            services.AddSingleton<PostgresQueueListener>();
            services.AddHostedService(s => s.GetRequiredService<PostgresQueueListener>());
        }
        return services;
    }
}
