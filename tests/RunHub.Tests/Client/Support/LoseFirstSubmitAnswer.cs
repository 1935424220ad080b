namespace RunHub.Tests.Client.Support;

/// <summary>
/// Lets the first submit reach the server and be processed, then throws away its answer as a dropped connection
/// would: the one case where the client cannot know whether a task was created.
/// </summary>
internal sealed class LoseFirstSubmitAnswer : DelegatingHandler
{
    private readonly string _submitPath = "/rhart-image-g-1.5/text-to-image";
    private int _lost;

    public List<string?> SubmitKeys { get; } = [];

    public LoseFirstSubmitAnswer() { }

    public LoseFirstSubmitAnswer(HttpMessageHandler inner) : base(inner) { }

    /// <param name="inner">The real transport.</param>
    /// <param name="submitPath">The end of the submit's path, e.g. <c>/run/workflow/ID</c> (text-to-image's by default).</param>
    public LoseFirstSubmitAnswer(HttpMessageHandler inner, string submitPath) : base(inner) => _submitPath = submitPath;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isSubmit = request.RequestUri!.AbsolutePath.EndsWith(_submitPath, StringComparison.Ordinal);
        if (isSubmit)
            lock (SubmitKeys) SubmitKeys.Add(request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null);
        var response = await base.SendAsync(request, cancellationToken);
        if (isSubmit && Interlocked.Exchange(ref _lost, 1) == 0)
        {
            response.Dispose();
            throw new HttpRequestException("The response ended prematurely (simulated lost answer).");
        }
        return response;
    }
}
