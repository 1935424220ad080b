using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RunHub.ApiDocs;
using RunHub.Tests.Support;

namespace RunHub.Tests.ApiDocs;

/// <summary>The OpenAPI document at /openapi/v1.json: valid, complete, and true to what the server answers.</summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private TestServer _server = null!;
    private string _text = "";
    private JsonObject _document = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _text = await _server.Http.GetStringAsync(ApiDocsRoutes.DocumentPath);
        _document = JsonNode.Parse(_text)!.AsObject();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private JsonObject Paths => _document["paths"]!.AsObject();

    [OpenApiValidatorFact]
    public async Task The_document_passes_an_independent_OpenAPI_validator()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "runhub.json");
        await File.WriteAllTextAsync(path, _text);

        var (exitCode, output) = await OpenApiValidator.ValidateAsync(path);

        Assert.True(exitCode == 0, "the validator refused the document:\n" + output);
        Assert.StartsWith("3.1", (string)_document["openapi"]!);
    }

    [OpenApiValidatorFact]
    public async Task The_validator_refuses_a_broken_document()
    {
        // The check above can fail: the same validator on the document with a dangling reference says no.
        using var dir = new TempDirectory();
        var broken = JsonNode.Parse(_text)!.AsObject();
        broken["paths"]!["/openapi/v2/query"]!["post"]!["responses"]!["200"] = new JsonObject { ["$ref"] = "#/components/responses/Missing" };
        var path = Path.Combine(dir.Path, "broken.json");
        await File.WriteAllTextAsync(path, broken.ToJsonString());

        var (exitCode, _) = await OpenApiValidator.ValidateAsync(path);

        Assert.NotEqual(0, exitCode);
    }

    [Fact]
    public void Every_mapped_route_and_method_is_in_the_document_or_says_why_not()
    {
        var documented = Paths.ToDictionary(p => ApiPaths.Shape(p.Key), p => p.Value!.AsObject(), StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var route in _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var shape = ApiPaths.Shape(route.RoutePattern.RawText ?? "");
            var methods = route.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["(any method)"];
            var why = route.Metadata.GetMetadata<NotAnOperationMetadata>()?.Why;
            if (why is not null)
            {
                Assert.False(string.IsNullOrWhiteSpace(why), $"{shape}: NotAnOperation needs a reason");
                continue;
            }
            if (route.Metadata.GetMetadata<MethodRefusalMetadata>() is not null)
            {
                // Refusing other methods is part of the path's real operation, which must be documented.
                if (!documented.ContainsKey(shape)) missing.Add($"{shape} (its method refusal has no documented operation)");
                continue;
            }
            foreach (var method in methods)
                if (!documented.TryGetValue(shape, out var item) || item[method.ToLowerInvariant()] is null)
                    missing.Add($"{method} {shape}");
        }
        Assert.True(missing.Count == 0, "routes missing from the OpenAPI document (describe them with RouteDocs, docs/api-docs.md):\n" +
            string.Join("\n", missing));
    }

    [Fact]
    public void Every_operation_has_a_family_a_summary_and_its_own_id()
    {
        var families = ApiFamily.All.Select(f => f.Tag).ToHashSet();
        var ids = new List<string>();
        foreach (var (path, item) in Paths)
            foreach (var (method, operation) in item!.AsObject().Where(o => Methods.Contains(o.Key)))
            {
                var where = $"{method.ToUpperInvariant()} {path}";
                var tags = operation!["tags"]?.AsArray().Select(t => (string)t!).ToList() ?? [];
                Assert.True(tags.Count == 1 && families.Contains(tags[0]), $"{where}: tags {string.Join(",", tags)} are not one family");
                Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), $"{where}: no summary");
                ids.Add((string?)operation["operationId"] ?? throw new Xunit.Sdk.XunitException($"{where}: no operationId"));
            }
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(families.Order(), ((JsonArray)_document["tags"]!).Select(t => (string)t!["name"]!).Order());
    }

    /// <summary>Before 2026-12-01 the header was named only in the descriptions, so clients generated from the document lacked it.</summary>
    [Fact]
    public void The_routes_that_honour_Idempotency_Key_declare_it_and_the_replayed_answer_header()
    {
        string[] runs = ["/openapi/v2/{endpoint}", "/task/openapi/create", "/task/openapi/ai-app/run", "/openapi/v2/run/workflow/{workflowId}",
            "/openapi/v2/run/ai-app/{webappId}"];
        foreach (var path in runs)
        {
            var operation = Paths[path]!["post"]!;
            var key = Assert.Single(operation["parameters"]!.AsArray(), p => (string)p!["name"]! == "Idempotency-Key")!;
            Assert.Equal("header", (string)key["in"]!);
            Assert.False((bool?)key["required"] ?? false, path);
            Assert.Equal(255, (int)key["schema"]!["maxLength"]!);
            Assert.True((bool)key["x-runhub-extension"]!, path);
            Assert.NotNull(operation["responses"]!["200"]!["headers"]!["Idempotent-Replayed"]);
        }
        Assert.DoesNotContain(Paths["/openapi/v2/query"]!["post"]!["parameters"]?.AsArray() ?? [], p => (string)p!["name"]! == "Idempotency-Key");
    }

    [Fact]
    public void RunHub_extensions_are_marked_and_RunningHub_routes_are_not()
    {
        bool Marked(string path, string method) => (bool?)Paths[path]![method]!["x-runhub-extension"] == true;

        Assert.True(Marked("/openapi/v2/cancel", "post"));
        Assert.True(Marked("/openapi/v2/models", "get"));
        Assert.True(Marked("/healthz", "get"));
        Assert.StartsWith("**RunHub extension**", (string)Paths["/openapi/v2/cancel"]!["post"]!["description"]!);
        Assert.False(Marked("/openapi/v2/query", "post"));
        Assert.False(Marked("/openapi/v2/media/upload/binary", "post"));
        Assert.False(Marked("/uc/openapi/accountStatus", "post"));
    }

    [Fact]
    public void Operations_list_their_error_codes_and_the_key_they_need()
    {
        var query = Paths["/openapi/v2/query"]!["post"]!;
        var codes = query["x-runhub-error-codes"]!.AsArray().Select(c => (string)c!["code"]!).ToList();
        Assert.Equal(["1002", "1007", "1004"], codes);
        Assert.Contains("| `1004` |", (string)query["description"]!);
        Assert.Equal("bearer", query["security"]![0]!.AsObject().Single().Key);
        Assert.Equal("http", (string)_document["components"]!["securitySchemes"]!["bearer"]!["type"]!);
        Assert.Contains("`1009`", (string)Paths["/openapi/v2/{endpoint}"]!["post"]!["description"]!);
        Assert.Null(Paths["/openapi/v2/models"]!["get"]!["security"]);
    }

    [Fact]
    public async Task The_documented_task_object_is_what_submit_and_query_answer()
    {
        var caller = await _server.NewCallerAsync();
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "a lighthouse at dawn", aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        var schema = _document["components"]!["schemas"]!["TaskObject"]!;
        var required = schema["required"]!.AsArray().Select(r => (string)r!).ToHashSet();
        var properties = schema["properties"]!.AsObject().Select(p => p.Key).ToHashSet();

        foreach (var answer in new[] { submitted, done })
        {
            Assert.Subset(answer.Select(p => p.Key).ToHashSet(), required);
            Assert.Superset(answer.Select(p => p.Key).ToHashSet(), properties);
        }
        var example = Paths["/openapi/v2/query"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["examples"]!["success"]!["value"]!;
        Assert.Equal(done.Select(p => p.Key).Order(), example.AsObject().Select(p => p.Key).Order());
        Assert.Equal("SUCCESS", (string)done["status"]!);
    }

    [Fact]
    public async Task The_reference_page_loads_its_script_from_this_server_only()
    {
        var page = await _server.Http.GetStringAsync(ApiDocsRoutes.ReferencePath + "/");

        Assert.Contains("<script src=\"scalar.js\"></script>", page);
        Assert.DoesNotContain("http://", page);
        Assert.DoesNotContain("https://", page);
        Assert.Contains("openapi/v1.json", page);
        using var script = await _server.Http.GetAsync(ApiDocsRoutes.ReferencePath + "/scalar.js");
        Assert.True(script.IsSuccessStatusCode);
        Assert.Contains("javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }

    [Fact]
    public async Task The_front_page_links_to_the_docs_the_document_and_the_health_check()
    {
        using var response = await _server.Http.GetAsync("/");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("href=\"/docs\"", page);
        Assert.Contains("href=\"/openapi/v1.json\"", page);
        Assert.Contains("href=\"/healthz\"", page);
        // No console is mapped on this server yet, so there is no link to one.
        Assert.Equal(_server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Any(e => (e.RoutePattern.RawText ?? "").TrimStart('/').StartsWith("console", StringComparison.Ordinal)), page.Contains("href=\"/console\""));
        Assert.DoesNotContain("<script", page);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task The_front_page_names_the_servers_own_address_whatever_host_the_request_names()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "evil.example";
        using var response = await _server.Http.SendAsync(request);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<code>{_server.BaseUrl}/openapi/v2</code>", page);
        Assert.DoesNotContain("evil.example", page);
    }
}
