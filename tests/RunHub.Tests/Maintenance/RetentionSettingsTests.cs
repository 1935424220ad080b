using Microsoft.Extensions.Options;

namespace RunHub.Tests.Maintenance;

/// <summary>The retention, deadline and maintenance settings are checked at start, one plain line each.</summary>
public sealed class RetentionSettingsTests
{
    [Fact]
    public void The_defaults_keep_files_seven_days_and_give_queued_tasks_a_day()
    {
        var options = new RunHubOptions();
        RunHubOptionsValidation.ThrowIfInvalid(options);
        Assert.Equal(7, options.Retention.Days);
        Assert.Equal(86400, options.Queue.StartDeadlineSeconds);
    }

    [Fact]
    public void Bad_retention_deadline_and_maintenance_settings_are_each_named_with_their_environment_variable()
    {
        var options = new RunHubOptions();
        options.Retention.Days = 0;
        options.Queue.StartDeadlineSeconds = double.NaN;
        options.Maintenance.IntervalSeconds = 0;
        options.Maintenance.BatchSize = 0;

        var failures = Assert.Throws<OptionsValidationException>(() => RunHubOptionsValidation.ThrowIfInvalid(options)).Failures.ToList();

        Assert.Contains(failures, f => f.StartsWith("RunHub:Retention:Days (RunHub__Retention__Days) is 0;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("RunHub:Queue:StartDeadlineSeconds (RunHub__Queue__StartDeadlineSeconds) is NaN;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("RunHub:Maintenance:IntervalSeconds (RunHub__Maintenance__IntervalSeconds) is 0;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("RunHub:Maintenance:BatchSize (RunHub__Maintenance__BatchSize) is 0;", StringComparison.Ordinal));
    }
}
