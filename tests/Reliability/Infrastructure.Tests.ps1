#requires -Version 7.4
# Issue 8.3: real infrastructure. Every command through PgBouncer in transaction mode, and over TLS
# (Start-CrmSandbox -Tls: a private CA; Require, VerifyFull with the right CA, and a wrong CA).
BeforeAll {
    Import-Module "$PSScriptRoot/ReliabilityHelpers.psm1" -Force
    Import-Module (Get-ModulePath) -Force
}

Describe 'Every command through PgBouncer in transaction mode' -Tag Reliability, PgBouncer {
    BeforeAll {
        $script:sb = Start-TestSandbox -NoDefault
        $script:pgb = Start-TestPgBouncer -ServerPort $script:sb.Port -PoolSize 3
        $script:why = $script:pgb.Why
        $script:bouncerPort = $script:pgb.Port
        $script:bouncerDir = $script:pgb.Directory
        $script:pooled = "Host=127.0.0.1;Port=$($script:bouncerPort);Username=postgres;Database=$($script:sb.Database);Pooler=transaction"
        $script:customer = Invoke-TestSql $script:sb 'select id from public.customer_profiles order by id limit 1'
    }
    AfterAll {
        Stop-TestPgBouncer $script:pgb
        if ($script:sb) { Stop-CrmSandbox $script:sb }
    }

    # In order: the migrations, the refresh and the scoring build what the reads then read.
    It '<Command>' -TestCases @(
        @{ Command = 'Connect-CrmDatabase {cs} -NoDefault'; Check = { $args[0].Host -eq '127.0.0.1' } }
        @{ Command = 'Test-CrmMigration -BuiltIn -RoundTrip'; Check = { @($args[0]).Count -eq 5 -and @($args[0] | Where-Object Passed).Count -eq 5 } }
        @{ Command = 'Invoke-CrmMigration -BuiltIn -Confirm:$false'; Check = { ($args[0].Status -join ',') -eq 'Applied,Applied,Applied,Applied,Applied' } }
        @{ Command = 'Undo-CrmMigration -BuiltIn -Confirm:$false'; Check = { $args[0].Status -eq 'RolledBack' } }
        @{ Command = 'Invoke-CrmMigration -BuiltIn -Confirm:$false'; Check = { $args[0].Status -eq 'Applied' } }
        @{ Command = 'Set-CrmMigrationState -BuiltIn -Version 20250115100001 -State Applied -Confirm:$false'; Check = { "$($args[0].State)" -eq 'Applied' } }
        @{ Command = 'Get-CrmMigration -BuiltIn'; Check = { ($args[0].State -join ',') -eq 'Applied,Applied,Applied,Applied,Applied' } }
        @{ Command = 'Invoke-CrmTimelineRefresh'; Check = { $args[0].Status -eq 'Succeeded' -and $args[0].RowsAfter -eq 11825 } }
        @{ Command = 'Invoke-CrmTimelineRefresh -Concurrently'; Check = { $args[0].Status -eq 'Succeeded' -and $args[0].Mode -eq 'Concurrent' } }
        @{ Command = 'Get-CrmRefreshHistory'; Check = { @($args[0]).Count -ge 2 } }
        @{ Command = 'Update-CrmLeadScore -AsOf 2025-10-15'; Check = { $args[0].Hot -eq 20 -and $args[0].Cold -eq 7548 } }
        @{ Command = 'Update-CrmLeadScore -AsOf 2025-10-15 -WhatIf'; Check = { $args[0].Changed -eq 0 } }
        @{ Command = 'Get-CrmLeadScoreDistribution'; Check = { ($args[0].Customers -join ',') -eq '20,653,1148,7548' } }
        @{ Command = 'Get-CrmLeadSegment Hot'; Check = { @($args[0]).Count -eq 20 } }
        @{ Command = 'Get-CrmCustomerTimeline {customer}'; Check = { @($args[0]).Count -ge 1 } }
        @{ Command = 'Get-CrmDbObject -Type Table'; Check = { @($args[0]).Count -ge 7 } }
        @{ Command = 'Get-CrmColumn customer_profiles'; Check = { 'lead_score' -in $args[0].Name } }
        @{ Command = 'Get-CrmDependency customer_activity_timeline'; Check = { 'orders_htx' -in $args[0].DependsOn } }
        @{ Command = 'Get-CrmRowCount -Exact'; Check = { ($args[0] | Where-Object Table -eq 'customer_profiles').Rows -eq 9369 } }
        @{ Command = 'Test-CrmRowCount customer_profiles -Expected 9369'; Check = { $args[0].Passed } }
        @{ Command = 'Test-CrmDatabase -MaxScoreAge 36500.00:00:00'; Check = {
                (($args[0].Check | Sort-Object) -join ',') -eq 'AdvisoryError,AdvisoryInfo,AdvisoryWarn,EveryProfileScored,MarketingExportFresh,NoMigrationOnTestTable,SchemaMatchesMigrations,ScoresConsistent,ScoresCurrent,TimelineCoverage,TimelineExists,TimelineFresh,UnlinkedOrders' -and
                @(Select-ChecksThatMustPass $script:sb @($args[0]) | Where-Object { -not $_.Passed }).Count -eq 0 } }
        @{ Command = 'Get-CrmSchemaSnapshot'; Check = { @($args[0]).Count -ge (Get-BuiltInMigrations).Count -and "$($args[0][0].Source)" -eq 'Marked' } }
        # No difference: no output at all ($null; errors are checked above).
        @{ Command = 'Compare-CrmSchema'; Check = { $null -eq $args[0] } }
        @{ Command = 'Compare-CrmSchema -BuiltIn'; Check = { $null -eq $args[0] } }
        @{ Command = 'Compare-CrmSchema -BuiltIn -Target 20250115100000'; Check = { @($args[0] | Where-Object Change -eq 'Added').Count -ge 10 } }
        @{ Command = 'Set-CrmMigrationState -Baseline -Confirm:$false'; Check = { "$($args[0].Source)" -eq 'Baseline' } }
    ) {
        if ($script:why) { Set-ItResult -Skipped -Because $script:why; return }
        $text = $Command.Replace('{customer}', $script:customer).Replace('{cs}', "'$($script:pooled)'")
        if ($text -notlike 'Connect-*') { $text += " -Connection '$($script:pooled)'" }
        $errors = $null
        $out = & ([scriptblock]::Create($text)) -ErrorVariable errors -ErrorAction SilentlyContinue 3>$null
        $errors | Should -BeNullOrEmpty -Because "$($errors | Select-Object -First 1)"
        (& $Check $out) | Should -BeTrue -Because ($out | Format-Table -AutoSize | Out-String)
    }
    It 'really went through the pooler' {
        if ($script:why) { Set-ItResult -Skipped -Because $script:why; return }
        Get-Content (Join-Path $script:bouncerDir 'pgbouncer.log') -Raw | Should -Match "login attempt: db=$($script:sb.Database) user=postgres"
    }
}

Describe 'TLS (Start-CrmSandbox -Tls)' -Tag Reliability, Tls {
    BeforeAll {
        $script:tls = Start-CrmSandbox -Empty -Tls -NoDefault
        $script:base = "Host=127.0.0.1;Port=$($script:tls.Port);Username=postgres;Database=crm"
        Invoke-TestSql $script:tls "create role rel_tls login password 'Tls-Pa55-word'" | Out-Null
        # A CA that did not sign the server's certificate.
        $key = [Security.Cryptography.ECDsa]::Create()
        $req = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=Some other CA', $key, [Security.Cryptography.HashAlgorithmName]::SHA256)
        $req.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $other = $req.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(10))
        $script:wrongCa = Join-Path $TestDrive 'wrong-ca.crt'
        Set-Content $script:wrongCa $other.ExportCertificatePem()
    }
    AfterAll { if ($script:tls) { Stop-CrmSandbox $script:tls } }

    It 'writes the key 0600, owned by the server user, and exposes the CA' {
        $key = Join-Path $script:tls.DataDirectory 'server.key'
        (Get-Item $key).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        $expectedOwner = if ((id -u) -eq '0') { 'postgres' } else { (id -un) }
        (& stat -c %U $key) | Should -Be $expectedOwner
        Test-Path $script:tls.CertificateAuthorityPath | Should -BeTrue
        Get-Content $script:tls.CertificateAuthorityPath -Raw | Should -Match 'BEGIN CERTIFICATE'
        $script:tls.ConnectionString | Should -Match 'SSL Mode=VerifyFull'
    }
    It 'refuses a connection without TLS' {
        { Connect-CrmDatabase "$($script:base);SSL Mode=Disable" -NoDefault } | Should -Throw -ErrorId 'CrmOps.Connection*'
    }
    It 'works with SslMode=Require' {
        $c = Connect-CrmDatabase "$($script:base);SSL Mode=Require" -NoDefault
        $c.SslMode | Should -Be 'Require'
        (Get-CrmRowCount customer_profiles -Exact -Connection $c).Rows | Should -Be 0
    }
    It 'works with VerifyFull and the right CA, for a password role too' {
        $cs = "Host=127.0.0.1;Port=$($script:tls.Port);Username=rel_tls;Password=Tls-Pa55-word;Database=crm;SSL Mode=VerifyFull;Root Certificate=$($script:tls.CertificateAuthorityPath)"
        (Get-CrmDbObject -Type Table -Connection $cs).Name | Should -Contain 'customer_profiles'
        Invoke-TestSql $script:tls "select count(*) from pg_stat_ssl s join pg_stat_activity a using (pid) where a.usename = 'rel_tls' and s.ssl" | Should -BeGreaterThan 0
        (Get-CrmRowCount customer_profiles, customer_emails -Exact -Connection $script:tls.ConnectionString).Rows | Should -Be @(0, 0)
    }
    It 'fails with a wrong CA: CrmOps.ConnectionSslFailed naming host:port' {
        $record = $null
        try { Connect-CrmDatabase "$($script:base);SSL Mode=VerifyFull;Root Certificate=$($script:wrongCa)" -NoDefault } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -BeLike 'CrmOps.ConnectionSslFailed*'
        $record.CategoryInfo.Category | Should -Be 'SecurityError'
        "$record" | Should -Match "127\.0\.0\.1:$($script:tls.Port)"
        "$record" | Should -Match 'certificate'
    }
    It 'fails the same way from any command given the wrong CA' {
        { Get-CrmDbObject -Connection "$($script:base);SSL Mode=VerifyFull;Root Certificate=$($script:wrongCa)" -ErrorAction Stop } |
            Should -Throw -ErrorId 'CrmOps.ConnectionSslFailed*'
    }
}
