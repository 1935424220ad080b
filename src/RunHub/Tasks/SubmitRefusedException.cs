namespace RunHub.Tasks;

/// <summary>
/// Thrown inside a submit's transaction, after its task row is written, to roll its writes back (in a group commit
/// with the rest of its batch, which then runs again with a savepoint per operation); <see cref="TaskQueue.SubmitAsync"/>
/// turns it into its <see cref="SubmitResult"/>.
/// </summary>
internal sealed class SubmitRefusedException(SubmitOutcome outcome) : Exception(outcome.ToString())
{
    public SubmitOutcome Outcome { get; } = outcome;
}
