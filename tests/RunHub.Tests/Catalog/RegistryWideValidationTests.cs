using System.Text.Json.Nodes;
using RunHub.Catalog;
using static RunHub.Tests.Catalog.RunningHubRegistry;

namespace RunHub.Tests.Catalog;

/// <summary>Every schema of the public registry, exercised with the smallest request it should accept.</summary>
public class RegistryWideValidationTests
{
    /// <summary>Only the fields a client must send: required ones the validator will not default.</summary>
    private static JsonObject MinimalBody(ModelEntry model)
    {
        var body = new JsonObject();
        foreach (var p in model.Parameters.Where(p => p.Required && p.AppliedDefault is null))
        {
            body[p.FieldKey] = p.Type switch
            {
                ParameterType.String => "a small test value",
                ParameterType.List => p.Options[0],
                ParameterType.Boolean => true,
                ParameterType.Int => (long)(p.Min ?? Math.Min(1, p.Max ?? 1)),
                ParameterType.Float => p.Min ?? 0,
                _ when p.MultipleInputs => new JsonArray("https://example.com/input-file"),
                _ => "https://example.com/input-file",
            };
        }
        return body;
    }

    [Fact]
    public void Every_registry_model_accepts_its_minimal_request_and_fills_in_its_settings()
    {
        var failures = new List<string>();
        foreach (var model in Models)
        {
            var outcome = RequestValidator.Validate(model, Json(MinimalBody(model).ToJsonString()), strict: true);
            if (!outcome.IsValid)
            {
                failures.Add($"{model.Endpoint}: {outcome.ErrorMessage}");
                continue;
            }
            var missing = model.Parameters.Where(p => p.AppliedDefault is not null && !outcome.Request.Parameters.ContainsKey(p.FieldKey));
            failures.AddRange(missing.Select(p => $"{model.Endpoint}: default of {p.FieldKey} not applied"));
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Every_registry_model_refuses_an_empty_body_only_for_fields_it_cannot_default()
    {
        foreach (var model in Models)
        {
            var expected = model.Parameters.Where(p => p.Required && p.AppliedDefault is null).Select(p => $"{p.FieldKey}: required").ToList();

            var outcome = RequestValidator.Validate(model, Json("{}"), strict: true);

            Assert.Equal(expected, outcome.Errors);
        }
    }
}
