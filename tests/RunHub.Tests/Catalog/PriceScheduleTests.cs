using System.Text.Json;
using RunHub.Accounts;
using RunHub.Catalog;
using static RunHub.Tests.Catalog.RunningHubRegistry;

namespace RunHub.Tests.Catalog;

public class PriceScheduleTests
{
    private static ParameterSpec Spec(string key, ParameterType type, string? defaultJson = null) =>
        new() { FieldKey = key, Type = type, DefaultValue = defaultJson is null ? null : Json(defaultJson) };

    private static PriceSchedule Schedule(string entryJson, params ParameterSpec[] parameters)
    {
        var prices = RegistryReader.ReadPricing(Json($$"""{"pricing": [{{entryJson}}]}"""), "test pricing");
        var schedule = Assert.Single(prices).Value;
        return schedule.ForModel(parameters) ?? throw new InvalidOperationException("not quotable");
    }

    private static Money Cny(decimal amount) => Money.FromDecimal(amount);

    [Fact]
    public void Per_call_price_is_the_price_whatever_the_parameters()
    {
        var schedule = Schedule("""{"endpoint": "m", "currency": "CNY", "unit": "/次", "pricing_type": "fixed", "price": 0.035}""");

        Assert.Equal(Cny(0.035m), schedule.Quote(Parameters("""{"anything": 3}""")));
        Assert.Equal("0.035", schedule.Quote(Parameters("{}")).ToString());
    }

    [Theory]
    [InlineData("/秒")]
    [InlineData("/second")]
    [InlineData("/秒起")]
    public void Per_second_price_is_multiplied_by_the_duration(string unit)
    {
        var schedule = Schedule($$"""{"endpoint": "m", "unit": "{{unit}}", "pricing_type": "fixed", "price": 0.5}""", Spec("duration", ParameterType.Int, "5"));

        Assert.Equal(Cny(5m), schedule.Quote(Parameters("""{"duration": 10}""")));
        Assert.Equal(Cny(2.5m), schedule.Quote(Parameters("{}")));
    }

    [Theory]
    [InlineData("seconds")]
    [InlineData("length")]
    public void Per_second_price_also_reads_seconds_or_length(string field)
    {
        var schedule = Schedule("""{"endpoint": "m", "unit": "/秒", "pricing_type": "fixed", "price": 0.1}""", Spec(field, ParameterType.List));

        Assert.Equal(Cny(0.8m), schedule.Quote(Parameters($$"""{"{{field}}": "8"}""")));
    }

    [Fact]
    public void Per_five_seconds_price_counts_started_blocks()
    {
        var schedule = Schedule("""{"endpoint": "m", "unit": "/5秒", "pricing_type": "fixed", "price": 0.35}""", Spec("duration", ParameterType.Int));

        Assert.Equal(Cny(0.70m), schedule.Quote(Parameters("""{"duration": 10}""")));
        Assert.Equal(Cny(1.05m), schedule.Quote(Parameters("""{"duration": 11}""")));
    }

    [Fact]
    public void Per_second_price_without_a_usable_duration_cannot_be_quoted()
    {
        var schedule = Schedule("""{"endpoint": "m", "unit": "/秒", "pricing_type": "fixed", "price": 0.5}""", Spec("duration", ParameterType.List));

        Assert.Null(schedule.Quote(Parameters("{}")));
        Assert.Null(schedule.Quote(Parameters("""{"duration": "0"}""")));
        Assert.Null(schedule.Quote(Parameters("""{"duration": "long"}""")));
    }

    [Fact]
    public void Per_second_price_of_a_model_without_a_duration_parameter_is_not_bound()
    {
        var prices = RegistryReader.ReadPricing(Json("""{"pricing": [{"endpoint": "m", "unit": "/秒", "pricing_type": "fixed", "price": 0.5}]}"""), "test");

        Assert.Null(prices["m"].ForModel([Spec("videoUrl", ParameterType.Video)]));
    }

    [Fact]
    public void Per_image_price_is_multiplied_by_the_image_count_or_charged_once()
    {
        var counted = Schedule("""{"endpoint": "m", "unit": "/张", "pricing_type": "fixed", "price": 0.2}""", Spec("numImages", ParameterType.Int, "1"));
        var uncounted = Schedule("""{"endpoint": "m", "unit": "/张", "pricing_type": "fixed", "price": 0.2}""", Spec("prompt", ParameterType.String));

        Assert.Equal(Cny(0.8m), counted.Quote(Parameters("""{"numImages": 4}""")));
        Assert.Equal(Cny(0.2m), counted.Quote(Parameters("{}")));
        Assert.Equal(Cny(0.2m), uncounted.Quote(Parameters("""{"prompt": "x"}""")));
    }

    [Theory]
    [InlineData(1, "0.31")]
    [InlineData(1000, "0.31")]
    [InlineData(1001, "0.62")]
    [InlineData(2500, "0.93")]
    public void Per_thousand_characters_price_counts_started_thousands(int characters, string expected)
    {
        var schedule = Schedule("""{"endpoint": "m", "unit": "/1000字符", "pricing_type": "fixed", "price": 0.31}""", Spec("text", ParameterType.String));
        var text = JsonSerializer.Serialize(new string('a', characters));

        Assert.Equal(expected, schedule.Quote(Parameters($$"""{"text": {{text}}}""")).ToString());
    }

    [Fact]
    public void Parameter_based_price_compares_numbers_and_booleans_by_their_text()
    {
        var schedule = Schedule("""
            {"endpoint": "m", "unit": "/次", "pricing_type": "parameter_based", "depends_on": ["n", "hd"],
             "rules": [{"when": {"n": "2", "hd": "true"}, "price": 0.4}, {"when": {"n": "2", "hd": "false"}, "price": 0.2}]}
            """);

        Assert.Equal(Cny(0.4m), schedule.Quote(Parameters("""{"n": 2, "hd": true}""")));
        Assert.Equal(Cny(0.2m), schedule.Quote(Parameters("""{"n": "2", "hd": "false"}""")));
    }

    [Fact]
    public void Parameter_based_price_without_a_matching_rule_is_null()
    {
        var schedule = Schedule("""
            {"endpoint": "m", "unit": "/次", "pricing_type": "parameter_based",
             "rules": [{"when": {"resolution": "720p"}, "price": 0.9}]}
            """);

        Assert.Null(schedule.Quote(Parameters("""{"resolution": "4k"}""")));
        Assert.Null(schedule.Quote(Parameters("{}")));
    }

    [Fact]
    public void Empty_condition_matches_any_value()
    {
        var schedule = Schedule("""
            {"endpoint": "m", "unit": "/次", "pricing_type": "parameter_based", "depends_on": ["n"],
             "rules": [{"when": {"n": ""}, "price": 0.13}]}
            """, Spec("n", ParameterType.Int, "1"));

        Assert.Equal(Cny(0.13m), schedule.Quote(Parameters("""{"n": 4}""")));
    }

    [Theory]
    [InlineData("""{"endpoint": "m", "unit": "/参考视频秒+0.001/次起", "pricing_type": "unparsed"}""")]
    [InlineData("""{"endpoint": "m", "unit": "/参考视频秒+0.001/次起", "pricing_type": "fixed", "price": 1}""")]
    [InlineData("""{"endpoint": "m", "currency": "USD", "unit": "/次", "pricing_type": "fixed", "price": 1}""")]
    public void Prices_runhub_cannot_compute_are_left_out(string entry)
    {
        var prices = RegistryReader.ReadPricing(Json($$"""{"pricing": [{{entry}}]}"""), "test");

        Assert.Empty(prices);
    }

    [Fact]
    public void Fixed_factory_makes_a_per_call_price()
    {
        var schedule = PriceSchedule.Fixed(Cny(0.03m));

        Assert.Equal(PriceUnitKind.PerCall, schedule.Unit.Kind);
        Assert.Equal(Cny(0.03m), schedule.Quote(Parameters("{}")));
    }
}
