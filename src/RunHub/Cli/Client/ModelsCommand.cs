using System.CommandLine;
using RunHub.Client;
using Spectre.Console;

namespace RunHub.Cli.Client;

/// <summary>
/// <c>runhub models [--search WORD]</c>: the models the server lists (a RunHub extension). A table on a terminal,
/// tab-separated lines in a pipe. Needs no key: the listing is public.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create(ClientConnection connection)
    {
        var json = new Option<bool>("--json") { Description = "Print the models as JSON, in RunningHub's registry shape with prices" };
        var search = new Option<string?>("--search") { Description = "Only models whose endpoint or display name contains WORD (any case)", HelpName = "WORD" };
        var command = new Command("models", "List the models the server serves, with output type and price") { search, json };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => ClientAction.RunAsync(async () =>
        {
            using var client = connection.Open(parse, keyRequired: false);
            var word = parse.GetValue(search)?.Trim() ?? "";
            var models = (await client.ListModelsAsync(cancellationToken))
                .Where(m => m.Endpoint.Contains(word, StringComparison.OrdinalIgnoreCase)
                    || (m.DisplayName?.Contains(word, StringComparison.OrdinalIgnoreCase) ?? false))
                .ToList();
            if (parse.GetValue(json)) ClientJson.Print(models.Select(m => m.Raw));
            else if (Console.IsOutputRedirected) PrintLines(models);
            else PrintTable(models);
            return ClientExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>One model a line, fields by tabs, for cut and awk.</summary>
    private static void PrintLines(IEnumerable<ModelInfo> models)
    {
        foreach (var m in models)
            Console.Out.WriteLine(string.Join('\t', m.Endpoint, m.OutputType ?? "", m.PriceText ?? "", m.DisplayName ?? ""));
    }

    private static void PrintTable(IReadOnlyCollection<ModelInfo> models)
    {
        // Endpoints are what users copy into `runhub run`: never broken across lines; names may wrap.
        var table = new Table().AddColumns(new TableColumn("Endpoint").NoWrap(), new TableColumn("Output"), new TableColumn("Price").NoWrap(), new TableColumn("Name"));
        foreach (var m in models)
            table.AddRow(Markup.Escape(m.Endpoint), Markup.Escape(m.OutputType ?? ""), Markup.Escape(m.PriceText ?? "—"), Markup.Escape(m.DisplayName ?? ""));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]{models.Count} model{(models.Count == 1 ? "" : "s")}[/]");
    }
}
