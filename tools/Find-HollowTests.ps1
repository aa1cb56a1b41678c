#requires -Version 7.4
<#
.SYNOPSIS
    Lists tests that cannot fail: Pester It blocks and xunit tests that assert nothing, assert a
    constant, assert only under a condition, or return before asserting.
.DESCRIPTION
    A test passes when nothing throws, so a test without a working assertion passes whatever the
    code under test does. This script reads the test sources (it runs nothing) and reports:

    Pester (*.Tests.ps1, by the PowerShell parser):
      NoAssertion        an It block with no Should, no throw and no Assert-* helper call
      ConstantAssertion  a Should whose actual value is a literal ($true | Should -BeTrue, 1 | Should -Be 1)
      GuardedAssertion   an It block whose every Should / Assert-* call sits inside an if, switch or
                         catch, and that throws nothing: when the condition is false it asserts nothing
    xunit (*.cs under tests/, [Fact]/[Theory] and attributes derived from them, by text):
      NoAssertion        a test method whose body has no Assert.* call (nor a call of a helper named Assert*)
      ConstantAssertion  Assert.True(true), Assert.False(false)
      ReturnBeforeAssert a bare 'return;' reached before any Assert.* call (an early exit that skips
                         every assertion, e.g. 'if (root) return;')

    Output: one object per offender (File, Line, Test, Problem). build.ps1 Test runs it through
    tests/Pester/TestQuality.Tests.ps1, which fails when it reports anything.
.EXAMPLE
    ./tools/Find-HollowTests.ps1 | Format-Table
#>
[CmdletBinding()]
param(
    # Folder to scan (recursively); default: the repository's tests/ folder.
    [string] $Path = (Join-Path (Split-Path $PSScriptRoot) 'tests')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = (Resolve-Path $Path).Path

function New-Offender([string] $File, [int] $Line, [string] $Test, [string] $Problem) {
    [pscustomobject]@{ File = [IO.Path]::GetRelativePath($root, $File); Line = $Line; Test = $Test; Problem = $Problem }
}

# ------------------------------------------------------------------ Pester

# True when $Ast has an if / switch / catch between itself and $Stop (the It block's body).
function Test-Conditional($Ast, $Stop) {
    $p = $Ast.Parent
    while ($p -and $p -ne $Stop) {
        if ($p -is [System.Management.Automation.Language.IfStatementAst] -or
            $p -is [System.Management.Automation.Language.SwitchStatementAst] -or
            $p -is [System.Management.Automation.Language.CatchClauseAst]) { return $true }
        $p = $p.Parent
    }
    $false
}

# True when an expression is a literal: a number, a quoted string without variables, $true/$false/$null, or a list/parentheses of those.
function Test-Literal($Expr) {
    switch ($Expr) {
        { $_ -is [System.Management.Automation.Language.ConstantExpressionAst] } { return $true }   # also plain strings
        { $_ -is [System.Management.Automation.Language.VariableExpressionAst] } { return $_.VariablePath.UserPath -in 'true', 'false', 'null' }
        { $_ -is [System.Management.Automation.Language.ArrayLiteralAst] } { return @($_.Elements | Where-Object { -not (Test-Literal $_) }).Count -eq 0 }
        { $_ -is [System.Management.Automation.Language.ParenExpressionAst] } {
            $inner = $_.Pipeline
            if ($inner -is [System.Management.Automation.Language.PipelineAst] -and $inner.PipelineElements.Count -eq 1 -and
                $inner.PipelineElements[0] -is [System.Management.Automation.Language.CommandExpressionAst]) { return Test-Literal $inner.PipelineElements[0].Expression }
            return $false
        }
    }
    $false
}

function Get-PesterOffenders([string] $File) {
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($File, [ref] $tokens, [ref] $errors)
    if ($errors) { New-Offender $File $errors[0].Extent.StartLineNumber '' "Unparsable: $($errors[0].Message)"; return }
    $its = $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] -and $a.GetCommandName() -eq 'It' }, $true)
    foreach ($it in $its) {
        $name = ($it.CommandElements | Select-Object -Skip 1 | Where-Object {
                $_ -is [System.Management.Automation.Language.StringConstantExpressionAst] -or $_ -is [System.Management.Automation.Language.ExpandableStringExpressionAst] } |
            Select-Object -First 1).Value
        $body = $it.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.ScriptBlockExpressionAst] } | Select-Object -Last 1
        if (-not $body) { continue }
        $block = $body.ScriptBlock
        $shoulds = @($block.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] -and $a.GetCommandName() -eq 'Should' }, $true))
        $helpers = @($block.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] -and "$($a.GetCommandName())" -like 'Assert-*' }, $true))
        $throws = @($block.FindAll({ param($a) $a -is [System.Management.Automation.Language.ThrowStatementAst] }, $true))
        $line = $it.Extent.StartLineNumber
        if ($shoulds.Count + $helpers.Count + $throws.Count -eq 0) {
            New-Offender $File $line $name 'NoAssertion: no Should, throw or Assert-* call'
            continue
        }
        foreach ($s in $shoulds) {
            $pipe = $s.Parent
            if ($pipe -is [System.Management.Automation.Language.PipelineAst] -and $pipe.PipelineElements.Count -ge 2) {
                $i = [array]::IndexOf(@($pipe.PipelineElements), $s)
                $prev = $pipe.PipelineElements[$i - 1]
                if ($i -eq 1 -and $prev -is [System.Management.Automation.Language.CommandExpressionAst] -and (Test-Literal $prev.Expression)) {
                    New-Offender $File $s.Extent.StartLineNumber $name "ConstantAssertion: $($s.Parent.Extent.Text)"
                }
            }
            $actual = $s.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] -and $_.ParameterName -eq 'ActualValue' }
            if ($actual) {
                $idx = [array]::IndexOf(@($s.CommandElements), $actual)
                $value = if ($actual.Argument) { $actual.Argument } elseif ($idx + 1 -lt $s.CommandElements.Count) { $s.CommandElements[$idx + 1] }
                if ($value -and (Test-Literal $value)) { New-Offender $File $s.Extent.StartLineNumber $name "ConstantAssertion: $($s.Extent.Text)" }
            }
        }
        $asserts = @($shoulds) + @($helpers)
        if ($throws.Count -eq 0 -and $asserts.Count -gt 0 -and @($asserts | Where-Object { -not (Test-Conditional $_ $block) }).Count -eq 0) {
            New-Offender $File $line $name 'GuardedAssertion: every assertion is inside an if/switch/catch'
        }
    }
}

# ------------------------------------------------------------------ xunit

# Blanks out comments, strings and chars (same length, newlines kept) so that braces and words in them do not count.
function Get-CodeOnly([string] $Text) {
    $sb = [Text.StringBuilder]::new($Text)
    $pattern = '(?s)//[^\n]*|/\*.*?\*/|"""(?:.*?)"""|@"(?:[^"]|"")*"|\$@"(?:[^"]|"")*"|@\$"(?:[^"]|"")*"|\$?"(?:[^"\\\n]|\\.)*"|''(?:[^''\\\n]|\\.)*'''
    foreach ($m in [regex]::Matches($Text, $pattern)) {
        for ($i = $m.Index; $i -lt $m.Index + $m.Length; $i++) { if ($sb[$i] -ne "`n") { $sb[$i] = ' ' } }
    }
    $sb.ToString()
}

function Get-XunitOffenders([string] $File) {
    $text = Get-Content $File -Raw
    $code = Get-CodeOnly $text
    $lineOf = { param([int] $index) ($text.Substring(0, $index) -split "`n").Count }
    # A test attribute: [Fact], [Theory], [PostgresFact(...)], possibly among others in the same brackets.
    foreach ($m in [regex]::Matches($code, '\[\s*(?:[\w.]+\s*(?:\([^\]]*\))?\s*,\s*)*(\w*(?:Fact|Theory))(?:Attribute)?\b[^\]]*\]')) {
        # The method: the next '(' ... ')' after a name, then '{' ... '}' or '=>' ... ';'.
        $sig = [regex]::Match($code.Substring($m.Index + $m.Length), '(?s)^(?:\s*\[[^\]]*\])*\s*(?:(?:public|private|internal|protected|static|async|override|virtual)\s+)*[\w<>\[\],.? ]+?\s+(\w+)\s*\(')
        if (-not $sig.Success) { continue }
        $name = $sig.Groups[1].Value
        $pos = $m.Index + $m.Length + $sig.Index + $sig.Length
        $depth = 1
        while ($pos -lt $code.Length -and $depth -gt 0) { if ($code[$pos] -eq '(') { $depth++ } elseif ($code[$pos] -eq ')') { $depth-- }; $pos++ }
        $rest = $code.Substring($pos)
        $open = [regex]::Match($rest, '^\s*(\{|=>)')
        if (-not $open.Success) { continue }
        $start = $pos + $open.Index + $open.Length
        $end = $start
        if ($open.Groups[1].Value -eq '{') {
            $depth = 1
            while ($end -lt $code.Length -and $depth -gt 0) { if ($code[$end] -eq '{') { $depth++ } elseif ($code[$end] -eq '}') { $depth-- }; $end++ }
        }
        else {
            $depth = 0
            while ($end -lt $code.Length -and -not ($code[$end] -eq ';' -and $depth -eq 0)) {
                if ($code[$end] -in '(', '{', '[') { $depth++ } elseif ($code[$end] -in ')', '}', ']') { $depth-- }
                $end++
            }
        }
        $body = $code.Substring($start, $end - $start)
        $bodyRaw = $text.Substring($start, $end - $start)
        $line = & $lineOf $m.Index
        # Assert.* or a helper of the test's own named Assert* (AssertFailing(...)).
        $firstAssert = [regex]::Match($body, '\bAssert(?:\.\w+|\w*\s*\()')
        if (-not $firstAssert.Success) { New-Offender $File $line $name 'NoAssertion: no Assert.* call'; continue }
        foreach ($c in [regex]::Matches($bodyRaw, 'Assert\.(True|False)\(\s*(true|false)\s*[,)]')) {
            New-Offender $File (& $lineOf ($start + $c.Index)) $name "ConstantAssertion: $($c.Value)"
        }
        foreach ($r in [regex]::Matches($body, '\breturn\s*;')) {
            if ($r.Index -lt $firstAssert.Index) {
                New-Offender $File (& $lineOf ($start + $r.Index)) $name 'ReturnBeforeAssert: a bare return before any Assert.* call'
            }
        }
    }
}

$files = Get-ChildItem $root -Recurse -File | Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }
foreach ($f in $files | Where-Object Name -like '*.Tests.ps1') { Get-PesterOffenders $f.FullName }
foreach ($f in $files | Where-Object Extension -eq '.cs') { Get-XunitOffenders $f.FullName }
