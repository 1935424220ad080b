using RunHub.Cli;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli;

/// <summary>The words printed for a shell to run this program again, on real files and links.</summary>
public sealed class SelfCommandTests
{
    private static string Executable(string folder, string name = "runhub", bool executable = true)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, name);
        File.WriteAllText(file, "");
        if (executable && !OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return file;
    }

    [Fact]
    public void Program_run_by_the_dotnet_host_on_the_path_is_named_as_dotnet_and_its_assembly()
    {
        using var dir = new TempDirectory();
        var host = Executable(Path.Combine(dir.Path, "sdk"), "dotnet");
        Assert.Equal("dotnet /opt/app/runhub.dll", SelfCommand.Invocation(host, "/opt/app/runhub.dll", Path.GetDirectoryName(host)));
    }

    [Fact]
    public void A_dotnet_host_that_is_not_the_one_on_the_path_is_named_by_its_path()
    {
        using var dir = new TempDirectory();
        var host = Executable(Path.Combine(dir.Path, "private"), "dotnet");
        var other = Executable(Path.Combine(dir.Path, "usr"), "dotnet");
        Assert.Equal($"{host} /opt/app/runhub.dll", SelfCommand.Invocation(host, "/opt/app/runhub.dll", Path.GetDirectoryName(other)));
    }

    [Fact]
    public void Executable_outside_the_path_is_named_by_its_full_path_as_after_dotnet_run()
    {
        using var dir = new TempDirectory();
        var built = Executable(Path.Combine(dir.Path, "src", "RunHub", "bin"));
        Assert.Equal(built, SelfCommand.Invocation(built, "", Path.Combine(dir.Path, "elsewhere") + Path.PathSeparator + "/usr/bin"));
    }

    [Fact]
    public void Executable_linked_from_a_folder_on_the_path_is_named_runhub()
    {
        using var dir = new TempDirectory();
        var installed = Executable(Path.Combine(dir.Path, "opt"));
        var bin = Directory.CreateDirectory(Path.Combine(dir.Path, "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "runhub"), installed);
        Assert.Equal("runhub", SelfCommand.Invocation(installed, "", "/nonexistent" + Path.PathSeparator + bin));
    }

    [Fact]
    public void Another_runhub_earlier_on_the_path_is_not_taken_for_this_one_and_a_path_with_a_space_is_quoted()
    {
        using var dir = new TempDirectory();
        var other = Executable(Path.Combine(dir.Path, "old"));
        var mine = Executable(Path.Combine(dir.Path, "new program"));
        Assert.Equal($"'{mine}'", SelfCommand.Invocation(mine, "", Path.GetDirectoryName(other) + Path.PathSeparator + Path.GetDirectoryName(mine)));
    }

    [Fact]
    public void A_file_of_that_name_that_is_not_executable_is_passed_over_as_the_shell_does()
    {
        using var dir = new TempDirectory();
        var plain = Executable(Path.Combine(dir.Path, "notes"), executable: false);
        var mine = Executable(Path.Combine(dir.Path, "bin"));
        Assert.Equal("runhub", SelfCommand.Invocation(mine, "", Path.GetDirectoryName(plain) + Path.PathSeparator + Path.GetDirectoryName(mine)));
    }

    [Theory]
    [InlineData("/var/lib/runhub", "/var/lib/runhub")]
    [InlineData("/data/my files", "'/data/my files'")]
    [InlineData("/data/$HOME/`id`", "'/data/$HOME/`id`'")]
    [InlineData("/data/it's", "'/data/it'\\''s'")]
    public async Task Paths_are_quoted_for_a_posix_shell_only_where_it_needs_it_and_the_shell_reads_them_back(string path, string word)
    {
        Assert.Equal(word, SelfCommand.Quoted(path));

        var shell = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        shell.ArgumentList.Add("-c");
        shell.ArgumentList.Add("printf %s " + word);
        using var process = System.Diagnostics.Process.Start(shell)!;
        var echoed = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(path, echoed);
    }
}
