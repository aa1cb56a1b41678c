#requires -Version 7.4
# No test that passes whatever happens: tools/Find-HollowTests.ps1 over the whole tests/ folder must
# report nothing, and the finder itself is shown finding each kind of hollow test it looks for.

BeforeAll {
    $script:finder = Join-Path $PSScriptRoot '../../tools/Find-HollowTests.ps1'
}

Describe 'Hollow tests' -Tag TestQuality {
    It 'none in tests/: every test asserts something that can fail' {
        $found = @(& $finder)
        $found | Should -BeNullOrEmpty -Because ($found | Format-Table -AutoSize | Out-String -Width 250)
        # It read the suite: the finder parses every test file (a parse error is reported as an offender too).
        @(Get-ChildItem (Join-Path $PSScriptRoot '..') -Recurse -Filter *.Tests.ps1).Count | Should -BeGreaterThan 10
    }

    Context 'the finder finds what it looks for' {
        BeforeAll {
            $dir = Join-Path $TestDrive 'fixtures'
            New-Item -ItemType Directory $dir | Out-Null
            Set-Content (Join-Path $dir 'Sample.Tests.ps1') @'
Describe 'fixture' {
    It 'asserts nothing' { Get-Date | Out-Null }
    It 'asserts a constant' { $true | Should -BeTrue }
    It 'asserts a literal list' { (1, 2) | Should -Be @(1, 2) }
    It 'asserts only in a guard' { if ($never) { 1 + 1 | Should -Be 2 } }
    It 'asserts only in an else' { $x = 1; if ($x) { } else { $x | Should -Be 1 } }
    It 'asserts a value' { (1 + 1) | Should -Be 2 }
    It 'throws on a bad value' { if ((1 + 1) -ne 2) { throw 'bad' } }
    It 'uses an assertion helper' { Assert-Thing 1 }
    It 'asserts a scriptblock throws' { { throw 'x' } | Should -Throw }
}
'@
            Set-Content (Join-Path $dir 'SampleTests.cs') @'
public class SampleTests
{
    [Fact]
    public void NoAssert() { var x = 1 + 1; }

    [Fact]
    public void ConstantAssert() => Assert.True(true);

    [PostgresFact]
    public void EarlyReturn()
    {
        if (Environment.UserName == "root") return; // "root reads everything"
        Assert.Equal(2, 1 + 1);
    }

    [Theory]
    [InlineData("a")]
    public void Fine(string s)
    {
        if (s == "[") { Assert.Throws<Exception>(() => Parse(s)); return; }
        Assert.Equal("a", s);
    }

    [Fact]
    public void StringsDoNotCount() { var s = "Assert.True(x)"; }

    [Fact]
    public void HelperCounts() { AssertFailing(Run(), "Check"); }
}
'@
            $script:found = @(& $finder -Path $dir)
        }

        It 'reports <Test> as <Problem>' -TestCases @(
            @{ Test = 'asserts nothing'; Problem = 'NoAssertion' }
            @{ Test = 'asserts a constant'; Problem = 'ConstantAssertion' }
            @{ Test = 'asserts a literal list'; Problem = 'ConstantAssertion' }
            @{ Test = 'asserts only in a guard'; Problem = 'GuardedAssertion' }
            @{ Test = 'asserts only in an else'; Problem = 'GuardedAssertion' }
            @{ Test = 'NoAssert'; Problem = 'NoAssertion' }
            @{ Test = 'ConstantAssert'; Problem = 'ConstantAssertion' }
            @{ Test = 'EarlyReturn'; Problem = 'ReturnBeforeAssert' }
            @{ Test = 'StringsDoNotCount'; Problem = 'NoAssertion' }
        ) {
            @($found | Where-Object { $_.Test -eq $Test -and $_.Problem -like "$Problem*" }) | Should -HaveCount 1 -Because ($found | Out-String)
        }

        It 'reports nothing else' {
            $expected = 'asserts nothing', 'asserts a constant', 'asserts a literal list', 'asserts only in a guard', 'asserts only in an else',
                'NoAssert', 'ConstantAssert', 'EarlyReturn', 'StringsDoNotCount'
            @($found.Test | Sort-Object -Unique) | Should -Be @($expected | Sort-Object) -Because ($found | Out-String)
            $found | Should -HaveCount 9
        }
    }
}
