#requires -Version 7.4
# Issue 18: pg_cron itself starts CrmOps' jobs (kept in postgres, run in the CRM's database crm). Two
# jobs every minute: one refreshes the timeline and succeeds, one rescores while the scores are frozen and fails. Both run on their own within 70 s of
# being registered; Get-CrmSchedule, Get-CrmRefreshHistory and Get-CrmScoringHistory show what
# happened; the failed run left every score as it was. (Slow: it waits for the next minute.)
BeforeAll {
    Import-Module "$PSScriptRoot/ReliabilityHelpers.psm1" -Force
    Import-Module (Get-ModulePath) -Force
    $script:sb = Start-CrmSandbox
    if (-not $sb.PgCron) { throw 'The sandbox did not load pg_cron: install postgresql-<major>-cron (apt-get install -y postgresql-15-cron).' }
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
    Update-CrmLeadScore -AsOf 2025-10-15 -Confirm:$false | Out-Null
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'pg_cron runs the jobs on its own' -Tag Slow, Reliability, Scheduling {
    It 'an every-minute refresh succeeds and an every-minute scoring that fails is shown as failed, within 70 s' {
        # Scores frozen: the scoring job's update fails. A customer without a score makes sure it has one to write.
        Invoke-TestSql $sb "update public.customer_profiles set lead_score = null where id = (select id from public.customer_profiles order by id limit 1);
            create function public.refuse_scores() returns trigger language plpgsql as `$`$ begin raise exception 'scores are frozen for the audit'; end `$`$;
            create trigger zz_refuse_scores before update of lead_score on public.customer_profiles for each row execute function public.refuse_scores();" | Out-Null
        $digest = Get-ScoreDigest $sb
        $registered = [DateTimeOffset]::UtcNow
        Register-CrmSchedule -Name every-minute -Task Refresh -Cron '* * * * *' -Confirm:$false | Out-Null
        Register-CrmSchedule -Name frozen-scores -Task Score -Cron '* * * * *' -Confirm:$false | Out-Null
        try {
            Wait-Until -What 'both jobs to have run' -TimeoutSeconds 70 {
                [int](Invoke-TestSql $sb "select count(distinct j.jobname) from cron.job_run_details d join cron.job j using (jobid) where d.status in ('succeeded', 'failed')" -Database postgres) -eq 2
            }
            $elapsed = [DateTimeOffset]::UtcNow - $registered
            $elapsed.TotalSeconds | Should -BeLessOrEqual 70

            $ok = Get-CrmSchedule every-minute
            $ok.LastStatus | Should -Be 'Succeeded'
            $ok.LastRunAt | Should -BeGreaterThan $registered.AddSeconds(-1)
            $ok.LastRunAt | Should -BeLessThan $registered.AddSeconds(70)
            $ok.LastDuration | Should -Not -BeNullOrEmpty
            $ok.NextRunAt | Should -BeGreaterThan $ok.LastRunAt
            $refresh = Get-CrmRefreshHistory -Trigger Scheduled -Last 1
            $refresh.Status | Should -Be 'Succeeded'
            $refresh.Schedule | Should -Be 'every-minute'
            $refresh.RowsAfter | Should -Be 11825
            $refresh.StartedAt | Should -BeGreaterThan $registered.AddSeconds(-1)

            $failed = Get-CrmSchedule frozen-scores
            $failed.LastStatus | Should -Be 'Failed'
            $failed.LastMessage | Should -Match 'Scoring failed: scores are frozen for the audit'
            ($failed | Format-Table | Out-String -Width 300) | Should -Match 'Failed'
            $run = Get-CrmScoringHistory -Trigger Scheduled -Last 1
            $run.Status | Should -Be 'Failed'
            $run.Schedule | Should -Be 'frozen-scores'
            $run.Message | Should -Match 'scores are frozen for the audit'
            Get-ScoreDigest $sb | Should -Be $digest -Because 'a failed scheduled run leaves every score as it was'
        }
        finally {
            Get-CrmSchedule | Unregister-CrmSchedule -Confirm:$false
            Invoke-TestSql $sb 'drop trigger if exists zz_refuse_scores on public.customer_profiles; drop function if exists public.refuse_scores()' | Out-Null
        }
        Invoke-TestSql $sb 'select count(*) from cron.job' -Database postgres | Should -Be 0
    }
}
