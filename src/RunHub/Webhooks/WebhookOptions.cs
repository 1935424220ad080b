namespace RunHub.Webhooks;

/// <summary>
/// How webhooks are sent (<c>RunHub:Webhooks</c>; docs/webhooks.md). Deliveries go through the same SSRF guard as
/// input fetches, with the same opt-in for private networks (<c>RunHub:Media:AllowPrivateNetworks</c>,
/// <c>AllowedNetworks</c>).
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// The waits before each retry of a delivery that failed (a timeout, a connection error, any answer but 2xx or 410),
    /// as durations with a unit (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>) separated by spaces or commas: by
    /// default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight sends over about 27 hours. Empty: no retries.
    /// </summary>
    public string RetrySchedule { get; set; } = "5s 5m 30m 2h 5h 10h 10h";

    /// <summary>The waits of <see cref="RetrySchedule"/>.</summary>
    /// <exception cref="FormatException">A wait is not a number with a unit.</exception>
    public IReadOnlyList<TimeSpan> RetryWaits() => Durations.ParseList(RetrySchedule);

    /// <summary>How long one send may take, connection and answer, before it counts as a timeout.</summary>
    public double TimeoutSeconds { get; set; } = 15;

    /// <summary>Deliveries one node sends at once.</summary>
    public int Senders { get; set; } = 4;

    /// <summary>How often idle senders look for deliveries written by other nodes and for retries that fell due.</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>How long an account's previous signing secret still signs (beside the new one) after a rotation.</summary>
    public double SecretGraceHours { get; set; } = 24;
}
