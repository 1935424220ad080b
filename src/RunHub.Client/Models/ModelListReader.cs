using System.Text.Json;

namespace RunHub.Client;

/// <summary>Reads <c>GET {base}/models</c>: <c>{version, model_count, models: [registry entry + pricing]}</c>.</summary>
internal static class ModelListReader
{
    private const string NotListed = "this server does not list models";

    public static async Task<IReadOnlyList<ModelInfo>> GetAsync(ApiTransport transport, Uri url, CancellationToken cancellationToken)
    {
        ServerAnswer answer;
        try
        {
            answer = await transport.SendAsync(new ApiCall
            {
                Operation = "models",
                CreateRequest = () => new HttpRequestMessage(HttpMethod.Get, url),
                ExpectsTask = false,
                LostAnswerIsSafeToResend = true,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RunHubException e) when (!e.IsRetryable)
        {
            // RunningHub has no such endpoint: it answers 404 or an error code. Say what that means.
            throw new RunHubException(e.ErrorCode, $"{NotListed} (GET {url} answered: {e.ErrorMessage})", null, e);
        }
        var models = JsonText.Child(((ServerAnswer.Payload)answer).Data, "models", JsonValueKind.Array);
        if (models.ValueKind != JsonValueKind.Array)
            throw new RunHubException(RunHubErrorCodes.InvalidResponse, $"{NotListed} (GET {url} answered without a models list)");
        return models.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.Object).Select(Read).ToList();
    }

    private static ModelInfo Read(JsonElement model) => new(
        JsonText.Read(model, "endpoint") ?? "",
        JsonText.Read(model, "output_type"),
        JsonText.Read(model, "display_name"),
        JsonText.Read(model, "category"),
        PriceText.Of(JsonText.Child(model, "pricing", JsonValueKind.Object)),
        ParametersOf(JsonText.Child(model, "params", JsonValueKind.Array)),
        model.Clone());

    private static List<ModelParameter> ParametersOf(JsonElement parameters)
    {
        var list = new List<ModelParameter>();
        if (parameters.ValueKind != JsonValueKind.Array) return list;
        foreach (var parameter in parameters.EnumerateArray())
        {
            if (parameter.ValueKind != JsonValueKind.Object) continue;
            var options = JsonText.Child(parameter, "options", JsonValueKind.Array);
            list.Add(new ModelParameter(
                JsonText.Read(parameter, "fieldKey") ?? "",
                JsonText.Read(parameter, "type") ?? "",
                JsonText.Read(parameter, "required") == "true",
                options.ValueKind == JsonValueKind.Array
                    ? options.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Object ? JsonText.Read(o, "value") : JsonText.Of(o)).OfType<string>().ToList()
                    : [],
                JsonText.Read(parameter, "defaultValue"),
                parameter.Clone()));
        }
        return list;
    }
}
