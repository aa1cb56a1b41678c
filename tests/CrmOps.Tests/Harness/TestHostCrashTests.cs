using Xunit;

namespace CrmOps.Tests;

/// <summary>
/// Not a test of CrmOps: the lever of build.ps1's self-test (tests/Pester/TestHarness.Tests.ps1), which runs the
/// xunit part with CRMOPS_TEST_FAILFAST=1 and asserts that a test host dying half-way is reported as a failure.
/// build.ps1 leaves this category out of every ordinary run (--filter "Category!=HostCrash").
/// </summary>
[Trait("Category", "HostCrash")]
public class TestHostCrashTests
{
    [Fact]
    public void KillsTheTestHostWhenAsked()
    {
        Assert.Equal("1", Environment.GetEnvironmentVariable("CRMOPS_TEST_FAILFAST"));
        Environment.FailFast("CRMOPS_TEST_FAILFAST=1: killing the test host on purpose (build.ps1's self-test).");
    }
}
