#requires -Version 7.4
<#
.SYNOPSIS
    CrmOps' nightly job: refresh the activity timeline, then rescore the leads. Run it from cron, systemd or the
    Windows Task Scheduler (README: Running unattended).
.DESCRIPTION
    Writes a plain-text log to standard output, one block per step: a timestamped line naming the step, then, as soon
    as the step ends, its result with one property per line, nothing cut and no colour codes. A later step's failure
    keeps the earlier steps' lines. Warnings and notes of a step appear before its result.
    A failing step writes a "FAILED" line with the error (and what to do about it) and ends the job with exit code 1;
    the steps after it do not run.
    The database comes from the environment: $env:CRMOPS_CONNECTION, else PGHOST, PGUSER, PGPASSFILE and the other
    libpq variables. Never put a password on the command line: use a pgpass file.
.EXAMPLE
    CRMOPS_CONNECTION='Host=db.internal;Username=crm_ops;Database=postgres;Passfile=/etc/crmops/pgpass' pwsh -NoProfile -File /etc/crmops/crmops-nightly.ps1 >> /var/log/crmops.log 2>&1
#>
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'      # no progress bars in a log
$PSStyle.OutputRendering = 'PlainText'       # no ANSI colour codes, even in warnings and errors
Import-Module CrmOps

function Invoke-Step {
    param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [scriptblock] $Step)
    '[{0:yyyy-MM-dd HH:mm:ss}Z] {1}' -f [DateTime]::UtcNow, $Name
    try {
        # Format-List | Out-String inside the step: its result is written when the step ends (not held back until
        # the end of the job, where a later failure would lose it), one property per line, at a width that cuts nothing.
        & $Step | Format-List | Out-String -Width 1000 -Stream | Where-Object { $_.Trim() }
    }
    catch {
        '[{0:yyyy-MM-dd HH:mm:ss}Z] {1} FAILED ({2}): {3}' -f [DateTime]::UtcNow, $Name, $_.FullyQualifiedErrorId, $_.Exception.Message
        if ($_.ErrorDetails.RecommendedAction) { "    Recommended: $($_.ErrorDetails.RecommendedAction)" }
        exit 1
    }
}

Invoke-Step 'Invoke-CrmTimelineRefresh' { Invoke-CrmTimelineRefresh }
Invoke-Step 'Update-CrmLeadScore' { Update-CrmLeadScore -Confirm:$false }
'[{0:yyyy-MM-dd HH:mm:ss}Z] done' -f [DateTime]::UtcNow
