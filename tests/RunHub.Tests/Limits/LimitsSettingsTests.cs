using RunHub.Limits;

namespace RunHub.Tests.Limits;

public sealed class LimitsSettingsTests
{
    [Fact]
    public void By_default_nothing_is_limited_and_the_settings_pass()
    {
        var options = new RunHubOptions();
        Assert.Equal((0, 0, false), (options.Limits.MaxRunningPerAccount, options.Limits.MaxQueuedPerAccount, options.Limits.RefuseOverConcurrency));
        Assert.DoesNotContain(new RunHubOptionsValidation().Validate(null, options).Failures ?? [], f => f.Contains("Limits", StringComparison.Ordinal));
    }

    [Fact]
    public void A_negative_limit_or_refusal_mode_without_a_running_limit_is_one_line_naming_the_setting()
    {
        var options = new RunHubOptions { Limits = new LimitsOptions { MaxRunningPerAccount = -1, MaxQueuedPerAccount = -5 } };
        var failures = new RunHubOptionsValidation().Validate(null, options).Failures!.ToList();
        Assert.Contains(failures, f => f.Contains("RunHub:Limits:MaxRunningPerAccount (RunHub__Limits__MaxRunningPerAccount) is -1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("RunHub:Limits:MaxQueuedPerAccount (RunHub__Limits__MaxQueuedPerAccount) is -5", StringComparison.Ordinal));

        options = new RunHubOptions { Limits = new LimitsOptions { RefuseOverConcurrency = true } };
        var failure = Assert.Single(new RunHubOptionsValidation().Validate(null, options).Failures!, f => f.Contains("Limits", StringComparison.Ordinal));
        Assert.Contains("RunHub:Limits:RefuseOverConcurrency", failure);
        Assert.Contains("set both", failure);
    }
}
