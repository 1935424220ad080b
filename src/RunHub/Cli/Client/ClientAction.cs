using RunHub.Client;

namespace RunHub.Cli.Client;

/// <summary>
/// Runs a client command and turns what can go wrong into one line on stderr and an exit code, never a stack
/// trace: a user of the terminal needs the server's code and message, not the SDK's internals.
/// </summary>
internal static class ClientAction
{
    public static async Task<int> RunAsync(Func<Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action();
        }
        catch (UsageException e)
        {
            foreach (var problem in e.Problems) Error(problem);
            return ClientExitCodes.Usage;
        }
        catch (RunHubException e)
        {
            Error($"{e.ErrorCode} {e.ErrorMessage}");
            return ClientExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Error("cancelled");
            return ClientExitCodes.Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reading an input or writing a result on this machine failed: the server is not at fault.
            Error(e.Message);
            return ClientExitCodes.Failed;
        }
    }

    public static void Error(string message) => Console.Error.WriteLine("runhub: " + message);
}
