@{
    Synopsis    = 'Removes pg_cron jobs that CrmOps registered.'
    Description = @'
Unregister-CrmSchedule removes the pg_cron job of that name that the current role registered with Register-CrmSchedule (cron.unschedule). A job of that name that CrmOps did not register is left alone, with an error that says how to remove it yourself. The runs already made stay in the refresh and scoring logs. Takes names, or CrmSchedule objects from Get-CrmSchedule, from the pipeline.
'@
    Parameters  = @{
        Name     = 'The schedules to remove (no wildcards: pipe Get-CrmSchedule with a pattern for that).'
        PassThru = 'Writes each removed schedule to the pipeline.'
    }
    Examples    = @(
        @{ Title = 'Stop the nightly job'; Code = 'Unregister-CrmSchedule nightly'; Remarks = 'Removes the job named nightly.' }
        @{ Title = 'Remove every CrmOps job'; Code = 'Get-CrmSchedule | Unregister-CrmSchedule -WhatIf'; Remarks = 'Lists what would be removed; run again without -WhatIf to remove them.' }
    )
    Links       = @('Register-CrmSchedule', 'Get-CrmSchedule')
}
