#requires -Version 7.4
# The lead list at scale: its first rows come from a short query of their own and the rest from a second one (see
# LeadReports.LeadPages). These tests prove on a real server that the two are exactly the one ordered list (psql's),
# one snapshot even when scores change in between, and that stopping within the first page never starts the second.
# The server logs every statement CrmOps runs here (log_statement = all on this sandbox, reloaded).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:sb = Start-CrmSandbox -Customers 5000 -NoDefault
    Invoke-CrmMigration -BuiltIn -Connection $sb -Confirm:$false | Out-Null
    Update-CrmLeadScore -AsOf '2025-10-15' -Connection $sb -Confirm:$false | Out-Null
    Invoke-TestSql $sb "alter system set log_statement = 'all'" | Out-Null
    Invoke-TestSql $sb 'select pg_reload_conf()' | Out-Null
    Start-Sleep -Milliseconds 500
    $script:log = Join-Path $sb.RootDirectory 'server.log'

    # The order the command promises (best first: score, then lifetime net, then id), written here, read by psql.
    $script:OrderSql = @'
select p.id from customer_profiles p left join customer_engagement_metrics m on m.customer_id = p.id
 where p.lead_score is not null
 order by p.lead_score desc, m.lifetime_net desc nulls last, p.id
'@
    # Executions of the lead query in the server log since a mark, with their OFFSET ($3) values.
    function script:Get-LeadOffsets([long] $Since) {
        $text = [IO.File]::ReadAllText($log).Substring([int]$Since)
        [regex]::Matches($text, "(?s)execute [^:]*: .{0,2000}?lead_score = ANY.{0,800}?DETAIL:\s+parameters: .*?\`$3 = '(\d+)'") | ForEach-Object { [int]$_.Groups[1].Value }
    }
    function script:Get-LogMark { (Get-Item $log).Length }
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Get-CrmLeadSegment, the whole list' {
    It 'is exactly psql''s ordered list, across the first page and the rest' {
        $mark = Get-LogMark
        $ids = @(Get-CrmLeadSegment -Connection $sb | ForEach-Object { "$($_.CustomerId)" })
        $expected = @(Invoke-TestSql $sb $OrderSql)
        $expected.Count | Should -Be 5000
        $ids.Count | Should -Be $expected.Count
        for ($i = 0; $i -lt $ids.Count; $i++) { if ($ids[$i] -ne $expected[$i]) { throw "Lead $($i + 1) is $($ids[$i]), psql says $($expected[$i])" } }
        # Two queries ran: the first page (OFFSET 0) and the rest (OFFSET 1,000).
        @(Get-LeadOffsets $mark) | Should -Be @(0, 1000)
    }

    It 'reads one snapshot: scores rewritten by another session between the pages do not show' {
        $before = @(Invoke-TestSql $sb $OrderSql)
        $n = 0
        $ids = @(Get-CrmLeadSegment -Connection $sb | ForEach-Object {
                if (++$n -eq 10) {
                    # Within the first page: turn every score upside down (36 - score stays within 6..30) and commit.
                    Invoke-TestSql $sb 'update customer_profiles set lead_score = 36 - lead_score where lead_score is not null' | Out-Null
                }
                "$($_.CustomerId)"
            })
        try {
            $ids.Count | Should -Be 5000
            [Collections.Generic.HashSet[string]]::new([string[]]$ids).Count | Should -Be 5000 -Because "no lead twice"
            for ($i = 0; $i -lt $ids.Count; $i++) { if ($ids[$i] -ne $before[$i]) { throw "Lead $($i + 1) is $($ids[$i]): not the list as it was when the command started" } }
            # And the next call sees the new scores.
            (Get-CrmLeadSegment -Connection $sb -Top 1).CustomerId | Should -Not -Be $before[0]
        }
        finally {
            Invoke-TestSql $sb 'update customer_profiles set lead_score = 36 - lead_score where lead_score is not null' | Out-Null
        }
    }
}

Describe 'Get-CrmLeadSegment | Select-Object -First 10' {
    It 'runs only the first page: the big query is never started' {
        $mark = Get-LogMark
        $first = @(Get-CrmLeadSegment -Connection $sb | Select-Object -First 10)
        $first | Should -HaveCount 10
        $expected = @(Invoke-TestSql $sb "$OrderSql limit 10")
        @($first | ForEach-Object { "$($_.CustomerId)" }) | Should -Be $expected
        @(Get-LeadOffsets $mark) | Should -Be @(0)
    }

    It 'leaves no session of it busy or inside a transaction' {
        Get-CrmLeadSegment -Connection $sb | Select-Object -First 10 | Out-Null
        Invoke-TestSql $sb "select count(*) from pg_stat_activity where application_name = 'CrmOps' and state <> 'idle'" | Should -Be '0'
    }

    It '-Top 20 is one short query' {
        $mark = Get-LogMark
        @(Get-CrmLeadSegment -Connection $sb -Top 20) | Should -HaveCount 20
        @(Get-LeadOffsets $mark) | Should -Be @(0)
    }

    It '-Top 2500 is the first page and the rest up to 2,500' {
        $mark = Get-LogMark
        $ids = @(Get-CrmLeadSegment -Connection $sb -Top 2500 | ForEach-Object { "$($_.CustomerId)" })
        $ids | Should -Be @(Invoke-TestSql $sb "$OrderSql limit 2500")
        @(Get-LeadOffsets $mark) | Should -Be @(0, 1000)
    }
}
