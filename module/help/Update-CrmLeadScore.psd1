@{
    Synopsis    = 'Recalculates RFM lead scores set-based, as of an instant, writing only the scores that change.'
    Description = @'
Update-CrmLeadScore recomputes lead_score, rfm_recency, rfm_frequency and rfm_monetary on customer_profiles with the database's own lead_score_components() function, the single definition of the scoring rules that the triggers also use. It replaces the seed's "UPDATE customer_profiles SET updated_at = NOW()" trick: it never touches updated_at, and writes only rows whose score or components change.

Recency depends on when you score, so scores are computed as of an instant (-AsOf, default now); scoring the same data as of a later date moves customers down. After a first whole run, later runs target only the customers that can have changed (their last order crossed a 30/60/90/180-day boundary, their engagement row changed, or they were never scored), so a daily run touches a fraction of a percent of the table. -Full forces a recalculation of everyone, in keyset batches that each commit on their own.

Each run is recorded in supabase_migrations.crmops_scoring_runs (as-of, customers per segment, rows changed, duration), and every score it changes in supabase_migrations.crmops_score_changes (customer, old and new score and segment), written by the same statement that updates the score: a run that changes nothing records nothing. Get-CrmLeadMovement and Export-CrmLeadReport read those changes. Changes recorded more than -KeepDays days ago are pruned by the run. -WhatIf reports how many customers would change, without writing.
'@
    Parameters  = @{
        CustomerId = 'Score only these customers. Takes CrmLead objects (or anything with a CustomerId or Id property) from the pipeline.'
        AsOf       = 'The instant the scores describe (default: now). The seed''s figures are as of 2025-10-15.'
        Full       = 'Recalculates every customer even when a targeted run would do.'
        KeepDays   = 'Days of recorded score changes to keep in supabase_migrations.crmops_score_changes (default 400); older ones are deleted by this run.'
        BatchSize  = 'Customers per transaction in a full recalculation (default 100,000: about a second of row locks per batch on a 2-core server, and within a few percent of one single UPDATE; smaller batches hold locks for less time but cost more in total).'
    }
    Examples    = @(
        @{ Title = 'The daily run'; Code = 'Update-CrmLeadScore'; Remarks = 'Scores as of now; only the customers that can have changed are examined.' }
        @{ Title = 'Reproduce the seed''s table'; Code = 'Update-CrmLeadScore -AsOf 2025-10-15; Get-CrmLeadScoreDistribution'; Remarks = 'Scores as of 2025-10-15 and shows the distribution.' }
        @{ Title = 'How many would change?'; Code = 'Update-CrmLeadScore -AsOf (Get-Date).AddDays(7) -WhatIf'; Remarks = 'Counts the customers whose score would change a week from now, without writing anything.' }
        @{ Title = 'Rescore some customers'; Code = 'Get-CrmLeadSegment Hot | Update-CrmLeadScore'; Remarks = 'Rescores the hot leads only.' }
    )
    Links       = @('Get-CrmLeadScoreDistribution', 'Get-CrmLeadSegment')
}
