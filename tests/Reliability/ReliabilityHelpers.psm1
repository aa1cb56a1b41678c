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

# A gate the test holds shut: work that runs "select pg_advisory_xact_lock_shared(4242)" waits there,
# provably mid-work, until Open-TestGate (no guessed pg_sleep window). Returns the holder's process.
function Close-TestGate {
    param([Parameter(Mandatory)] $Sandbox)
    $p = Start-TestSql $Sandbox 'select pg_advisory_lock(4242); select pg_sleep(600);'
    Wait-Until -What 'the gate to close' { [int](Invoke-TestSql $Sandbox "select count(*) from pg_locks where locktype = 'advisory' and objid = 4242 and mode = 'ExclusiveLock' and granted") -gt 0 }
    $p
}
function Open-TestGate {
    param([Parameter(Mandatory)] $Sandbox, $Process)
    Invoke-TestSql $Sandbox "select pg_terminate_backend(pid) from pg_stat_activity where query like '%pg_advisory_lock(4242)%' and pid <> pg_backend_pid()" | Out-Null
    if ($Process -and -not $Process.WaitForExit(10000)) { $Process.Kill() }
}
# The pg_stat_activity condition of work waiting at the gate.
$script:AtGate = "wait_event_type = 'Lock' and wait_event = 'advisory'"
function Get-AtGateCondition { $script:AtGate }

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

# The digest scores would have after a correct recomputation as of $AsOf, by the spec's RFM rules
# written here (crm-database.md, "Lead scoring"), not by the database's lead_score_components():
# lead_score = 3R + 2F + M; R by days since the last order (<= 30/60/90/180: 5/4/3/2, else or none 1),
# F by lifetime orders (>= 10/5/3/1: 5/4/3/2, else 1), M by lifetime net (>= 1000/500/200/50: 5/4/3/2, else 1).
function Get-ExpectedScoreDigest {
    param($Sandbox, [string] $AsOf)
    Invoke-TestSql $Sandbox @"
with rfm as (
  select p.id,
         case when m.last_order_at is null then 1
              when m.last_order_at >= '$AsOf'::timestamptz - interval '30 days' then 5
              when m.last_order_at >= '$AsOf'::timestamptz - interval '60 days' then 4
              when m.last_order_at >= '$AsOf'::timestamptz - interval '90 days' then 3
              when m.last_order_at >= '$AsOf'::timestamptz - interval '180 days' then 2
              else 1 end as r,
         case when coalesce(m.lifetime_orders, 0) >= 10 then 5 when m.lifetime_orders >= 5 then 4
              when m.lifetime_orders >= 3 then 3 when m.lifetime_orders >= 1 then 2 else 1 end as f,
         case when coalesce(m.lifetime_net, 0) >= 1000 then 5 when m.lifetime_net >= 500 then 4
              when m.lifetime_net >= 200 then 3 when m.lifetime_net >= 50 then 2 else 1 end as m
    from public.customer_profiles p
    left join public.customer_engagement_metrics m on m.customer_id = p.id)
select md5(string_agg(concat_ws(',', id, 3 * r + 2 * f + m, r, f, m), ';' order by id)) from rfm
"@
}
function Get-ActualScoreDigest {
    param($Sandbox)
    Invoke-TestSql $Sandbox "select md5(string_agg(concat_ws(',', id, lead_score, rfm_recency, rfm_frequency, rfm_monetary), ';' order by id)) from public.customer_profiles"
}

Export-ModuleMember -Function *
