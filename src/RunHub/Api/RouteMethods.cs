using Microsoft.AspNetCore.Routing.Template;

namespace RunHub.Api;

/// <summary>
/// The HTTP methods the routes whose pattern matches a path take, whatever the method of the request at hand: what a
/// 1009 answer names. Routing itself cannot say it when a catch-all of another method (the submit route) matched the
/// path and was then turned down by its constraint, so the route table is asked. Catch-all routes are left out: they
/// match every path below them, and say nothing about this one.
/// </summary>
public sealed class RouteMethods(EndpointDataSource endpoints)
{
    public IReadOnlyList<string> For(PathString path)
    {
        var methods = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern;
            if (pattern.Parameters.Any(p => p.IsCatchAll) || endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } accepted) continue;
            if (!new TemplateMatcher(new RouteTemplate(pattern), new RouteValueDictionary()).TryMatch(path, new RouteValueDictionary())) continue;
            foreach (var method in accepted.HttpMethods) methods.Add(method);
        }
        return [.. methods];
    }
}
