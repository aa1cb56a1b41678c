# Helpers of the reliability suite (issue 8): child pwsh processes to fault, server restarts, and
# digests of what must not change. Verification goes through psql (TestHelpers), not CrmOps.
Import-Module (Join-Path $PSScriptRoot '../Pester/TestHelpers.psm1') -Force

function Get-ModulePath { (Resolve-Path (Join-Path $PSScriptRoot '../../CrmOps.psd1')).Path }

# Starts a child pwsh that imports CrmOps and runs $Script; returns the Process (stdout/stderr redirected).
# The script should print 'OK' or 'ERR <FullyQualifiedErrorId> <Category> <message>' and exit 0/1.
function Start-CrmChild {
    param([Parameter(Mandatory)] [string] $Script)
    $cmd = Get-PwshCommand
    $psi = [Diagnostics.ProcessStartInfo]::new($cmd[0])
    foreach ($a in ($cmd | Select-Object -Skip 1)) { $psi.ArgumentList.Add($a) }
    $full = "`$ErrorActionPreference = 'Stop'; Import-Module '$(Get-ModulePath)'; try { $Script; 'OK'; exit 0 } catch { 'ERR ' + `$_.FullyQualifiedErrorId + ' ' + `$_.CategoryInfo.Category + ' ' + `$_.Exception.Message; exit 1 }"
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $full) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    $p = [Diagnostics.Process]::Start($psi)
    # Read asynchronously so that a full pipe never blocks the child.
    $p | Add-Member -NotePropertyName OutTask -NotePropertyValue $p.StandardOutput.ReadToEndAsync()
    $p | Add-Member -NotePropertyName ErrTask -NotePropertyValue $p.StandardError.ReadToEndAsync()
    $p
}

function Wait-CrmChild {
    param([Parameter(Mandatory)] $Process, [int] $TimeoutSeconds = 90)
    if (-not $Process.WaitForExit($TimeoutSeconds * 1000)) { $Process.Kill($true); throw "child pwsh did not finish in $TimeoutSeconds s" }
    [pscustomobject]@{ ExitCode = $Process.ExitCode; Output = ($Process.OutTask.Result + $Process.ErrTask.Result).Trim() }
}

function Get-PgCtl {
    $onPath = Get-Command pg_ctl -ErrorAction Ignore
    if ($onPath) { return $onPath.Source }
    (Get-ChildItem '/usr/lib/postgresql/*/bin/pg_ctl' -ErrorAction Ignore | Select-Object -Last 1).FullName
}

# pg_ctl against a sandbox's data folder (as the postgres OS user when we are root). Output goes to
# the sandbox's server.log: the server inherits pg_ctl's stdout, so a captured pipe would never close.
function Invoke-PgCtl {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string[]] $Arguments)
    $log = Join-Path (Split-Path $Sandbox.DataDirectory) 'server.log'
    $line = "'$(Get-PgCtl)' -D '$($Sandbox.DataDirectory)' -l '$log' $($Arguments -join ' ') >>'$log' 2>&1"
    if ((id -u) -eq '0') { $line = "runuser -u postgres -- $line" }
    $p = Start-Process sh -ArgumentList '-c', "`"$line`"" -PassThru -Wait
    if ($p.ExitCode -ne 0) { throw "pg_ctl $Arguments failed ($($p.ExitCode)); see $log" }
}

# Starts a stopped sandbox server again on its own port and socket folder (pg_ctl start does not
# reuse the options the sandbox was started with; restart does).
function Get-StartOptions {
    param($Sandbox)
    $root = Split-Path $Sandbox.DataDirectory
    "-o '-c port=$($Sandbox.Port) -c listen_addresses=127.0.0.1 -c unix_socket_directories=$root -c fsync=off'"
}
function Start-TestServer { param($Sandbox) Invoke-PgCtl $Sandbox @('-w', (Get-StartOptions $Sandbox), 'start') }

function Restart-TestServer { param($Sandbox) Invoke-PgCtl $Sandbox @('-m', 'fast', '-w', 'restart') }

# CrmOps backends (other than psql's) that are still there.
function Get-CrmBackendCount {
    param($Sandbox)
    [int](Invoke-TestSql $Sandbox "select count(*) from pg_stat_activity where application_name = 'CrmOps' and state <> 'idle'")
}

# A digest of every customer's scores (order-independent of physical layout).
function Get-ScoreDigest {
    param($Sandbox)
    Invoke-TestSql $Sandbox "select md5(string_agg(concat_ws(',', id, lead_score, rfm_recency, rfm_frequency, rfm_monetary, last_scored_at), ';' order by id)) from public.customer_profiles"
}

# The digest scores would have after a correct recomputation as of $AsOf (the database's own rules).
function Get-ExpectedScoreDigest {
    param($Sandbox, [string] $AsOf)
    Invoke-TestSql $Sandbox @"
select md5(string_agg(concat_ws(',', p.id, c.lead_score, c.recency, c.frequency, c.monetary), ';' order by p.id))
  from public.customer_profiles p
  left join public.customer_engagement_metrics m on m.customer_id = p.id
 cross join lateral public.lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, '$AsOf'::timestamptz) c
"@
}
function Get-ActualScoreDigest {
    param($Sandbox)
    Invoke-TestSql $Sandbox "select md5(string_agg(concat_ws(',', id, lead_score, rfm_recency, rfm_frequency, rfm_monetary), ';' order by id)) from public.customer_profiles"
}

Export-ModuleMember -Function *
