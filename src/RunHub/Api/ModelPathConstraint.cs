namespace RunHub.Api;

/// <summary>
/// The submit route's <c>{**endpoint}</c> takes any path under <c>/openapi/v2/</c> except those of the v2 calls that
/// answer in another shape (<c>media/</c>, <c>api-key/</c>, <c>queue/</c>, <c>tasks</c>), so a wrong path or method there is answered
/// in that call's own shape instead of as an unknown model.
/// </summary>
public sealed class ModelPathConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value)
        && AnswerShapes.Of("/openapi/v2/" + (value as string ?? "").TrimStart('/')) == AnswerShape.TaskObject;
}
