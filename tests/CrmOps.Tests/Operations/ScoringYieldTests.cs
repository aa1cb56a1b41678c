using System.Diagnostics;
using CrmOps.Operations;
using Npgsql;
using Xunit;

namespace CrmOps.Tests.Operations;

/// <summary>LeadScorer.Retry: how a batch yields to applications, without a server (the batch is a stand-in that fails as told).</summary>
public sealed class ScoringYieldTests
{
    private static PostgresException Error(string sqlState) => new("test", "ERROR", "ERROR", sqlState);

    [Fact]
    public void ByDeadlockTimeoutOneAttemptWaitsTheWholeLockTimeoutAndALockTimeoutIsNotRetried()
    {
        var y = LeadScorer.Yielding.For(true, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
        var attempts = new List<LeadScorer.Attempt>();
        var e = Assert.Throws<PostgresException>(() => LeadScorer.Retry<int>(y, a => { attempts.Add(a); throw Error(PostgresErrorCodes.LockNotAvailable); }));
        Assert.Equal(PostgresErrorCodes.LockNotAvailable, e.SqlState);
        var only = Assert.Single(attempts);
        Assert.Equal(TimeSpan.FromSeconds(30), only.Wait);
        Assert.False(only.Closely);
    }

    [Fact]
    public void ShortWaitsRetryUntilTheLockTimeoutThenOneLastAttemptWatchedClosely()
    {
        var y = LeadScorer.Yielding.For(false, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(250), y.FinalWait);
        var attempts = new List<LeadScorer.Attempt>();
        var clock = Stopwatch.StartNew();
        Assert.Throws<PostgresException>(() => LeadScorer.Retry<int>(y, a =>
        {
            attempts.Add(a);
            Thread.Sleep(a.Wait); // as the server would, before lock_not_available
            throw Error(PostgresErrorCodes.LockNotAvailable);
        }));
        clock.Stop();
        Assert.True(attempts.Count >= 3, $"{attempts.Count} attempts");
        Assert.All(attempts.SkipLast(1), a => Assert.Equal((LeadScorer.ShortWait, false), (a.Wait, a.Closely)));
        Assert.Equal((TimeSpan.FromMilliseconds(250), true), (attempts[^1].Wait, attempts[^1].Closely));
        // About the lock timeout in all: not given up early, not overrun by more than the last attempt and a margin.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.95, 2.0);
    }

    [Fact]
    public void ShortWaitsABatchThatGetsItsLockAfterAFewFailuresCommits()
    {
        var y = LeadScorer.Yielding.For(false, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
        var n = 0;
        var result = LeadScorer.Retry(y, a =>
        {
            if (++n <= 3) throw Error(PostgresErrorCodes.LockNotAvailable);
            if (n == 4) throw Error(PostgresErrorCodes.SerializationFailure);
            return a.Wait;
        });
        Assert.Equal(5, n);
        Assert.Equal(LeadScorer.ShortWait, result);
    }

    [Fact]
    public void TheLastWaitStaysUnderHalfTheServersDeadlockTimeoutAndWithinTheLockTimeout()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), LeadScorer.Yielding.For(false, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200)).FinalWait);
        Assert.Equal(TimeSpan.FromMilliseconds(50), LeadScorer.Yielding.For(false, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20)).FinalWait);
        var tiny = LeadScorer.Yielding.For(false, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(100), tiny.FinalWait);
        var attempts = new List<LeadScorer.Attempt>();
        Assert.Throws<PostgresException>(() => LeadScorer.Retry<int>(tiny, a => { attempts.Add(a); throw Error(PostgresErrorCodes.LockNotAvailable); }));
        Assert.Equal((TimeSpan.FromMilliseconds(100), true), (Assert.Single(attempts).Wait, attempts[0].Closely));
    }

    [Fact]
    public void ConflictsAreRetriedTenTimesAtMost()
    {
        var y = LeadScorer.Yielding.For(false, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
        var n = 0;
        Assert.Throws<PostgresException>(() => LeadScorer.Retry<int>(y, _ => { n++; throw Error(PostgresErrorCodes.DeadlockDetected); }));
        Assert.Equal(10, n);
    }
}
