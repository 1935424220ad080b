using System.Globalization;
using RunHub.Accounts;

namespace RunHub.Workflows;

/// <summary>
/// How a workflow is billed, as RunningHub bills workflows: by run time. <see cref="PerSecond"/> CNY for every started
/// second the backend worked on the task (at least one), never more than <see cref="MaxSeconds"/> seconds — which is
/// also the longest a run may take. Submitting reserves <see cref="Reservation"/> (the price of the maximum); a
/// success settles <see cref="ChargeFor"/> the measured time and gives the rest back; a failure gives it all back.
/// Amounts round up to the thousandth of a CNY (<see cref="Money"/>).
/// </summary>
public sealed record WorkflowPrice(decimal PerSecond, int MaxSeconds)
{
    /// <summary>The longest run a registration may allow: a day.</summary>
    public const int MaxRunSeconds = 86_400;

    /// <summary>What a task holds in its wallet until it ends: the price of <see cref="MaxSeconds"/>.</summary>
    public Money Reservation => Of(MaxSeconds);

    /// <summary>The seconds billed for a run the backend measured at <paramref name="milliseconds"/>: started seconds, 1 to <see cref="MaxSeconds"/>.</summary>
    public int BilledSeconds(long milliseconds) => (int)Math.Clamp((Math.Max(0, milliseconds) + 999) / 1000, 1, MaxSeconds);

    /// <summary>The charge for a run the backend measured at <paramref name="milliseconds"/>; never more than <see cref="Reservation"/>.</summary>
    public Money ChargeFor(long milliseconds) => Of(BilledSeconds(milliseconds));

    /// <summary>"0.0025 CNY/s, up to 600 s".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{PerSecond:0.######} CNY/s, up to {MaxSeconds} s");

    private Money Of(int seconds) => new((long)Math.Ceiling(PerSecond * seconds * Money.Scale));
}
