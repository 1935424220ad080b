namespace RunHub.Tests.Client.Support;

/// <summary>
/// Lets the first submit reach the server and be processed, then throws away its answer as a dropped connection
/// would: the one case where the client cannot know whether a task was created.
/// </summary>
internal sealed class LoseFirstSubmitAnswer : DelegatingHandler
{
    private int _lost;

    public List<string?> SubmitKeys { get; } = [];

    public LoseFirstSubmitAnswer() { }

    public LoseFirstSubmitAnswer(HttpMessageHandler inner) : base(inner) { }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isSubmit = request.RequestUri!.AbsolutePath.EndsWith("/rhart-image-g-1.5/text-to-image", StringComparison.Ordinal);
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
