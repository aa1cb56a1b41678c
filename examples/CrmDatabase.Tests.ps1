#requires -Version 7.4
#requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
<#
    Guards a CRM database with Pester 5: run it against your own database, by hand or in CI
    (examples/github-actions/crm-guard.yml). Only reads: a role with USAGE and SELECT is enough.

    Configuration, all through the environment:
      CRMOPS_CONNECTION   the database (keyword form or postgresql:// URI; in CI, a secret)
      CRMOPS_MIGRATIONS   your migration folder (the one that holds migrations/; default ./supabase when it
                          exists); the built-in set is always checked
    Edit the figures below (row counts, the 60 days) for your data.

        Invoke-Pester ./examples/CrmDatabase.Tests.ps1 -Output Detailed
#>

BeforeDiscovery {
    if (-not (Get-Module CrmOps)) { Import-Module CrmOps }
    # Test-CrmDatabase's checks become one It each, so they are read while Pester discovers the tests.
    $script:checks = @(Test-CrmDatabase -ErrorAction Stop | ForEach-Object {
            @{ Check = $_.Check; Passed = $_.Passed; Message = $_.Message; Fix = $_.RecommendedAction }
        })
    $folder = if ($env:CRMOPS_MIGRATIONS) { $env:CRMOPS_MIGRATIONS } else { './supabase' }
    $script:sets = @(@{ Set = 'the built-in set'; Arguments = @{ BuiltIn = $true } })
    if (Test-Path (Join-Path $folder 'migrations')) { $script:sets += @{ Set = $folder; Arguments = @{ Path = $folder } } }
}

BeforeAll {
    if (-not (Get-Module CrmOps)) { Import-Module CrmOps }
}

Describe 'Row counts' {
    It '<Table> holds at least <Minimum> rows' -ForEach @(
        @{ Table = 'customer_profiles'; Minimum = 1000 }
        @{ Table = 'customer_emails'; Minimum = 1000 }
        @{ Table = 'customer_engagement_metrics'; Minimum = 1000 }
        @{ Table = 'orders_htx'; Minimum = 100 }
        @{ Table = 'orders_eventbrite'; Minimum = 100 }
    ) {
        $check = Test-CrmRowCount $Table -Minimum $Minimum
        $check.Passed | Should -BeTrue -Because $check.Message
    }

    It 'the test table customers stays a test table (under 10 rows)' {
        (Get-CrmRowCount customers -Exact).Rows | Should -BeLessThan 10
    }
}

Describe 'Migrations of <Set>' -ForEach $sets {
    It 'has no migration pending' {
        $pending = Get-CrmMigration @Arguments | Where-Object State -In 'Pending', 'RolledBack'
        $pending.FileName | Should -BeNullOrEmpty -Because 'every migration of the set should be applied'
    }

    It 'has no drift: every applied migration matches its file, every file is valid' {
        $problems = Test-CrmMigration @Arguments | Where-Object { -not $_.Passed }
        $problems.Message | Should -BeNullOrEmpty
    }
}

Describe 'Leads' {
    It 'no Hot lead without an order in the 60 days before it was scored' {
        $stale = Get-CrmLeadSegment Hot | Where-Object { $null -eq $_.LastOrderAt -or $_.LastOrderAt -lt $_.ScoredAsOf.AddDays(-60) }
        $stale.Email | Should -BeNullOrEmpty
    }
}

Describe 'Test-CrmDatabase' {
    It '<Check>' -ForEach $checks {
        $Passed | Should -BeTrue -Because "$Message$(if ($Fix) { " Fix: $Fix" })"
    }
}
