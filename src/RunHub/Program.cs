return await RunHub.Cli.RunHubCommandLine.RunAsync(args);
