namespace RunHub.WebConsole.Users;

/// <summary>
/// What a password must be (NIST SP 800-63B's advice: length, not composition rules): 10 to 200 characters, and not
/// the email address.
/// </summary>
public static class PasswordRules
{
    public const int MinLength = 10;
    public const int MaxLength = 200;

    /// <summary>Null when <paramref name="password"/> is acceptable, else what is wrong with it.</summary>
    public static string? Problem(string? password, string email)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinLength) return $"Password: use at least {MinLength} characters.";
        if (password.Length > MaxLength) return $"Password: use at most {MaxLength} characters.";
        if (string.Equals(password.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase)) return "Password: it cannot be your email address.";
        return null;
    }

    /// <summary>Null when <paramref name="email"/> looks like an address (one @, a dot in the domain, no spaces), else the problem.</summary>
    public static string? EmailProblem(string? email)
    {
        var e = email?.Trim() ?? "";
        var at = e.IndexOf('@');
        if (e.Length is < 3 or > 254 || at < 1 || at != e.LastIndexOf('@') || !e[(at + 1)..].Contains('.') || e.Any(char.IsWhiteSpace) || e.EndsWith('.'))
            return "Email: enter an address such as name@example.com.";
        return null;
    }

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
