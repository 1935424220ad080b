using RunHub.Files;
using RunHub.Tasks;

namespace RunHub.Maintenance;

public static class MaintenanceServiceCollectionExtensions
{
    /// <summary>
    /// Registers file retention (which the upload endpoint records uploads with), the overdue-task sweep, and the
    /// maintenance job with its loop. Every node runs the loop; the lease lets one of them do the work at a time.
    /// </summary>
    public static IServiceCollection AddMaintenance(this IServiceCollection services)
    {
        services.AddSingleton<FileRetention>();
        services.AddSingleton<OverdueTasks>();
        services.AddSingleton<MaintenanceLease>();
        services.AddSingleton<MaintenanceJob>();
        services.AddHostedService<MaintenanceLoop>();
        return services;
    }
}
