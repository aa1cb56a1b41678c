#requires -Version 7.4
# Schedules inside the database (pg_cron): Register-/Get-/Unregister-CrmSchedule, the job's command run
# by hand as pg_cron runs it, the same scores and logs whichever path ran, overlap and failure, and the
# one clear error where pg_cron is missing. The slow test that waits for pg_cron itself to start a job is
# in tests/Reliability/Scheduling.Tests.ps1 (tag Slow). psql is the oracle throughout.

BeforeDiscovery {
    # pg_cron comes from the Debian package postgresql-<major>-cron, which .ci/run installs. Without it
    # these tests are skipped on a developer machine, and fail in CI.
    $script:noPgCron = -not (Get-ChildItem '/usr/lib/postgresql/*/lib/pg_cron.so' -ErrorAction Ignore) -and -not $env:CI
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:sb = Start-CrmSandbox
    if (-not $sb.PgCron -and ((Get-ChildItem '/usr/lib/postgresql/*/lib/pg_cron.so' -ErrorAction Ignore) -or $env:CI)) {
        throw 'The sandbox did not load pg_cron: install postgresql-<major>-cron (apt-get install -y postgresql-15-cron).'
    }
    if ($sb.PgCron) { Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null }
    $script:cs = $sb.ConnectionString

    # A child pwsh running CrmOps in the background; returns the Process (stdout read asynchronously into OutTask).
    function script:Start-ChildPwsh([string] $Script) {
        $cmd = Get-PwshCommand
        $psi = [Diagnostics.ProcessStartInfo]::new($cmd[0])
        foreach ($a in ($cmd | Select-Object -Skip 1)) { $psi.ArgumentList.Add($a) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$PSScriptRoot/../../CrmOps.psd1'; $Script") { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $p = [Diagnostics.Process]::Start($psi)
        $p | Add-Member -NotePropertyName OutTask -NotePropertyValue $p.StandardOutput.ReadToEndAsync()
        $p | Add-Member -NotePropertyName ErrTask -NotePropertyValue $p.StandardError.ReadToEndAsync()
        $p
    }

    function script:Sql([string] $Query, $On = $script:sb) { Invoke-TestSql $On $Query }
    # pg_cron's tables, in the database that keeps its jobs (the sandbox's: postgres, pg_cron's default).
    function script:Cron([string] $Query, $On = $script:sb) { Invoke-TestSql $On $Query -Database postgres }
    # Runs a job's command the way pg_cron runs it: in the job's database, one statement on its own (psql -c is not a transaction block).
    function script:Invoke-JobCommand([string] $Name, $On = $script:sb) {
        $row = Cron "select database, command from cron.job where jobname = '$Name'" $On
        $row | Should -Not -BeNullOrEmpty -Because "job $Name exists"
        $database, $command = $row -split "`t", 2
        $database | Should -Be $On.Database -Because 'the job runs in the CRM''s database'
        $out = & (Get-Psql) -X -q -h 127.0.0.1 -p $On.Port -U postgres -d $database -c $command 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out | Out-String) }
    }
    function script:Wait-Until([scriptblock] $Condition, [string] $What, [int] $TimeoutSeconds = 30) {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ([DateTime]::UtcNow -lt $deadline) { if (& $Condition) { return }; Start-Sleep -Milliseconds 100 }
        throw "timed out after $TimeoutSeconds s waiting for $What"
    }
    # A session that holds a lock on the timeline that is not a refresh's (ANALYZE's SHARE UPDATE EXCLUSIVE), so a refresh waits for it.
    function script:Lock-Timeline([int] $Seconds = 60) {
        $p = Start-TestSql $script:sb "begin; analyze public.customer_activity_timeline; select pg_sleep($Seconds); commit;"
        Wait-Until -What 'the lock holder' { [int](Sql "select count(*) from pg_locks where relation = 'public.customer_activity_timeline'::regclass and mode = 'ShareUpdateExclusiveLock' and granted") -gt 0 }
        $p
    }
    function script:Unlock-Timeline($Process) {
        # Killing psql does not end its server session's sleep: end the session itself.
        Sql "select pg_terminate_backend(pid) from pg_stat_activity where query like 'begin; analyze public.customer_activity_timeline%' and pid <> pg_backend_pid()" | Out-Null
        $Process.WaitForExit(10000) | Out-Null
    }
    # The error a command ends with, terminating (pg_cron missing) or not (one item): its ErrorRecord, $null when it succeeds.
    function script:Get-CommandError([scriptblock] $Command) {
        try { $ErrorActionPreference = 'Stop'; $out = & $Command; if ($out) { throw "unexpected output: $out" }; $null } catch { $_ }
    }
    # Every customer's scores into a table, for comparisons of all rows in SQL.
    function script:Save-Scores([string] $Table) {
        Sql "drop table if exists $Table; create table $Table as select id, lead_score, rfm_recency, rfm_frequency, rfm_monetary, last_scored_at from public.customer_profiles" | Out-Null
    }
    # The score changes a run recorded (supabase_migrations.crmops_score_changes), without when it started.
    function script:Save-Changes([string] $Table, [string] $Since = '-infinity') {
        Sql "drop table if exists $Table; create table $Table as select as_of, customer_id, old_score, new_score, old_segment, new_segment from supabase_migrations.crmops_score_changes where run_started > '$Since'" | Out-Null
        [int](Sql "select count(*) from $Table")
    }
    function script:Compare-Scores([string] $A, [string] $B) {
        [int](Sql "select count(*) from ((table $A except table $B) union all (table $B except table $A)) d")
    }
    # The latest scoring run's outcome, without who ran it and when.
    function script:Get-LastRun {
        $c = (Sql "select mode, customers, changed, hot, warm, cool, cold, average, status, trigger, coalesce(schedule, ''), to_char(as_of at time zone 'UTC', 'YYYY-MM-DD""T""HH24:MI:SS.US""Z""') from supabase_migrations.crmops_scoring_runs order by id desc limit 1") -split "`t"
        [pscustomobject]@{ Outcome = $c[0..8] -join ','; Trigger = $c[9]; Schedule = $c[10]; AsOf = [DateTimeOffset]::Parse($c[11], [cultureinfo]::InvariantCulture) }
    }
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Register-CrmSchedule and the job it creates' -Skip:$noPgCron {
    It 'creates exactly one pg_cron job; registering again under the same name updates it' {
        $s = Register-CrmSchedule -Name nightly -Task RefreshAndScore -Cron '0 2 * * *' -Confirm:$false
        $s.Name | Should -Be 'nightly'
        $s.Task | Should -Be 'RefreshAndScore'
        $s.Cron | Should -Be '0 2 * * *'
        $s.Active | Should -BeTrue
        $s.NextRunAt.UtcDateTime.ToString('HH:mm') | Should -Be '02:00'
        Cron "select count(*), min(schedule), min(database), bool_and(active) from cron.job where jobname = 'nightly'" | Should -Be "1`t0 2 * * *`tcrm`tt"
        $jobId = Cron "select jobid from cron.job where jobname = 'nightly'"
        $s.JobId | Should -Be $jobId

        $again = Register-CrmSchedule nightly RefreshAndScore '30 3 * * *' -Confirm:$false
        Cron "select count(*), min(schedule) from cron.job where jobname = 'nightly'" | Should -Be "1`t30 3 * * *"
        Cron "select jobid from cron.job where jobname = 'nightly'" | Should -Be $jobId
        $again.Cron | Should -Be '30 3 * * *'
        Register-CrmSchedule nightly RefreshAndScore '0 2 * * *' -Confirm:$false | Out-Null
        Cron "select count(*) from cron.job" | Should -Be 1
    }

    It 'its command, run by hand in SQL, refreshes the timeline and rescores, logged with Trigger Scheduled' {
        Sql 'delete from supabase_migrations.crmops_refresh_log; delete from supabase_migrations.crmops_scoring_runs' | Out-Null
        # An order that links to a customer and is not in the timeline yet: the refresh must bring it in.
        Sql "insert into public.orders_htx (order_id, event_id, event_name, email, first_name, last_name, total_amount, net_amount, status, created_at)
             select 'sched-1', 'ev', 'Scheduled Gala', email, 'A', 'B', 10, 10, 'completed', now() from public.customer_emails limit 1" | Out-Null
        Sql "select count(*) from public.customer_activity_timeline where metadata->>'order_id' = 'sched-1'" | Should -Be 0
        [int](Sql 'select count(*) from public.customer_profiles where lead_score is null') | Should -Be 9369

        $r = Invoke-JobCommand nightly
        $r.ExitCode | Should -Be 0 -Because $r.Output

        Sql "select count(*) from public.customer_activity_timeline where metadata->>'order_id' = 'sched-1'" | Should -Be 1
        Sql 'select count(*) from public.customer_profiles where lead_score is null' | Should -Be 0
        Sql "select status, trigger, schedule, rows_after from supabase_migrations.crmops_refresh_log" | Should -Be "Succeeded`tScheduled`tnightly`t11826"
        Sql "select mode, status, trigger, schedule, changed from supabase_migrations.crmops_scoring_runs" | Should -Be "Full`tSucceeded`tScheduled`tnightly`t9369"

        $h = Get-CrmRefreshHistory -Last 1
        $h.Trigger | Should -Be 'Scheduled'
        $h.Schedule | Should -Be 'nightly'
        $h.Status | Should -Be 'Succeeded'
        (Get-CrmRefreshHistory -Trigger Manual) | Should -BeNullOrEmpty
        $g = Get-CrmScoringHistory -Trigger Scheduled
        $g.Mode | Should -Be 'Full'
        $g.Changed | Should -Be 9369
        $g.Schedule | Should -Be 'nightly'
        ($g | Format-Table | Out-String -Width 250) | Should -Match 'Full\s+9,369[\s\S]*\(nightly\)' -Because 'the view says a run was scheduled, and by which schedule'
    }

    It '-KeepDays: the job keeps that many days of score changes, shown by Get-CrmSchedule; refused for a refresh' {
        $s = Register-CrmSchedule -Name keeper -Task Score -Cron '0 5 * * *' -KeepDays 30 -Confirm:$false
        try {
            $s.KeepDays | Should -Be 30
            (Get-CrmSchedule | Where-Object Name -EQ keeper).KeepDays | Should -Be 30
            (Get-CrmSchedule | Where-Object Name -EQ nightly).KeepDays | Should -BeNullOrEmpty -Because 'nightly keeps the default'
            $id = Sql 'select id from public.customer_profiles order by id limit 1'
            Sql "insert into supabase_migrations.crmops_score_changes (run_started, as_of, customer_id, old_score, new_score)
                 values (now() - interval '40 days', now() - interval '40 days', '$id', 1, 2), (now() - interval '10 days', now() - interval '10 days', '$id', 2, 3)" | Out-Null
            $r = Invoke-JobCommand keeper
            $r.ExitCode | Should -Be 0 -Because $r.Output
            Sql "select count(*) from supabase_migrations.crmops_score_changes where run_started < now() - interval '35 days'" | Should -Be 0 -Because 'older than 30 days: pruned by the run'
            Sql "select count(*) from supabase_migrations.crmops_score_changes where run_started between now() - interval '11 days' and now() - interval '9 days'" | Should -Be 1 -Because 'within 30 days: kept'
        }
        finally { Unregister-CrmSchedule keeper -Confirm:$false }
        $jobs = Cron 'select count(*) from cron.job'
        Register-CrmSchedule -Name x -Task Refresh -Cron '0 5 * * *' -KeepDays 30 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.ScheduleKeepDaysWithoutScoring,*'
        Cron 'select count(*) from cron.job' | Should -Be $jobs
    }

    It 'a manual refresh logs what the scheduled one logged, with Trigger Manual' {
        $manual = Invoke-CrmTimelineRefresh
        $scheduled = Get-CrmRefreshHistory -Trigger Scheduled -Last 1
        $manual.Trigger | Should -Be 'Manual'
        $manual.Schedule | Should -BeNullOrEmpty
        ($manual.View, $manual.Mode, $manual.Status, $manual.RowsAfter) | Should -Be ($scheduled.View, $scheduled.Mode, $scheduled.Status, $scheduled.RowsAfter)
        $manual.RowsBefore | Should -Be $scheduled.RowsAfter
        Sql "select trigger, schedule is null from supabase_migrations.crmops_refresh_log order by id desc limit 1" | Should -Be "Manual`tt"
    }

    It 'Get-CrmSchedule shows the job; -WhatIf changes nothing' {
        $all = @(Get-CrmSchedule)
        $all | Should -HaveCount 1
        $all[0].Name | Should -Be 'nightly'
        $all[0].TimeZone | Should -Be 'GMT'
        $all[0].Command | Should -Match "crmops\.run_step\('RefreshAndScore', 'nightly', s\)"
        Get-CrmSchedule -Name 'night*' | Should -HaveCount 1
        Get-CrmSchedule -Name 'other*' | Should -BeNullOrEmpty

        Register-CrmSchedule -Name other -Task Score -Cron '@hourly' -WhatIf | Should -BeNullOrEmpty
        Unregister-CrmSchedule nightly -WhatIf
        Cron 'select count(*) from cron.job' | Should -Be 1
    }

    It '-TimeZone rewrites the schedule for pg_cron''s time zone (<Zone> <Cron> -> <Expected>)' -TestCases @(
        @{ Zone = 'Asia/Kolkata'; Cron = '0 2 * * *'; Expected = '30 20 * * *' }
        @{ Zone = 'Asia/Tokyo'; Cron = '0 2 * * 1'; Expected = '0 17 * * 0' }
    ) {
        $s = Register-CrmSchedule -Name tz -Task Score -Cron $Cron -TimeZone $Zone -Confirm:$false
        $s.Cron | Should -Be $Expected
        Cron "select schedule from cron.job where jobname = 'tz'" | Should -Be $Expected
        Unregister-CrmSchedule tz -Confirm:$false
    }
}

Describe 'Scores after a scheduled run equal the scores after Update-CrmLeadScore (every row)' -Skip:$noPgCron {
    BeforeAll {
        # Orders as recent as the sample's October 2025 are now: recency bands are crossed day by day.
        Sql "update public.customer_engagement_metrics set last_order_at = last_order_at + (now() - timestamptz '2025-10-20')" | Out-Null
        Register-CrmSchedule -Name scores -Task Score -Cron '0 4 * * *' -Confirm:$false | Out-Null
        function script:Reset-Scoring {
            Sql 'update public.customer_profiles set lead_score = null, rfm_recency = null, rfm_frequency = null, rfm_monetary = null, last_scored_at = null; delete from supabase_migrations.crmops_scoring_runs; delete from supabase_migrations.crmops_score_changes' | Out-Null
        }
    }

    It 'a full run: the same scores and the same log' {
        Reset-Scoring
        (Invoke-JobCommand scores).ExitCode | Should -Be 0
        $scheduled = Get-LastRun
        $scheduled.Trigger | Should -Be 'Scheduled'
        Save-Scores scheduled_full
        Save-Changes scheduled_full_changes | Should -Be ([int]($scheduled.Outcome -split ',')[2]) -Because 'one change row per changed score'

        Reset-Scoring
        $manual = Update-CrmLeadScore -AsOf $scheduled.AsOf -Confirm:$false
        $manual.Mode | Should -Be 'Full'
        Save-Scores manual_full
        [int](Sql 'select count(*) from manual_full where lead_score is not null') | Should -Be 9369
        Compare-Scores scheduled_full manual_full | Should -Be 0
        (Get-LastRun).Outcome | Should -Be $scheduled.Outcome
        Save-Changes manual_full_changes | Should -Be $manual.Changed
        Compare-Scores scheduled_full_changes manual_full_changes | Should -Be 0 -Because 'both paths record the same changes'
        (Get-LastRun).Trigger | Should -Be 'Manual'
    }

    It 'a targeted run after a whole run three weeks earlier, with changed engagement rows: the same scores and the same log' {
        Reset-Scoring
        Update-CrmLeadScore -AsOf ([DateTimeOffset]::UtcNow.AddDays(-21)) -Confirm:$false | Out-Null
        # The order sync changes some customers (its trigger rescores them as of now).
        Sql "update public.customer_engagement_metrics set lifetime_orders = lifetime_orders + 4, lifetime_net = lifetime_net + 600, updated_at = now()
              where customer_id in (select customer_id from public.customer_engagement_metrics order by customer_id limit 40)" | Out-Null
        Save-Scores before_targeted
        $runsBefore = Sql 'select max(id) from supabase_migrations.crmops_scoring_runs'
        $changesBefore = Sql "select to_char(max(run_started), 'YYYY-MM-DD HH24:MI:SS.USOF') from supabase_migrations.crmops_score_changes"

        (Invoke-JobCommand scores).ExitCode | Should -Be 0
        $scheduled = Get-LastRun
        $scheduled.Outcome | Should -Match '^Targeted,'
        [int]($scheduled.Outcome -split ',')[2] | Should -BeGreaterThan 0 -Because 'customers crossed a recency band in three weeks'
        Save-Scores scheduled_targeted
        Compare-Scores before_targeted scheduled_targeted | Should -BeGreaterThan 0
        Save-Changes scheduled_targeted_changes $changesBefore | Should -Be ([int]($scheduled.Outcome -split ',')[2])

        # The same starting point again: the scores and the run log as they were.
        Sql "update public.customer_profiles p set lead_score = b.lead_score, rfm_recency = b.rfm_recency, rfm_frequency = b.rfm_frequency,
                    rfm_monetary = b.rfm_monetary, last_scored_at = b.last_scored_at
               from before_targeted b where b.id = p.id;
             delete from supabase_migrations.crmops_scoring_runs where id > $runsBefore; delete from supabase_migrations.crmops_score_changes where run_started > '$changesBefore'" | Out-Null
        Compare-Scores before_targeted $(Save-Scores restored; 'restored') | Should -Be 0

        $manual = Update-CrmLeadScore -AsOf $scheduled.AsOf -Confirm:$false
        $manual.Mode | Should -Be 'Targeted'
        Save-Scores manual_targeted
        Compare-Scores scheduled_targeted manual_targeted | Should -Be 0
        (Get-LastRun).Outcome | Should -Be $scheduled.Outcome
        Save-Changes manual_targeted_changes $changesBefore | Should -Be $manual.Changed
        Compare-Scores scheduled_targeted_changes manual_targeted_changes | Should -Be 0 -Because 'both paths record the same changes'
    }
}

Describe 'Overlap and failure' -Skip:$noPgCron {
    It 'a scheduled refresh that finds a manual one running is skipped and logged as skipped' {
        $holder = Lock-Timeline 60
        try {
            # A real manual refresh, waiting for the lock (and holding CrmOps' refresh lock while it waits).
            $manual = Start-ChildPwsh "(Invoke-CrmTimelineRefresh -Connection '$cs' -LockTimeout 60).Status"
            Wait-Until -What 'the manual refresh to wait for its lock' -TimeoutSeconds 60 {
                [int](Sql "select count(*) from pg_stat_activity where application_name = 'CrmOps' and wait_event_type = 'Lock' and query ilike 'refresh%'") -gt 0
            }
            $before = Sql 'select max(id) from supabase_migrations.crmops_refresh_log'
            $r = Invoke-JobCommand nightly
            $r.ExitCode | Should -Be 0 -Because 'a skipped refresh is not a failure'
            Sql "select status, trigger, schedule, message from supabase_migrations.crmops_refresh_log where id > $before order by id" |
                Should -Be "Skipped`tScheduled`tnightly`tSkipped: another CrmOps refresh of this view is running."
        }
        finally { Unlock-Timeline $holder }
        $manual.WaitForExit(60000) | Should -BeTrue
        $manual.OutTask.Result.Trim() | Should -Be 'Succeeded' -Because $manual.ErrTask.Result
        Sql 'select status, trigger from supabase_migrations.crmops_refresh_log order by id desc limit 1' | Should -Be "Succeeded`tManual"
    }

    It 'a scheduled refresh that fails leaves the timeline as it was, logs the error and ends the job in error' {
        Sql "insert into public.orders_htx (order_id, event_id, event_name, email, first_name, last_name, total_amount, net_amount, status, created_at)
             select 'sched-2', 'ev', 'Failed Gala', email, 'A', 'B', 10, 10, 'completed', now() from public.customer_emails limit 1" | Out-Null
        $rowsBefore = Sql 'select count(*) from public.customer_activity_timeline'
        $holder = Lock-Timeline 60
        try {
            $r = Invoke-JobCommand nightly
        }
        finally { Unlock-Timeline $holder }
        $r.ExitCode | Should -Not -Be 0
        $r.Output | Should -Match 'gave up after waiting 5 s for the lock on public.customer_activity_timeline: held by pid'
        Sql 'select count(*) from public.customer_activity_timeline' | Should -Be $rowsBefore
        Sql "select count(*) from public.customer_activity_timeline where metadata->>'order_id' = 'sched-2'" | Should -Be 0
        $log = Get-CrmRefreshHistory -Last 1
        $log.Status | Should -Be 'Failed'
        $log.Trigger | Should -Be 'Scheduled'
        $log.Message | Should -Match 'gave up after waiting'
        (Get-CrmScoringHistory -Last 1).Status | Should -Be 'Succeeded' -Because 'the scoring does not read the timeline, so it still ran'
    }

    It 'a scheduled scoring that fails leaves every score as it was and logs the error' {
        $digest = 'select md5(string_agg(concat_ws('','', id, lead_score, rfm_recency, rfm_frequency, rfm_monetary, last_scored_at), '';'' order by id)) from public.customer_profiles'
        Sql 'update public.customer_profiles set lead_score = null, rfm_recency = null, rfm_frequency = null, rfm_monetary = null where id in (select id from public.customer_profiles order by id limit 25)' | Out-Null
        Sql "create function public.refuse_scores() returns trigger language plpgsql as `$`$ begin raise exception 'scores are frozen for the audit'; end `$`$;
             create trigger zz_refuse_scores before update of lead_score on public.customer_profiles for each row execute function public.refuse_scores();" | Out-Null
        try {
            $before = Sql $digest
            $r = Invoke-JobCommand scores
            $r.ExitCode | Should -Not -Be 0
            $r.Output | Should -Match 'Scoring failed: scores are frozen for the audit'
            Sql $digest | Should -Be $before
            $run = Get-CrmScoringHistory -Last 1
            $run.Status | Should -Be 'Failed'
            $run.Trigger | Should -Be 'Scheduled'
            $run.Changed | Should -Be 0
            $run.Message | Should -Match 'scores are frozen for the audit.*No score changed'
        }
        finally { Sql 'drop trigger zz_refuse_scores on public.customer_profiles; drop function public.refuse_scores()' | Out-Null }
        # The failed run is no base for a targeted run: the next one still finds the 25 unscored.
        (Invoke-JobCommand scores).ExitCode | Should -Be 0
        Sql 'select count(*) from public.customer_profiles where lead_score is null' | Should -Be 0
    }
}

Describe 'Names, jobs that are not ours, bad input' -Skip:$noPgCron {
    It 'a job of the same name that CrmOps did not register is left alone unless -Force' {
        Cron "select cron.schedule('vacuum-nightly', '0 5 * * *', 'vacuum analyze public.orders_htx')" | Out-Null
        Register-CrmSchedule vacuum-nightly Score '0 6 * * *' -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.ScheduleNameTaken,*'
        $err[0].Exception.Message | Should -Match 'vacuum analyze public.orders_htx.*-Force'
        Unregister-CrmSchedule vacuum-nightly -Confirm:$false -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.ScheduleNotCrmOps,*'
        Cron "select schedule, command from cron.job where jobname = 'vacuum-nightly'" | Should -Be "0 5 * * *`tvacuum analyze public.orders_htx"
        Get-CrmSchedule | Where-Object Name -eq 'vacuum-nightly' | Should -BeNullOrEmpty -Because 'Get-CrmSchedule lists CrmOps'' jobs only'

        Register-CrmSchedule vacuum-nightly Score '0 6 * * *' -Force -Confirm:$false | Out-Null
        Cron "select schedule, database, command like '%crmops.run_step(''Score''%' from cron.job where jobname = 'vacuum-nightly'" | Should -Be "0 6 * * *`tcrm`tt"
        Unregister-CrmSchedule vacuum-nightly -Confirm:$false
    }

    It 'bad input gets a clear error and changes nothing: <Case>' -TestCases @(
        @{ Case = 'four fields'; Name = 'x'; Cron = '0 2 * *'; Id = 'CronInvalid'; Text = '4 field' }
        @{ Case = 'minute 60'; Name = 'x'; Cron = '60 2 * * *'; Id = 'CronInvalid'; Text = 'outside 0-59' }
        @{ Case = 'seconds on pg_cron 1.4'; Name = 'x'; Cron = '30 seconds'; Id = 'CronNeedsNewerPgCron'; Text = '1.5' }
        @{ Case = 'a name with a space'; Name = 'night ly'; Cron = '0 2 * * *'; Id = 'ScheduleNameInvalid'; Text = 'not a schedule name' }
        @{ Case = 'an injection attempt'; Name = "x');drop table t;--"; Cron = '0 2 * * *'; Id = 'ScheduleNameInvalid'; Text = 'not a schedule name' }
        @{ Case = 'an unknown time zone'; Name = 'x'; Cron = '0 2 * * *'; Zone = 'Mars/Olympus'; Id = 'TimeZoneNotFound'; Text = 'IANA' }
        @{ Case = 'a step hour in another zone'; Name = 'x'; Cron = '0 */2 * * *'; Zone = 'Asia/Tokyo'; Id = 'CronTimeZoneShift'; Text = 'write the hours out' }
    ) {
        $jobs = Cron 'select count(*), coalesce(string_agg(jobname || schedule, '','' order by jobid), '''') from cron.job'
        $extra = if ($Zone) { @{ TimeZone = $Zone } } else { @{} }
        Register-CrmSchedule -Name $Name -Task Score -Cron $Cron @extra -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "CrmOps.$Id,*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match ([regex]::Escape($Text))
        Cron 'select count(*), coalesce(string_agg(jobname || schedule, '','' order by jobid), '''') from cron.job' | Should -Be $jobs
    }

    It 'Unregister-CrmSchedule nightly removes the job; a name that is not there is an error' {
        Get-CrmSchedule | Where-Object Name -ne 'nightly' | Unregister-CrmSchedule -Confirm:$false
        $removed = Unregister-CrmSchedule nightly -PassThru -Confirm:$false
        $removed.Name | Should -Be 'nightly'
        Cron "select count(*) from cron.job where jobname = 'nightly'" | Should -Be 0
        Get-CrmSchedule | Should -BeNullOrEmpty
        Unregister-CrmSchedule nightly -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.ScheduleNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-CrmRefreshHistory -Trigger Scheduled | Should -Not -BeNullOrEmpty -Because 'the runs stay in the logs'
    }
}

Describe 'A CRM in pg_cron''s own database, as on Supabase' -Skip:$noPgCron {
    BeforeAll {
        # The sandbox's CRM, copied into postgres, the database where pg_cron keeps its jobs.
        $dump = & (Join-Path (Split-Path (Get-Psql)) 'pg_dump') -h 127.0.0.1 -p $sb.Port -U postgres -d crm --no-owner 2>&1
        if ($LASTEXITCODE -ne 0) { throw "pg_dump failed: $dump" }
        $dump | & (Get-Psql) -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $sb.Port -U postgres -d postgres -f - 2>&1 | Out-Null
        if ($LASTEXITCODE -ne 0) { throw 'restoring the CRM into postgres failed' }
        $script:sameDb = "Host=127.0.0.1;Port=$($sb.Port);Username=postgres;Database=postgres"
    }

    It 'registers with cron.schedule in the same database; the command refreshes and rescores there; unregisters' {
        $s = Register-CrmSchedule -Name here -Task RefreshAndScore -Cron '15 1 * * *' -Connection $sameDb -Confirm:$false
        $s.Database | Should -Be 'postgres'
        Cron "select database, schedule from cron.job where jobname = 'here'" | Should -Be "postgres`t15 1 * * *"
        $command = Cron "select command from cron.job where jobname = 'here'"
        $before = [int](Cron 'select count(*) from supabase_migrations.crmops_refresh_log')
        & (Get-Psql) -X -q -h 127.0.0.1 -p $sb.Port -U postgres -d postgres -c $command 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        Cron "select count(*) from supabase_migrations.crmops_refresh_log where trigger = 'Scheduled' and schedule = 'here' and status = 'Succeeded'" | Should -Be 1
        [int](Cron 'select count(*) from supabase_migrations.crmops_refresh_log') | Should -Be ($before + 1)
        Cron "select status from supabase_migrations.crmops_scoring_runs where schedule = 'here'" | Should -Be 'Succeeded'
        (Get-CrmSchedule -Connection $sameDb).Name | Should -Be 'here'
        Get-CrmSchedule -Connection $sb.ConnectionString | Where-Object Name -eq 'here' | Should -BeNullOrEmpty -Because 'a schedule belongs to the database it runs in'
        Unregister-CrmSchedule here -Connection $sameDb -Confirm:$false
        Cron "select count(*) from cron.job where jobname = 'here'" | Should -Be 0
    }
}

Describe 'Where pg_cron is missing, every schedule command fails with the clear error and changes nothing' -Skip:$noPgCron {
    BeforeAll {
        # A server that does not load pg_cron (it is installed on this machine, not preloaded).
        $script:plain = Start-CrmSandbox -Empty -NoCron -NoDefault
        $script:plainCs = $plain.ConnectionString
        function script:State($On) { Sql "select (select count(*) from pg_namespace where nspname in ('cron', 'crmops')), (select count(*) from pg_extension)" $On }
    }
    AfterAll { if ($script:plain) { Stop-CrmSandbox $script:plain } }

    It 'the sandbox says it runs without pg_cron' {
        $plain.PgCron | Should -BeNullOrEmpty
        Sql "select current_setting('shared_preload_libraries')" $plain | Should -Not -Match 'pg_cron'
    }

    It '<Name> on a server that does not load pg_cron' -TestCases @(
        @{ Name = 'Register-CrmSchedule'; Command = { Register-CrmSchedule -Name nightly -Task RefreshAndScore -Cron '0 2 * * *' -Connection $plainCs -Confirm:$false } }
        @{ Name = 'Get-CrmSchedule'; Command = { Get-CrmSchedule -Connection $plainCs } }
        @{ Name = 'Unregister-CrmSchedule'; Command = { Unregister-CrmSchedule nightly -Connection $plainCs -Confirm:$false } }
    ) {
        $before = State $plain
        $err = Get-CommandError $Command
        $err.FullyQualifiedErrorId | Should -BeLike 'CrmOps.PgCronNotLoaded,*'
        $err.CategoryInfo.Category | Should -Be 'NotInstalled'
        $m = $err.Exception.Message
        $m | Should -Match 'not loaded: it is not in shared_preload_libraries'
        $m | Should -Match "cron.database_name = 'crm'"
        $m | Should -Match 'Integrations > Cron'
        $m | Should -Match 'create extension pg_cron'
        State $plain | Should -Be $before
    }

    It 'an unattended run fails with a non-zero exit code and the message on stderr' {
        $r = Invoke-ChildPwsh "Import-Module ./CrmOps.psd1; Register-CrmSchedule nightly Score '0 2 * * *' -Connection '$plainCs' -Confirm:`$false -ErrorAction Stop"
        $r.ExitCode | Should -Not -Be 0
        $r.StdErr + $r.StdOut | Should -Match 'shared_preload_libraries'
    }

    It 'pg_cron loaded but not enabled in the database: NotEnabled, with create extension' {
        $other = Start-CrmSandbox -Empty -NoDefault
        try {
            $other.PgCron | Should -Not -BeNullOrEmpty
            Cron 'drop extension pg_cron' $other | Out-Null
            $before = State $other
            $ocs = $other.ConnectionString
            foreach ($c in { Register-CrmSchedule -Name n -Task Score -Cron '@daily' -Connection $ocs -Confirm:$false }, { Get-CrmSchedule -Connection $ocs },
                           { Unregister-CrmSchedule n -Connection $ocs -Confirm:$false }) {
                $err = Get-CommandError $c
                $err.FullyQualifiedErrorId | Should -BeLike 'CrmOps.PgCronNotEnabled,*'
                $err.Exception.Message | Should -Match "not enabled in database postgres, where it keeps its jobs.*'create extension pg_cron;' in postgres"
            }
            State $other | Should -Be $before

            # Enabled again, and a role without USAGE on schema cron: NoPrivilege, naming the grant.
            Cron 'create extension pg_cron' $other | Out-Null
            Sql "create role crm_reader login password 'Reader-Pw-1'; grant usage on schema public to crm_reader" $other | Out-Null
            $reader = "Host=127.0.0.1;Port=$($other.Port);Username=crm_reader;Password=Reader-Pw-1;Database=crm"
            Get-CrmSchedule -Connection $reader -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.PgCronNoPrivilege,*'
            $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err[0].Exception.Message | Should -Match 'grant usage on schema cron to "crm_reader"'
            $err[0].Exception.Message | Should -Not -Match 'Reader-Pw-1'

            # pg_cron ready, the SQL tasks not installed (no built-in migrations): the error says to apply them.
            Register-CrmSchedule n Score '@daily' -Connection $other.ConnectionString -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.ScheduleTasksNotInstalled,*'
            $err[0].Exception.Message | Should -Match 'Invoke-CrmMigration -BuiltIn'
            Cron 'select count(*) from cron.job' $other | Should -Be 0
        }
        finally { Stop-CrmSandbox $other }
    }
}

Describe 'The SQL tasks are safe to expose' -Skip:$noPgCron {
    It 'every function the migration creates has a fixed search_path and is not executable by PUBLIC or by API roles' {
        # The API roles, and default privileges that grant them whatever is created (as Supabase's do in public).
        Sql 'create role anon nologin; create role authenticated nologin;
             alter default privileges grant execute on functions to anon, authenticated;
             grant usage on schema crmops to anon, authenticated' | Out-Null
        try {
            Undo-CrmMigration -BuiltIn -Count 2 -Confirm:$false | Out-Null
            Sql "select count(*) from pg_proc where pronamespace = 'crmops'::regnamespace" | Should -Be 0
            Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
            Sql 'select count(*), count(*) filter (where proconfig @> array[''search_path=""'']),
                        count(*) filter (where has_function_privilege(''public'', oid, ''EXECUTE'') or has_function_privilege(''anon'', oid, ''EXECUTE'')
                                           or has_function_privilege(''authenticated'', oid, ''EXECUTE'')),
                        count(*) filter (where prosecdef)
                   from pg_proc where pronamespace = ''crmops''::regnamespace' | Should -Be "9`t9`t0`t0"
            Sql "select has_schema_privilege('anon', 'crmops', 'USAGE') or has_schema_privilege('authenticated', 'crmops', 'USAGE')" | Should -Be 'f'
        }
        finally {
            Sql 'alter default privileges revoke execute on functions from anon, authenticated;
                 revoke all on schema crmops from anon, authenticated; drop role anon; drop role authenticated' | Out-Null
        }
    }
}
