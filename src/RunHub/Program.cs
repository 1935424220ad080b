return await RunHub.Console.RunHubCommandLine.RunAsync(args);
