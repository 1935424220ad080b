using System.Diagnostics;
using RunHub.Client;
using Spectre.Console;

namespace RunHub.Cli.Client;

/// <summary>
/// Shows a task while it is waited for. On a terminal: a live status line (spinner, status, elapsed time, queue
/// information, and the server's progress report when it sends one). Otherwise (stdout piped or redirected): one
/// plain line on stderr per change of status or progress, so stdout stays clean for the result paths a script reads.
/// </summary>
internal sealed class ProgressDisplay : IProgress<TaskUpdate>
{
    private readonly bool _live;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private RunHubTask _latest;
    private string? _printedStatus;

    /// <param name="submitted">The task as the submit returned it; the clock starts now.</param>
    /// <param name="live">Whether to draw a live status line (on a terminal) rather than plain lines.</param>
    public ProgressDisplay(RunHubTask submitted, bool live)
    {
        _live = live;
        _latest = submitted;
        if (!_live) PrintIfChanged(submitted);
    }

    /// <summary>A live line when stdout is a terminal, where the results will be printed too.</summary>
    public static bool TerminalIsInteractive => !Console.IsOutputRedirected;

    /// <summary>
    /// Called by the SDK's wait on each poll where the task changed. Implemented directly rather than with
    /// <see cref="Progress{T}"/>, which posts to the thread pool and could print RUNNING after SUCCESS.
    /// </summary>
    public void Report(TaskUpdate value)
    {
        lock (_lock)
        {
            _latest = value.Task;
            if (!_live) PrintIfChanged(value.Task);
        }
    }

    /// <summary>Runs the wait, drawing the live line meanwhile when there is a terminal.</summary>
    public async Task<RunHubTask> ShowWhileAsync(Func<Task<RunHubTask>> wait)
    {
        if (!_live) return await wait();
        return await AnsiConsole.Status()
            .Spinner(Spinner.Known.Dots)
            .StartAsync(LiveText(), async context =>
            {
                var waiting = wait();
                // The elapsed time ticks between polls too, so the line is redrawn on a short beat, not per poll.
                while (!waiting.IsCompleted)
                {
                    context.Status(LiveText());
                    await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(100)));
                }
                return await waiting;
            });
    }

    /// <summary>The last line, once the task has ended or the wait has stopped: the live line leaves nothing behind.</summary>
    public void Finish(RunHubTask? last)
    {
        lock (_lock)
        {
            if (last is not null) _latest = last;
            if (_live) Console.Error.WriteLine(PlainText(_latest));
            else PrintIfChanged(_latest);
        }
    }

    private void PrintIfChanged(RunHubTask task)
    {
        var status = TaskText.Status(task) + " " + TaskText.Progress(task);
        if (status == _printedStatus) return;
        _printedStatus = status;
        Console.Error.WriteLine(PlainText(task));
    }

    private string PlainText(RunHubTask task) => TaskText.Line(task, _clock.Elapsed);

    private string LiveText()
    {
        RunHubTask task;
        lock (_lock) task = _latest;
        var progress = TaskText.Progress(task);
        var queue = TaskText.Queue(task);
        return $"[bold]{Markup.Escape(TaskText.Status(task))}[/] {TaskText.Seconds(_clock.Elapsed)}  [grey]{Markup.Escape(task.TaskId)}[/]"
            + (progress.Length > 0 ? "  " + Markup.Escape(progress) : "")
            + (queue.Length > 0 ? "  " + Markup.Escape(queue) : "");
    }
}
