using System.Data.Common;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Data;

namespace RunHub.WebConsole.Users;

/// <summary>
/// The console's users: create (sign-up, <c>runhub admin create</c>), check a password with lockout (per email, for
/// unregistered emails too: <see cref="PasswordFailures"/>), change it, end
/// every session. Passwords are hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>.
/// </summary>
public sealed class ConsoleUsers(Database database, TopUpCodes codes, IOptions<RunHubOptions> options, TimeProvider clock)
{
    internal const string Columns =
        "u.id, u.account_id AS AccountId, u.email, u.password_hash AS PasswordHash, u.is_operator AS IsOperator, " +
        "u.security_stamp AS SecurityStamp, u.totp_secret AS TotpSecret, u.recovery_codes AS RecoveryCodes, " +
        "u.totp_last_step AS TotpLastStep, u.failed_sign_ins AS FailedSignIns, u.locked_until AS LockedUntil, " +
        "u.disabled_at AS DisabledAt, a.disabled_at AS AccountDisabledAt, u.created_at AS CreatedAt, u.last_sign_in_at AS LastSignInAt";

    private static readonly PasswordHasher<ConsoleUser> Hasher = new();

    private readonly PasswordFailures _failures = new(database, options, clock);

    private WebConsoleOptions Settings => options.Value.WebConsole;

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<ConsoleUser?> FindAsync(string userId)
    {
        await using var db = await database.OpenAsync();
        return await db.QuerySingleOrDefaultAsync<ConsoleUser>(
            $"SELECT {Columns} FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = @userId", new { userId });
    }

    public async Task<ConsoleUser?> FindByEmailAsync(string email)
    {
        await using var db = await database.OpenAsync();
        return await db.QuerySingleOrDefaultAsync<ConsoleUser>(
            $"SELECT {Columns} FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.email = @email", new { email = PasswordRules.Normalize(email) });
    }

    /// <summary>The users of an account, for the admin pages.</summary>
    public async Task<IReadOnlyList<ConsoleUser>> OfAccountAsync(string accountId)
    {
        await using var db = await database.OpenAsync();
        return (await db.QueryAsync<ConsoleUser>(
            $"SELECT {Columns} FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.account_id = @accountId ORDER BY u.created_at", new { accountId })).ToList();
    }

    /// <summary>
    /// Creates a user with a new account of its own (named after the email) — or in <paramref name="accountId"/> when
    /// given. With <paramref name="inviteCode"/>, the code is redeemed into the new wallet in the same transaction
    /// (sign-up by invitation); an unusable code creates nothing. Returns the user, or null with the problem.
    /// </summary>
    public async Task<(ConsoleUser? User, string? Problem)> CreateAsync(string email, string password, bool isOperator,
        string? accountId = null, string? inviteCode = null)
    {
        if (PasswordRules.EmailProblem(email) is { } emailProblem) return (null, emailProblem);
        email = PasswordRules.Normalize(email);
        if (PasswordRules.Problem(password, email) is { } passwordProblem) return (null, passwordProblem);
        await using var db = await database.OpenAsync();
        await using var tx = await db.BeginTransactionAsync();
        async Task<bool> TakenAsync() => await db.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE email = @email", new { email }, tx) > 0;
        const string taken = "Email: an account with this address exists already; sign in instead.";
        // With an invitation, whether an address has an account is said only to someone holding a usable code, so the
        // sign-up form cannot be used to find out which addresses are registered (helper-63).
        if (inviteCode is null && await TakenAsync()) return (null, taken);
        accountId ??= (await AccountDirectory.InsertAccountAsync(db, tx, email, Money.Zero, Now, withKey: false)).AccountId;
        if (inviteCode is not null)
        {
            if ((await codes.RedeemAsync(db, tx, accountId, inviteCode)).Problem is { } codeProblem) return (null, "Invitation code: " + codeProblem);
            if (await TakenAsync()) return (null, taken);
        }
        var id = Tasks.TaskIdGenerator.Shared.Next();
        var user = new ConsoleUser
        {
            Id = id, AccountId = accountId, Email = email, PasswordHash = "", IsOperator = isOperator,
            SecurityStamp = NewStamp(), CreatedAt = Now,
        };
        user = user with { PasswordHash = Hasher.HashPassword(user, password) };
        await db.ExecuteAsync(
            """
            INSERT INTO users (id, account_id, email, password_hash, is_operator, security_stamp, created_at)
            VALUES (@Id, @AccountId, @Email, @PasswordHash, @IsOperator, @SecurityStamp, @CreatedAt)
            """, new { user.Id, user.AccountId, user.Email, user.PasswordHash, IsOperator = isOperator ? 1 : 0, user.SecurityStamp, user.CreatedAt }, tx);
        await tx.CommitAsync();
        return (user, null);
    }

    /// <summary>
    /// Checks a password. Every email, registered or not, is answered alike until the password is right: a wrong one (or
    /// an unknown email) counts towards that email's lockout (<see cref="PasswordFailures"/>), and a locked email is
    /// refused before the password is looked at, so neither the answers nor the lockout tell which emails exist. Only
    /// with the right password is the user's own state told: locked by wrong second-factor codes
    /// (<see cref="CountFailureAsync"/>), disabled, or right (an old hash is then upgraded).
    /// </summary>
    public async Task<PasswordCheck> CheckPasswordAsync(string email, string password)
    {
        if (await _failures.IsLockedAsync(email)) return new PasswordCheck(PasswordOutcome.LockedOut, null);
        var user = await FindByEmailAsync(email);
        // An unknown email spends the time a real check takes, so a response's speed does not tell which emails exist.
        var verdict = Hasher.VerifyHashedPassword(user ?? DummyUser, user?.PasswordHash ?? DummyHash, password ?? "");
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            await _failures.CountAsync(email);
            return new PasswordCheck(PasswordOutcome.Wrong, null);
        }
        if (user.LockedUntil > Now) return new PasswordCheck(PasswordOutcome.LockedOut, user);
        if (user.IsDisabled) return new PasswordCheck(PasswordOutcome.Disabled, user);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await using var db = await database.OpenAsync();
            await db.ExecuteAsync("UPDATE users SET password_hash = @hash WHERE id = @Id", new { hash = Hasher.HashPassword(user, password!), user.Id });
        }
        return new PasswordCheck(PasswordOutcome.Right, user);
    }

    /// <summary>
    /// Counts a wrong second-factor code (the password was right); the <c>MaxFailedSignIns</c>-th in a row locks the user
    /// out for <c>LockoutMinutes</c>. Only someone with the password learns of this lock: <see cref="CheckPasswordAsync"/>
    /// tells it after the password.
    /// </summary>
    public async Task CountFailureAsync(string userId)
    {
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync(
            """
            UPDATE users SET failed_sign_ins = failed_sign_ins + 1,
                locked_until = CASE WHEN failed_sign_ins + 1 >= @max THEN @until ELSE locked_until END
            WHERE id = @userId
            """, new { userId, max = Settings.MaxFailedSignIns, until = Now + (long)(Settings.LockoutMinutes * 60_000) });
    }

    /// <summary>Records a complete sign-in (or a sign-up): the counts of wrong passwords and codes start again.</summary>
    public async Task SignedInAsync(ConsoleUser user)
    {
        await _failures.ForgetAsync(user.Email);
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync("UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = @now WHERE id = @Id",
            new { user.Id, now = Now });
    }

    /// <summary>Changes the password and the security stamp (every other session ends). Null when done, else the problem.</summary>
    public async Task<string?> ChangePasswordAsync(ConsoleUser user, string current, string replacement)
    {
        if (Hasher.VerifyHashedPassword(user, user.PasswordHash, current ?? "") == PasswordVerificationResult.Failed)
            return "Current password: that is not your password.";
        if (PasswordRules.Problem(replacement, user.Email) is { } problem) return problem;
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync("UPDATE users SET password_hash = @hash, security_stamp = @stamp WHERE id = @Id",
            new { hash = Hasher.HashPassword(user, replacement), stamp = NewStamp(), user.Id });
        return null;
    }

    /// <summary>Ends every session of the user (a new security stamp); returns the new stamp.</summary>
    public async Task<string> RenewStampAsync(string userId, DbConnection? db = null, DbTransaction? tx = null)
    {
        var stamp = NewStamp();
        if (db is not null)
        {
            await db.ExecuteAsync("UPDATE users SET security_stamp = @stamp WHERE id = @userId", new { stamp, userId }, tx);
            return stamp;
        }
        await using var own = await database.OpenAsync();
        await own.ExecuteAsync("UPDATE users SET security_stamp = @stamp WHERE id = @userId", new { stamp, userId });
        return stamp;
    }

    /// <summary>Whether any operator exists (<c>serve</c> on an empty database says how to create the first).</summary>
    public async Task<bool> AnyOperatorAsync()
    {
        await using var db = await database.OpenAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE is_operator = 1") > 0;
    }

    internal static string NewStamp() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    private static readonly ConsoleUser DummyUser = new() { Id = "", AccountId = "", Email = "", PasswordHash = "", SecurityStamp = "" };
    private static readonly string DummyHash = Hasher.HashPassword(DummyUser, "not a password of anyone");
}

/// <summary>What <see cref="ConsoleUsers.CheckPasswordAsync"/> found.</summary>
public enum PasswordOutcome
{
    Right,
    /// <summary>A wrong password or an unknown email: the two are not told apart.</summary>
    Wrong,
    /// <summary>The email is locked by wrong passwords (registered or not), or, with the right password, the user by wrong second-factor codes.</summary>
    LockedOut,
    /// <summary>The right password of a disabled user or account.</summary>
    Disabled,
}

/// <summary>
/// The outcome of a password check and the user it concerned: null unless the password was right, so a caller cannot
/// answer a registered email differently from an unknown one.
/// </summary>
public sealed record PasswordCheck(PasswordOutcome Outcome, ConsoleUser? User);
