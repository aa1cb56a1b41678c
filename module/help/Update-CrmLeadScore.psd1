@{
    Synopsis    = 'Recalculates RFM lead scores set-based, as of an instant, writing only the scores that change.'
    Description = @'
Update-CrmLeadScore recomputes lead_score, rfm_recency, rfm_frequency and rfm_monetary on customer_profiles with the database's own lead_score_components() function, the single definition of the scoring rules that the triggers also use. It replaces the seed's "UPDATE customer_profiles SET updated_at = NOW()" trick: it never touches updated_at, and writes only rows whose score or components change.

Recency depends on when you score, so scores are computed as of an instant: -AsOf; without it, the database's reference date when it has one (a sandbox records the day its sample data describes as crmops.reference_date, and the command says that it used it), else now. Scoring the same data as of a later date moves customers down. A warning says when the instant is in the future, or more than 90 days after the newest order (then no customer can be Hot and most are Cold: the data has stopped, or the date is wrong). After a first whole run, later runs target only the customers that can have changed (their last order crossed a 30/60/90/180-day boundary, their engagement row changed, or they were never scored), so a daily run touches a fraction of a percent of the table. -Full forces a recalculation of everyone, in keyset batches that each commit on their own.

Each run is recorded in supabase_migrations.crmops_scoring_runs (as-of, customers per segment, rows changed, duration), and every score it changes in supabase_migrations.crmops_score_changes (customer, old and new score and segment), written by the same statement that updates the score: a run that changes nothing records nothing. Get-CrmLeadMovement and Export-CrmLeadReport read those changes. Changes recorded more than -KeepDays days ago are pruned by the run. -WhatIf reports how many customers would change and the segment counts the run would leave (Hot, Warm, Cool, Cold), without writing.

Scoring yields to applications: should a batch and an application transaction deadlock, the batch is the one aborted and retried. A role that may set deadlock_timeout (a superuser, or GRANT SET ON PARAMETER) lowers it to 50 ms in each batch; any other role, such as hosted Supabase's postgres, waits at most 50 ms for each lock and retries the batch until it has been failing for -LockTimeout (-Verbose says which).

Each batch waits at most -LockTimeout for a lock (an application transaction holding a customer's row, a migration holding the table). Then the run stops with an error that names the table or row waited for and the session holding it (pid, user, application, state, how long its transaction has been open, its query); batches already committed keep their new scores, and the next run finishes the work.
'@
    Parameters  = @{
        CustomerId = 'Score only these customers. Takes CrmLead objects (or anything with a CustomerId or Id property) from the pipeline.'
        AsOf       = 'The instant the scores describe. Default: the database''s reference date (crmops.reference_date, which a sandbox sets to 2025-10-15) when it has one, else now. The seed''s figures are as of 2025-10-15.'
        LockTimeout = 'How long a batch waits for a lock before the run stops (default 30 seconds; a number is seconds, 0 is refused because PostgreSQL would wait forever). The error names what was waited for and who holds it.'
        Full       = 'Recalculates every customer even when a targeted run would do.'
        KeepDays   = 'Days of recorded score changes to keep in supabase_migrations.crmops_score_changes (default 400); older ones are deleted by this run.'
        BatchSize  = 'Customers per transaction in a full recalculation (default 100,000: about a second of row locks per batch on a 2-core server, and within a few percent of one single UPDATE; smaller batches hold locks for less time but cost more in total).'
    }
    Examples    = @(
        @{ Title = 'The daily run'; Code = 'Update-CrmLeadScore'; Remarks = 'Scores as of now (on a sandbox: as of its reference date); only the customers that can have changed are examined.' }
        @{ Title = 'A sandbox as of today'; Code = 'Update-CrmLeadScore -AsOf (Get-Date)'; Remarks = 'Overrides the sandbox''s reference date; its sample orders end in October 2025, so a warning says that most customers fall to Cold.' }
        @{ Title = 'Reproduce the seed''s table'; Code = 'Update-CrmLeadScore -AsOf 2025-10-15; Get-CrmLeadScoreDistribution'; Remarks = 'Scores as of 2025-10-15 and shows the distribution.' }
        @{ Title = 'How many would change?'; Code = 'Update-CrmLeadScore -AsOf (Get-Date).AddDays(7) -WhatIf'; Remarks = 'Counts the customers whose score would change a week from now, and the segments they would be in, without writing anything.' }
        @{ Title = 'Rescore some customers'; Code = 'Get-CrmLeadSegment Hot | Update-CrmLeadScore'; Remarks = 'Rescores the hot leads only.' }
    )
    Links       = @('Get-CrmLeadScoreDistribution', 'Get-CrmLeadSegment')
}
