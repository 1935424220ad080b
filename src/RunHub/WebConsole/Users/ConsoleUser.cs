namespace RunHub.WebConsole.Users;

/// <summary>A person who signs in to the console: a row of <c>users</c>, with its account's state. Times are Unix ms.</summary>
public sealed record ConsoleUser
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    /// <summary>Lower-cased, trimmed.</summary>
    public required string Email { get; init; }
    /// <summary>ASP.NET Core Identity's <c>PasswordHasher</c> format (PBKDF2-HMAC-SHA512, salted).</summary>
    public required string PasswordHash { get; init; }
    public bool IsOperator { get; init; }
    /// <summary>Changes when every session must end (password change, sign out everywhere).</summary>
    public required string SecurityStamp { get; init; }
    /// <summary>Base32 TOTP secret while two-factor sign-in is on.</summary>
    public string? TotpSecret { get; init; }
    /// <summary>JSON array of SHA-256 hashes (hex) of the unused recovery codes.</summary>
    public string? RecoveryCodes { get; init; }
    /// <summary>The last TOTP time step accepted, so a code is never accepted twice.</summary>
    public long? TotpLastStep { get; init; }
    /// <summary>Wrong second-factor codes in a row (wrong passwords are counted per email: <see cref="PasswordFailures"/>).</summary>
    public long FailedSignIns { get; init; }
    /// <summary>Until when wrong second-factor codes lock this user out, if they do.</summary>
    public long? LockedUntil { get; init; }
    public long? DisabledAt { get; init; }
    public long? AccountDisabledAt { get; init; }
    public long CreatedAt { get; init; }
    public long? LastSignInAt { get; init; }

    public bool TwoFactorEnabled => TotpSecret is not null;

    /// <summary>Disabled itself or through its account: it cannot sign in and its sessions end.</summary>
    public bool IsDisabled => DisabledAt is not null || AccountDisabledAt is not null;
}
