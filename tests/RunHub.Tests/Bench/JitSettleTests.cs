using RunHub.Bench.Load;

namespace RunHub.Tests.Bench;

/// <summary>
/// The bench runs a scenario's load until the compiler has gone quiet, and the compiler works in waves with quiet
/// seconds between them (docs/performance.md, "The query tail: the compiler's second wave"): one quiet round is not
/// settled.
/// </summary>
public sealed class JitSettleTests
{
    [Fact]
    public async Task The_load_runs_on_through_a_quiet_round_until_a_second_wave_has_passed_and_the_rounds_stay_quiet()
    {
        // The compiler's CPU (s) after each round: a wave, one quiet round, a second wave, then quiet.
        double[] used = [0.15, 0, 0.36, 0, 0, 0, 0, 0];
        var rounds = 0;
        var total = 0.0;
        IReadOnlyDictionary<string, double> Compiler() => new Dictionary<string, double> { ["compiler thread"] = total };

        await JitSettle.RunAsync(Compiler, TimeSpan.FromMinutes(10), _ =>
        {
            total += used[rounds++];
            return Task.CompletedTask;
        });

        Assert.Equal(3 + JitSettle.QuietRounds, rounds);
    }

    [Fact]
    public async Task A_compiler_thread_that_ended_and_a_new_one_count_only_the_new_one_s_work()
    {
        // The runtime ends an idle compiler thread and starts another when there is work again: the new thread's CPU
        // is work of this round, the old one's total is not.
        var rounds = 0;
        IReadOnlyDictionary<string, double> Compiler() => rounds switch
        {
            0 => new Dictionary<string, double> { ["old"] = 5.0 },
            1 => new Dictionary<string, double> { ["new"] = 0.2 },
            _ => new Dictionary<string, double> { ["new"] = 0.2 },
        };

        await JitSettle.RunAsync(Compiler, TimeSpan.FromMinutes(10), _ =>
        {
            rounds++;
            return Task.CompletedTask;
        });

        Assert.Equal(1 + JitSettle.QuietRounds, rounds);
    }

    [Fact]
    public async Task A_limit_of_zero_runs_no_load()
    {
        var rounds = 0;
        await JitSettle.RunAsync(() => new Dictionary<string, double>(), TimeSpan.Zero, _ =>
        {
            rounds++;
            return Task.CompletedTask;
        });

        Assert.Equal(0, rounds);
    }
}
