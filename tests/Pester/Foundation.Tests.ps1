#requires -Version 7.4
# The foundation: connections and their errors, the sandbox's life cycle, and dependency isolation.
# The conventions every command follows (verbs, output types, help, -WhatIf...) are in Conventions.Tests.ps1.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:Secret = 'Zebra-Quartz-7731-Pw!'
    $script:sb = Start-CrmSandbox -Empty -NoDefault
    Invoke-TestSql $script:sb "CREATE ROLE crm_app LOGIN PASSWORD '$($script:Secret)'; GRANT CONNECT ON DATABASE crm TO crm_app;" | Out-Null
}

AfterAll {
    Disconnect-CrmDatabase
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Connections' {
    It 'connects with the keyword form and hides the password' {
        $c = Connect-CrmDatabase "Host=127.0.0.1;Port=$($sb.Port);Username=crm_app;Password=$Secret;Database=crm" -NoDefault
        $c.Host | Should -Be '127.0.0.1'
        $c.Port | Should -Be $sb.Port
        $c.Database | Should -Be 'crm'
        $c.Username | Should -Be 'crm_app'
        $c.ServerVersion | Should -Match '^1[0-9]\.'
        $c.IsSandbox | Should -BeFalse
        ($c | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($Secret))
        ($c | ConvertTo-Json -Depth 3 -WarningAction Ignore) | Should -Not -Match ([regex]::Escape($Secret))
        "$c" | Should -Not -Match ([regex]::Escape($Secret))
    }

    It 'connects with the postgresql:// URI form (percent-encoded password, query options)' {
        $enc = [uri]::EscapeDataString($Secret)
        $c = Connect-CrmDatabase "postgresql://crm_app:$enc@127.0.0.1:$($sb.Port)/crm?sslmode=disable&application_name=uri-test" -NoDefault
        $c.Username | Should -Be 'crm_app'
        $c.Database | Should -Be 'crm'
        $c.SslMode | Should -Be 'Disable'
    }

    It 'connects with the libpq keyword form' {
        $c = Connect-CrmDatabase "host=127.0.0.1 port=$($sb.Port) dbname=crm user=crm_app password='$Secret'" -NoDefault
        $c.Username | Should -Be 'crm_app'
    }

    It 'takes -Credential over the string' {
        $cred = [pscredential]::new('crm_app', (ConvertTo-SecureString $Secret -AsPlainText -Force))
        $c = Connect-CrmDatabase "Host=127.0.0.1;Port=$($sb.Port);Database=crm;Username=nobody" -Credential $cred -NoDefault
        $c.Username | Should -Be 'crm_app'
    }

    It 'uses $env:CRMOPS_CONNECTION and becomes the session default' {
        $r = Invoke-ChildPwsh -Environment @{ CRMOPS_CONNECTION = "Host=127.0.0.1;Port=$($sb.Port);Username=crm_app;Password=$Secret;Database=crm" } -Script @'
Import-Module ./CrmOps.psd1
$c = Connect-CrmDatabase
"user=$($c.Username) db=$($c.Database)"
'@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.StdOut | Should -Match 'user=crm_app db=crm'
        $r.StdOut + $r.StdErr | Should -Not -Match ([regex]::Escape($Secret))
    }

    It 'uses the libpq variables and PGPASSFILE' {
        $pass = Join-Path ([IO.Path]::GetTempPath()) "crmops-pgpass-$PID"
        Set-Content $pass "127.0.0.1:$($sb.Port):crm:crm_app:$Secret"
        if (-not $IsWindows) { chmod 600 $pass }
        try {
            $r = Invoke-ChildPwsh -Environment @{ PGHOST = '127.0.0.1'; PGPORT = "$($sb.Port)"; PGDATABASE = 'crm'; PGUSER = 'crm_app'; PGPASSFILE = $pass; CRMOPS_CONNECTION = '' } -Script @'
Import-Module ./CrmOps.psd1
$c = Connect-CrmDatabase
"user=$($c.Username) port=$($c.Port)"
'@
            $r.ExitCode | Should -Be 0 -Because $r.StdErr
            $r.StdOut | Should -Match "user=crm_app port=$($sb.Port)"
        }
        finally { Remove-Item $pass -Force }
    }

    It 'makes the connection the session default for later commands, until Disconnect-CrmDatabase' {
        # A role of its own, so that its server connections are this connection's alone.
        Invoke-TestSql $sb "create role crm_default login password 'Default-Pw-4410'; create table public.default_probe (id int); insert into public.default_probe select generate_series(1, 7); grant select on public.default_probe to crm_default;" | Out-Null
        $saved = @{}; foreach ($v in 'CRMOPS_CONNECTION', 'PGHOST') { $saved[$v] = [Environment]::GetEnvironmentVariable($v); [Environment]::SetEnvironmentVariable($v, $null) }
        try {
            $c = Connect-CrmDatabase "Host=127.0.0.1;Port=$($sb.Port);Username=crm_default;Password=Default-Pw-4410;Database=crm"
            $c.IsSandbox | Should -BeFalse
            # A later command without -Connection runs on it: as crm_default, in crm.
            (Get-CrmRowCount default_probe -Exact).Rows | Should -Be 7
            [int](Invoke-TestSql $sb "select count(*) from pg_stat_activity where usename = 'crm_default'") | Should -BeGreaterThan 0
            Disconnect-CrmDatabase
            # No default any more, and the connection's pooled server connections are closed.
            { Get-CrmRowCount default_probe -Exact -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.NoConnection,*'
            Invoke-TestSql $sb "select count(*) from pg_stat_activity where usename = 'crm_default'" | Should -Be '0'
            { Get-CrmRowCount default_probe -Exact -Connection $c -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.Connection*' -Because 'the disconnected object is closed'
        }
        finally { foreach ($v in $saved.Keys) { [Environment]::SetEnvironmentVariable($v, $saved[$v]) } }
    }

    Context 'failures give one line naming host and port, never the password' {
        BeforeAll {
            $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $l.Start()
            $script:closedPort = $l.LocalEndpoint.Port; $l.Stop()
        }

        It '<Case>' -TestCases @(
            @{ Case = 'wrong password'; Cs = { "Host=127.0.0.1;Port=$($sb.Port);Username=crm_app;Password=$Secret-wrong;Database=crm" }; Id = 'CrmOps.ConnectionAuthenticationFailed'; Category = 'AuthenticationError'; Text = 'password authentication failed' }
            @{ Case = 'wrong port'; Cs = { "Host=127.0.0.1;Port=$closedPort;Username=crm_app;Password=$Secret;Database=crm" }; Id = 'CrmOps.ConnectionUnreachable'; Category = 'ConnectionError'; Text = 'refused' }
            @{ Case = 'wrong database'; Cs = { "Host=127.0.0.1;Port=$($sb.Port);Username=crm_app;Password=$Secret;Database=no_such_db" }; Id = 'CrmOps.ConnectionDatabaseNotFound'; Category = 'ObjectNotFound'; Text = 'no_such_db' }
            @{ Case = 'wrong host'; Cs = { "Host=no-such-host.invalid;Port=5432;Username=crm_app;Password=$Secret;Database=crm;Timeout=3" }; Id = 'CrmOps.Connection*'; Category = '*'; Text = 'no-such-host.invalid:5432' }
            @{ Case = 'SSL required by a server without TLS'; Cs = { "postgresql://crm_app:$Secret@127.0.0.1:$($sb.Port)/crm?sslmode=require" }; Id = 'CrmOps.Connection*'; Category = '*'; Text = 'SSL|TLS' }
            @{ Case = 'malformed URI port'; Cs = { "postgresql://crm_app:$Secret@127.0.0.1:99999/crm" }; Id = 'CrmOps.ConnectionStringInvalid'; Category = 'InvalidArgument'; Text = 'port' }
        ) {
            $cs = & $Cs
            $all = & { try { Connect-CrmDatabase $cs -NoDefault -Verbose -Debug -ErrorAction Stop } catch { $_ } } *>&1 | Out-String
            $err = $null
            try { Connect-CrmDatabase $cs -NoDefault -Verbose -ErrorAction Stop 4>$null } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
            "$($err.CategoryInfo.Category)" | Should -BeLike $Category
            $err.Exception.Message | Should -Match $Text
            if ($Case -ne 'wrong host' -and $Case -ne 'malformed URI port') { $err.Exception.Message | Should -Match "127\.0\.0\.1:\d+" }
            $err.Exception.Message.Trim() | Should -Not -Match "`n"
            $err.Exception.InnerException | Should -BeNullOrEmpty
            ($err | Out-String) + $all + ($err.Exception | Format-List * -Force | Out-String) | Should -Not -Match ([regex]::Escape($Secret))
        }
    }
}

Describe 'Sandbox life cycle' {
    It 'starts an empty CRM sandbox on 127.0.0.1 and stops it without leftovers' {
        $s = Start-CrmSandbox -Empty -NoDefault
        $s.Port | Should -BeGreaterThan 0
        $s.IsRunning | Should -BeTrue
        Test-Path $s.DataDirectory | Should -BeTrue
        (Invoke-TestSql $s 'select current_setting(''listen_addresses'')') | Should -Be '127.0.0.1'
        $pid0 = $s.ProcessId
        Stop-CrmSandbox $s
        Test-Path $s.RootDirectory | Should -BeFalse
        Test-ProcessAlive $pid0 | Should -BeFalse
    }

    It 'leaves nothing behind when PowerShell exits without Stop-CrmSandbox' {
        $r = Invoke-ChildPwsh -Script 'Import-Module ./CrmOps.psd1; $s = Start-CrmSandbox -Empty; "$($s.RootDirectory)|$($s.ProcessId)"; exit 0'
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $dir, $serverPid = ($r.StdOut.Trim() -split "`n")[-1].Trim() -split '\|'
        $deadline = (Get-Date).AddSeconds(10)
        while (((Test-Path $dir) -or (Test-ProcessAlive $serverPid)) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
        Test-Path $dir | Should -BeFalse
        Test-ProcessAlive $serverPid | Should -BeFalse
    }

    It 'leaves nothing behind when the PowerShell process is killed' {
        $cmd = Get-PwshCommand
        $out = Join-Path ([IO.Path]::GetTempPath()) "crmops-kill-$PID.txt"
        $psi = [System.Diagnostics.ProcessStartInfo]::new($cmd[0])
        foreach ($a in ($cmd | Select-Object -Skip 1)) { $psi.ArgumentList.Add($a) }
        foreach ($a in '-NoProfile', '-Command', "Import-Module ./CrmOps.psd1; `$s = Start-CrmSandbox -Empty; ""`$(`$s.RootDirectory)|`$(`$s.ProcessId)"" | Set-Content '$out'; Start-Sleep 120") { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = Get-RepoRoot
        $p = [System.Diagnostics.Process]::Start($psi)
        $deadline = (Get-Date).AddSeconds(60)
        # Set-Content creates the file before it writes the line: wait for the line.
        while (-not ((Test-Path $out) -and (Get-Content $out -Raw -ErrorAction Ignore) -match "\|") -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
        $dir, $serverPid = (Get-Content $out -Raw).Trim() -split '\|'
        Test-Path $dir | Should -BeTrue
        $p.Kill()  # SIGKILL: no exit handler runs; the watchdog must clean up
        $deadline = (Get-Date).AddSeconds(15)
        while (((Test-Path $dir) -or (Test-ProcessAlive $serverPid)) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 250 }
        Remove-Item $out -ErrorAction Ignore
        Test-Path $dir | Should -BeFalse
        Test-ProcessAlive $serverPid | Should -BeFalse
    }

    It 'cleans up when the server fails to start, and says why' -Skip:$IsWindows {
        # Fake binaries: initdb works, but the server never starts.
        $fake = Join-Path ([IO.Path]::GetTempPath()) "crmops-fakepg-$PID"
        New-Item -ItemType Directory -Force $fake | Out-Null
        Set-Content "$fake/initdb" "#!/bin/sh`nwhile [ `$# -gt 0 ]; do if [ `"`$1`" = -D ]; then mkdir -p `"`$2`"; echo 15 > `"`$2/PG_VERSION`"; fi; shift; done`nexit 0"
        Set-Content "$fake/pg_ctl" "#!/bin/sh`ncase `"`$*`" in *--version*) echo 'pg_ctl (PostgreSQL) 15.99'; exit 0;; *start*) echo 'could not bind IPv4 address: fake failure' >&2; exit 1;; esac`nexit 0"
        Set-Content "$fake/postgres" "#!/bin/sh`nexit 1"
        chmod 755 $fake "$fake/initdb" "$fake/pg_ctl" "$fake/postgres"
        # A temp folder of its own, so that sandboxes of other test runs on the machine cannot count as leftovers.
        $tmp = Join-Path $fake 'tmp'
        New-Item -ItemType Directory $tmp | Out-Null
        $r = Invoke-ChildPwsh -Environment @{ CRMOPS_PG_BIN = $fake; CRMOPS_CACHE = "$fake/cache"; TMPDIR = $tmp } -Script '"TMP:" + [IO.Path]::GetTempPath(); Import-Module ./CrmOps.psd1; try { Start-CrmSandbox -Empty -ErrorAction Stop } catch { "ERR:" + $_.FullyQualifiedErrorId + ":" + $_.Exception.Message; exit 1 }'
        $leftovers = @(Get-ChildItem $tmp -Filter 'crmops-sandbox-*' -Directory).Name
        Remove-Item $fake -Recurse -Force
        $r.ExitCode | Should -Be 1
        $r.StdOut | Should -Match "TMP:$([regex]::Escape($tmp))/?\r?\n" -Because 'the sandbox folder goes under the temp folder given'
        $r.StdOut | Should -Match 'ERR:CrmOps.SandboxStartFailed'
        $r.StdOut | Should -Match 'fake failure'
        $leftovers | Should -BeNullOrEmpty
    }

    It 'Start-CrmSandbox -WhatIf starts nothing; Stop-CrmSandbox -All -WhatIf stops nothing; Stop-CrmSandbox -All stops every sandbox of the session' {
        # In a child: -All stops every sandbox of the session, this file's own included.
        $r = Invoke-ChildPwsh -TimeoutSeconds 180 -Environment @{ CRMOPS_CONNECTION = $null; PGHOST = $null } -Script @'
Import-Module ./CrmOps.psd1; Import-Module ./tests/Pester/TestHelpers.psm1
function State($s) { "$(Test-Path $s.RootDirectory)/$(Test-ProcessAlive $s.ProcessId)" }
"whatif-start objects=$(@(Start-CrmSandbox -Empty -WhatIf).Count)"
try { Get-CrmRowCount -ErrorAction Stop | Out-Null; 'whatif-start default=yes' } catch { "whatif-start default=$($_.FullyQualifiedErrorId)" }
"whatif-start stop=" + ((Stop-CrmSandbox -All -Verbose 4>&1) -join ' ')
$a = Start-CrmSandbox -Empty; $b = Start-CrmSandbox -Empty -NoDefault
"started a=$(State $a) b=$(State $b)"
Stop-CrmSandbox -All -WhatIf
"after-whatif a=$(State $a) b=$(State $b) rows=$((Get-CrmRowCount customers -Exact -Connection $b).Rows)"
Stop-CrmSandbox -All
$deadline = (Get-Date).AddSeconds(15)
while (((State $a) -ne 'False/False' -or (State $b) -ne 'False/False') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
"after-all a=$(State $a) b=$(State $b)"
try { Get-CrmRowCount -ErrorAction Stop | Out-Null; 'after-all default=yes' } catch { "after-all default=$($_.FullyQualifiedErrorId)" }
"after-all again=" + ((Stop-CrmSandbox -All -Verbose 4>&1) -join ' ')
'@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $out = $r.StdOut
        $out | Should -Match 'whatif-start objects=0'
        $out | Should -Match 'whatif-start default=CrmOps\.NoConnection'
        $out | Should -Match 'whatif-start stop=No sandbox to stop'
        $out | Should -Match 'started a=True/True b=True/True'
        $out | Should -Match 'after-whatif a=True/True b=True/True rows=0'
        $out | Should -Match 'after-all a=False/False b=False/False'
        $out | Should -Match 'after-all default=CrmOps\.NoConnection'
        $out | Should -Match 'after-all again=No sandbox to stop'
    }

    It 'refuses an out-of-range size before starting anything' {
        { Start-CrmSandbox -Customers 5 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Dependency isolation' {
    It 'imports and works in a session that already loaded other versions of Npgsql and its logging abstractions' {
        $pkgs = Get-NuGetPackageRoot
        $mela = Join-Path $pkgs 'microsoft.extensions.logging.abstractions/6.0.0/lib/net6.0/Microsoft.Extensions.Logging.Abstractions.dll'
        $npgsql = Join-Path $pkgs 'npgsql/8.0.5/lib/net8.0/Npgsql.dll'
        Test-Path $mela | Should -BeTrue -Because 'tools/restore.proj restores the conflicting versions'
        Test-Path $npgsql | Should -BeTrue
        $r = Invoke-ChildPwsh -Script @"
Add-Type -Path '$mela'
Add-Type -Path '$npgsql'
Import-Module ./CrmOps.psd1
`$s = Start-CrmSandbox -Empty
`$c = Connect-CrmDatabase `$s.ConnectionString -NoDefault
'version=' + `$c.ServerVersion
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'Npgsql', 'Microsoft.Extensions.Logging.Abstractions' } |
    ForEach-Object { 'loaded=' + `$_.GetName().Name + '/' + `$_.GetName().Version + '/' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
Stop-CrmSandbox `$s
"@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.StdOut | Should -Match 'version=1\d\.'
        $r.StdOut | Should -Match 'loaded=Npgsql/8\.0\.5\.0/Default'
        $r.StdOut | Should -Match 'loaded=Npgsql/9\.0\.4\.0/CrmOps'
        $r.StdOut | Should -Match 'loaded=Microsoft.Extensions.Logging.Abstractions/6\.0\.0\.0/Default'
        $r.StdOut | Should -Match 'loaded=Microsoft.Extensions.Logging.Abstractions/8\.\d\.\d\.\d/CrmOps'
    }
}

Describe 'Module life cycle' {
    It 'Remove-Module closes the session (sandboxes stop) and Import-Module again works in the same session' {
        $r = Invoke-ChildPwsh -TimeoutSeconds 180 -Script @'
$ErrorActionPreference = 'Stop'
Import-Module ./CrmOps.psd1
$first = Start-CrmSandbox -Empty
"FIRST $($first.Port) $(@(Get-CrmDbObject -Type Table).Count)"
Remove-Module CrmOps
$client = [System.Net.Sockets.TcpClient]::new()
try { $client.Connect('127.0.0.1', $first.Port); 'FIRST-STILL-UP' } catch { 'FIRST-STOPPED' } finally { $client.Dispose() }
Import-Module ./CrmOps.psd1
$second = Start-CrmSandbox -Empty
"SECOND $(@(Get-CrmDbObject -Type Table).Count) $((Get-CrmRowCount customer_profiles -Exact).Rows)"
[System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'CrmOps' | ForEach-Object { "CONTEXTS $($_.Assemblies.Count)" }
Stop-CrmSandbox $second
'@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $lines = $r.StdOut -split "`r?`n"
        $lines | Should -Contain 'FIRST-STOPPED' -Because 'Remove-Module stops the sandboxes the session started'
        ($lines | Where-Object { $_ -like 'FIRST *' }) -split ' ' | Select-Object -Last 1 | Should -Be '7' -Because 'the empty CRM has 7 tables'
        ($lines | Where-Object { $_ -like 'SECOND *' }) | Should -Be 'SECOND 7 0'
        @($lines | Where-Object { $_ -like 'CONTEXTS *' }) | Should -HaveCount 1 -Because 'the module reuses its one load context'
    }
}
