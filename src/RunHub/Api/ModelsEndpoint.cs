using System.Text;
using RunHub.Catalog;

namespace RunHub.Api;

/// <summary>
/// <c>GET /openapi/v2/models</c> — a RunHub extension: the served catalog in RunningHub's registry shape with
/// prices, so clients can discover models and validate requests before sending them. No key is needed: the
/// public RunningHub registry is public too. The catalog does not change while the server runs, so the
/// answer is written once.
/// </summary>
public sealed class ModelsEndpoint(ModelCatalog catalog)
{
    private readonly byte[] _body = Encoding.UTF8.GetBytes(RegistryWriter.Write(catalog.Models, "runhub").ToJsonString());

    public IResult Handle() => Results.Bytes(_body, "application/json; charset=utf-8");
}
