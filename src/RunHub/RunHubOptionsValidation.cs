using System.Globalization;
using System.Net;
using RunHub.Accounts;
using Microsoft.Extensions.Options;
using RunHub.Engines.ComfyUi;
using RunHub.Engines.OpenAiImages;
using RunHub.Engines.RunningHub;
using RunHub.Engines.Sandbox;

namespace RunHub;

/// <summary>
/// Every rule the <c>RunHub</c> section must meet, checked once at start before any service is built: each broken
/// rule is one plain line that names the setting (as a key and as its environment variable) and says what would
/// be right, so <c>serve</c> and the admin commands can stop with it instead of a stack trace.
/// </summary>
public sealed class RunHubOptionsValidation : IValidateOptions<RunHubOptions>
{
    /// <summary>The engine names the catalog and <c>RunHub:CatalogImports</c> may use.</summary>
    public static readonly IReadOnlySet<string> BuiltInEngines = new HashSet<string>(StringComparer.Ordinal)
    {
        SandboxEngine.EngineName, ComfyUiEngine.EngineName, OpenAiImagesEngine.EngineName, RunningHubEngine.EngineName,
    };

    /// <summary>The longest retention a setting or an account may have: 100 years, "keep for good" in practice.</summary>
    public const double MaxRetentionDays = 36_500;

    /// <summary>The longest start deadline: a year.</summary>
    public const double MaxDeadlineSeconds = 366 * 86400;

    public ValidateOptionsResult Validate(string? name, RunHubOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Checks <paramref name="options"/>.</summary>
    /// <exception cref="OptionsValidationException">One or more rules are broken; each failure message is one line.</exception>
    public static void ThrowIfInvalid(RunHubOptions options)
    {
        var result = new RunHubOptionsValidation().Validate(null, options);
        if (result.Failed) throw new OptionsValidationException(RunHubOptions.Section, typeof(RunHubOptions), result.Failures);
    }

    private static IEnumerable<string> Problems(RunHubOptions o)
    {
        if (!new[] { "all", "api", "worker", "" }.Contains((o.Role ?? "").Trim().ToLowerInvariant()))
            yield return Setting("Role", $"is '{o.Role}'; use all, api or worker (or --role)");
        if (string.IsNullOrWhiteSpace(o.DataDir)) yield return Setting("DataDir", "is empty; name a folder (or --data)");
        if (!new[] { "text", "json", "" }.Contains((o.LogFormat ?? "").Trim().ToLowerInvariant()))
            yield return Setting("LogFormat", $"is '{o.LogFormat}'; use text or json");
        if (!string.IsNullOrWhiteSpace(o.PublicBaseUrl)
            && !(Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var publicBase) && publicBase.Scheme is "http" or "https"))
            yield return Setting("PublicBaseUrl", $"is '{o.PublicBaseUrl}'; use an absolute http(s) URL such as https://api.example.com");
        if (!string.IsNullOrWhiteSpace(o.CatalogDir) && !Directory.Exists(o.CatalogDir))
            yield return Setting("CatalogDir", $"names '{Path.GetFullPath(o.CatalogDir)}', which is not a folder; point it at a catalog folder or leave it empty for the shipped catalog");
        for (var i = 0; i < o.CatalogImports.Count; i++)
        {
            var import = o.CatalogImports[i];
            if (string.IsNullOrWhiteSpace(import.Registry) || !File.Exists(import.Registry))
                yield return Setting($"CatalogImports:{i}:Registry", $"names '{import.Registry}', which is not a file; give a RunningHub registry file");
            if (!string.IsNullOrWhiteSpace(import.Pricing) && !File.Exists(import.Pricing))
                yield return Setting($"CatalogImports:{i}:Pricing", $"names '{import.Pricing}', which is not a file; give a RunningHub price list or leave it empty");
            if (!string.IsNullOrWhiteSpace(import.Engine) && !BuiltInEngines.Contains(import.Engine))
                yield return Setting($"CatalogImports:{i}:Engine", $"is '{import.Engine}', not an engine; use one of {string.Join(", ", BuiltInEngines.Order())}");
        }
        if (!string.IsNullOrWhiteSpace(o.CatalogFile) && !File.Exists(o.CatalogFile))
            yield return Setting("CatalogFile", $"names '{o.CatalogFile}', which is not a file; give a RunningHub registry file (or --catalog FILE)");
        if (!string.IsNullOrWhiteSpace(o.PricingFile) && !File.Exists(o.PricingFile))
            yield return Setting("PricingFile", $"names '{o.PricingFile}', which is not a file; give a RunningHub price list (or --pricing FILE) or leave it empty");
        if (!string.IsNullOrWhiteSpace(o.PricingFile) && string.IsNullOrWhiteSpace(o.CatalogFile))
            yield return Setting("PricingFile", "is set without RunHub:CatalogFile; give the registry it prices (--catalog FILE)");
        if (o.CatalogImports.Any(i => i.UnpricedPrice < 0))
            yield return Setting("CatalogImports:N:UnpricedPrice", "is negative; use 0 (free) or more CNY, or leave it unset so unpriced models are not served");
        if (o.KeyCacheSeconds < 0) yield return Setting("KeyCacheSeconds", $"is {o.KeyCacheSeconds}; use 0 (no cache) or more");
        if (o.BootstrapBalance < 0) yield return Setting("BootstrapBalance", $"is {o.BootstrapBalance}; use 0 or more CNY");
        else if (!Money.TryParse(o.BootstrapBalance.ToString(CultureInfo.InvariantCulture), out _, out var balanceProblem))
            yield return Setting("BootstrapBalance", $"is wrong: {balanceProblem}");

        if (o.Api.MaxJsonBodyKb < 1) yield return Setting("Api:MaxJsonBodyKb", $"is {o.Api.MaxJsonBodyKb}; use 1 or more, e.g. 2048");
        if (o.Api.MaxJsonDepth is < 2 or > 256) yield return Setting("Api:MaxJsonDepth", $"is {o.Api.MaxJsonDepth}; use 2 to 256, e.g. 32");
        for (var i = 0; i < o.Api.CorsOrigins.Count; i++)
        {
            var origin = o.Api.CorsOrigins[i].Trim();
            if (origin != "*" && !(Uri.TryCreate(origin, UriKind.Absolute, out var originUri) && originUri.Scheme is "http" or "https"
                                   && originUri.AbsolutePath == "/" && originUri.Query.Length == 0 && !origin.EndsWith('/')))
                yield return Setting($"Api:CorsOrigins:{i}", $"is '{origin}', not an origin; use scheme://host[:port] such as https://app.example.com, or *");
        }

        for (var i = 0; i < o.Api.TrustedProxies.Count; i++)
        {
            var proxy = o.Api.TrustedProxies[i].Trim();
            if (!IPNetwork.TryParse(proxy, out _) && !IPAddress.TryParse(proxy, out _))
                yield return Setting($"Api:TrustedProxies:{i}", $"is '{proxy}', not an address; use an IP address or CIDR network such as 10.0.0.0/8");
        }

        if (o.Queue.Workers < 1) yield return Setting("Queue:Workers", $"is {o.Queue.Workers}; use 1 or more");
        if (o.Queue.FetchingTasks < 0) yield return Setting("Queue:FetchingTasks", $"is {o.Queue.FetchingTasks}; use 0 or more");
        if (!(o.Queue.LeaseSeconds > 0)) yield return Setting("Queue:LeaseSeconds", $"is {o.Queue.LeaseSeconds}; use more than 0 seconds, e.g. 30");
        if (o.Queue.PollMilliseconds < 1) yield return Setting("Queue:PollMilliseconds", $"is {o.Queue.PollMilliseconds}; use 1 or more, e.g. 1000");
        if (o.Queue.MaxAttempts < 1) yield return Setting("Queue:MaxAttempts", $"is {o.Queue.MaxAttempts}; use 1 or more");
        if (!(o.Queue.StartDeadlineSeconds >= 1) || o.Queue.StartDeadlineSeconds > MaxDeadlineSeconds)
            yield return Setting("Queue:StartDeadlineSeconds", $"is {o.Queue.StartDeadlineSeconds}; use 1 to {MaxDeadlineSeconds} seconds, e.g. 86400 (a day)");

        if (!(o.Retention.Days > 0) || o.Retention.Days > MaxRetentionDays)
            yield return Setting("Retention:Days", $"is {o.Retention.Days}; use more than 0 and at most {MaxRetentionDays} days, e.g. 7");
        if (!(o.Maintenance.IntervalSeconds >= 1) || o.Maintenance.IntervalSeconds > 86400)
            yield return Setting("Maintenance:IntervalSeconds", $"is {o.Maintenance.IntervalSeconds}; use 1 to 86400 seconds, e.g. 60");
        if (o.Maintenance.BatchSize is < 1 or > 10_000)
            yield return Setting("Maintenance:BatchSize", $"is {o.Maintenance.BatchSize}; use 1 to 10000, e.g. 200");

        var limits = o.Limits;
        if (limits.RequestsPerMinute < 0) yield return Setting("Limits:RequestsPerMinute", $"is {limits.RequestsPerMinute}; use 0 (no limit) or more");
        if (limits.MaxRunningPerAccount < 0) yield return Setting("Limits:MaxRunningPerAccount", $"is {limits.MaxRunningPerAccount}; use 0 (no limit) or more");
        if (limits.MaxQueuedPerAccount < 0) yield return Setting("Limits:MaxQueuedPerAccount", $"is {limits.MaxQueuedPerAccount}; use 0 (no limit) or more");
        if (limits.MaxKeysPerAccount < 0) yield return Setting("Limits:MaxKeysPerAccount", $"is {limits.MaxKeysPerAccount}; use 0 (no limit) or more, e.g. 50");
        if (limits.MaxUploadMbPerAccount < 0) yield return Setting("Limits:MaxUploadMbPerAccount", $"is {limits.MaxUploadMbPerAccount}; use 0 (no limit) or more MB, e.g. 5120");
        if (limits.RefuseOverConcurrency && limits.MaxRunningPerAccount == 0)
            yield return Setting("Limits:RefuseOverConcurrency", "is true but Limits:MaxRunningPerAccount is 0 (no limit), so nothing would be refused; set both");

        if (!(o.Media.FetchTimeoutSeconds > 0)) yield return Setting("Media:FetchTimeoutSeconds", $"is {o.Media.FetchTimeoutSeconds}; use more than 0");
        if (!(o.Media.TaskFetchSeconds > 0)) yield return Setting("Media:TaskFetchSeconds", $"is {o.Media.TaskFetchSeconds}; use more than 0, e.g. 60");
        if (o.Media.MinBytesPerSecond < 0) yield return Setting("Media:MinBytesPerSecond", $"is {o.Media.MinBytesPerSecond}; use 0 (no minimum) or more, e.g. 16384");
        if (!(o.Media.RateWindowSeconds > 0)) yield return Setting("Media:RateWindowSeconds", $"is {o.Media.RateWindowSeconds}; use more than 0, e.g. 10");
        if (o.Media.MaxRedirects < 0) yield return Setting("Media:MaxRedirects", $"is {o.Media.MaxRedirects}; use 0 or more");
        if (o.Media.MaxImagePixels < 1) yield return Setting("Media:MaxImagePixels", $"is {o.Media.MaxImagePixels}; use 1 or more");
        if (o.Media.MaxUploadMb < 1) yield return Setting("Media:MaxUploadMb", $"is {o.Media.MaxUploadMb}; use 1 or more");
        if (o.Media.InlineInputDatabaseKb is < 0 or > 4096)
            yield return Setting("Media:InlineInputDatabaseKb", $"is {o.Media.InlineInputDatabaseKb}; use 0 (every inline input a file) to 4096, e.g. 256");
        for (var i = 0; i < o.Media.AllowedNetworks.Count; i++)
        {
            var network = o.Media.AllowedNetworks[i].Trim();
            if (!IPNetwork.TryParse(network, out _) && !IPAddress.TryParse(network, out _))
                yield return Setting($"Media:AllowedNetworks:{i}", $"is '{network}', not a network; use CIDR notation such as 10.1.2.0/24");
        }

        var webhooks = o.Webhooks;
        if (!Durations.TryParseList(webhooks.RetrySchedule, out _, out var scheduleProblem))
            yield return Setting("Webhooks:RetrySchedule", $"is '{webhooks.RetrySchedule}': {scheduleProblem}; use waits such as 5s 5m 30m 2h");
        if (!(webhooks.TimeoutSeconds > 0) || webhooks.TimeoutSeconds > 300)
            yield return Setting("Webhooks:TimeoutSeconds", $"is {webhooks.TimeoutSeconds}; use more than 0 and at most 300, e.g. 15");
        if (webhooks.Senders < 1) yield return Setting("Webhooks:Senders", $"is {webhooks.Senders}; use 1 or more");
        if (webhooks.PollMilliseconds < 1) yield return Setting("Webhooks:PollMilliseconds", $"is {webhooks.PollMilliseconds}; use 1 or more, e.g. 1000");
        if (!(webhooks.SecretGraceHours >= 0)) yield return Setting("Webhooks:SecretGraceHours", $"is {webhooks.SecretGraceHours}; use 0 or more, e.g. 24");

        if (o.Engines.MaxAttempts < 1) yield return Setting("Engines:MaxAttempts", $"is {o.Engines.MaxAttempts}; use 1 or more");
        if (o.Engines.CooldownSeconds < 0) yield return Setting("Engines:CooldownSeconds", $"is {o.Engines.CooldownSeconds}; use 0 or more");
        if (o.Engines.Sandbox.DelayMs < 0) yield return Setting("Engines:Sandbox:DelayMs", $"is {o.Engines.Sandbox.DelayMs}; use 0 or more");
        if (o.Engines.Sandbox.FailureRate is < 0 or > 1 || double.IsNaN(o.Engines.Sandbox.FailureRate))
            yield return Setting("Engines:Sandbox:FailureRate", $"is {o.Engines.Sandbox.FailureRate}; use a share from 0 to 1");
        if (o.Engines.Sandbox.MaxDecodePixels < 1) yield return Setting("Engines:Sandbox:MaxDecodePixels", $"is {o.Engines.Sandbox.MaxDecodePixels}; use 1 or more, e.g. 16777216");
        if (!string.IsNullOrWhiteSpace(o.Engines.Sandbox.FfmpegFolder) && !Directory.Exists(o.Engines.Sandbox.FfmpegFolder))
            yield return Setting("Engines:Sandbox:FfmpegFolder", $"names '{o.Engines.Sandbox.FfmpegFolder}', which is not a folder; point it at the folder holding ffmpeg and ffprobe, or leave it empty to use the PATH");
        foreach (var (family, latency) in o.Engines.Sandbox.Latency)
            if (latency is null || latency.BaseMs < 0 || latency.PerOutputMs < 0 || latency.PerOutputSecondMs < 0 || latency.PerMegapixelMs < 0)
                yield return Setting($"Engines:Sandbox:Latency:{family}", "has a negative (or no) time; use 0 or more milliseconds for BaseMs, PerOutputMs, PerOutputSecondMs and PerMegapixelMs");
        foreach (var problem in WebConsoleProblems(o.WebConsole)) yield return problem;
    }

    private static IEnumerable<string> WebConsoleProblems(WebConsole.WebConsoleOptions c)
    {
        if (!WebConsole.SignUpModes.All.Contains((c.SignUp ?? "").Trim().ToLowerInvariant()))
            yield return Setting("WebConsole:SignUp", $"is '{c.SignUp}'; use {string.Join(", ", WebConsole.SignUpModes.All)}");
        if (!(c.SessionHours > 0)) yield return Setting("WebConsole:SessionHours", $"is {c.SessionHours}; use more than 0 hours, e.g. 8");
        if (!(c.MaxSessionDays > 0)) yield return Setting("WebConsole:MaxSessionDays", $"is {c.MaxSessionDays}; use more than 0 days, e.g. 7");
        if (c.MaxFailedSignIns < 1) yield return Setting("WebConsole:MaxFailedSignIns", $"is {c.MaxFailedSignIns}; use 1 or more, e.g. 5");
        if (!(c.LockoutMinutes >= 0)) yield return Setting("WebConsole:LockoutMinutes", $"is {c.LockoutMinutes}; use 0 or more minutes");
        if (c.SignInAttemptsPerMinute < 1) yield return Setting("WebConsole:SignInAttemptsPerMinute", $"is {c.SignInAttemptsPerMinute}; use 1 or more");
    }

    /// <summary>"RunHub:Queue:LeaseSeconds (RunHub__Queue__LeaseSeconds) is 0; use ..."</summary>
    private static string Setting(string key, string problem) =>
        $"{RunHubOptions.Section}:{key} ({RunHubOptions.Section}__{key.Replace(":", "__", StringComparison.Ordinal)}) {problem}";
}
