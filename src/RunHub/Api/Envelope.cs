using RunHub.Wire;

namespace RunHub.Api;

/// <summary>
/// RunningHub's <c>{"code": 0, "msg": "success", "data": ...}</c> answer, used by its workflow API (v1:
/// <c>/task/openapi/</c>, <c>/api/openapi/</c>, <c>/uc/openapi/</c>) and its v2 account calls
/// (<c>/openapi/v2/api-key/list</c>, <c>/openapi/v2/queue/status</c>). <c>code</c> is a number: 0 for success,
/// else one of <see cref="RunHub.Client.RunHubErrorCodes"/>, with <c>data: null</c>.
/// </summary>
public sealed record Envelope<T>(int Code, string Msg, T? Data)
{
    public static Envelope<T> Success(T data) => new(0, "success", data);
}

/// <summary>Refusals in the <see cref="Envelope{T}"/> shape.</summary>
public static class Envelope
{
    public static Envelope<object> Error(string code, string message) => new(int.Parse(code), ErrorMessages.Refusal(code, message), null);
}
