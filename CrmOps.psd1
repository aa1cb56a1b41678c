@{
    RootModule           = 'bin/CrmOps.dll'
    # The output types load first, in the default context, so scripts can name [CrmOps.CrmLead].
    RequiredAssemblies   = @('bin/CrmOps.Model.dll')
    # The module's version, defined here and nowhere else: Directory.Build.props stamps it on the assemblies,
    # build.ps1 Package on the package (set PrivateData.PSData.Prerelease below for a prerelease).
    ModuleVersion        = '0.1.0'
    GUID                 = '5d6f0f3e-6a53-4c1b-9a43-0b7c2f1d7e21'
    Author               = 'CrmOps contributors'
    Copyright            = '(c) 2026 CrmOps contributors. MIT License (see LICENSE).'
    Description          = 'Safe, fast, scriptable operations for DBAs of PostgreSQL and Supabase CRMs: schema discovery, row-count checks, guarded migrations, materialized view refresh, RFM lead scoring and reports. Binary module on Npgsql, which ships inside (isolated, so it never clashes with other modules); PowerShell 7.4 or later, nothing else to install.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('module/formats/Connection.Format.ps1xml', 'module/formats/Sandbox.Format.ps1xml', 'module/formats/Discovery.Format.ps1xml', 'module/formats/Migrations.Format.ps1xml', 'module/formats/Operations.Format.ps1xml', 'module/formats/Lint.Format.ps1xml', 'module/formats/Schema.Format.ps1xml', 'module/formats/Timestamp.Format.ps1xml', 'module/formats/Databases.Format.ps1xml', 'module/formats/Scheduling.Format.ps1xml')
    TypesToProcess       = @('module/CrmOps.Types.ps1xml')
    CmdletsToExport      = @(
        'Connect-CrmDatabase', 'Disconnect-CrmDatabase', 'Get-CrmConnection',
        'Start-CrmSandbox', 'Stop-CrmSandbox',
        'Get-CrmDbObject', 'Get-CrmColumn', 'Get-CrmDependency', 'Get-CrmRowCount', 'Test-CrmRowCount',
        'Get-CrmMigration', 'New-CrmMigration', 'Invoke-CrmMigration', 'Undo-CrmMigration', 'Test-CrmMigration', 'Set-CrmMigrationState',
        'Invoke-CrmTimelineRefresh', 'Get-CrmRefreshHistory', 'Update-CrmLeadScore', 'Get-CrmLeadScoreDistribution',
        'Get-CrmLeadSegment', 'Export-CrmLeadSegment', 'Get-CrmCustomerTimeline', 'Test-CrmDatabase', 'Get-CrmScoringHistory',
        'Get-CrmLeadMovement', 'Get-CrmLeadScoreTrend', 'Export-CrmLeadReport',
        'Register-CrmSchedule', 'Get-CrmSchedule', 'Unregister-CrmSchedule',
        'Compare-CrmSchema', 'Get-CrmSchemaSnapshot', 'Export-CrmSchemaSnapshot', 'Get-CrmAdvisory'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('PostgreSQL', 'Postgres', 'Supabase', 'CRM', 'Migrations', 'DBA', 'Npgsql', 'PSEdition_Core', 'Linux')
            # No ProjectUri or LicenseUri: the project has no public home yet (LICENSE ships in the package).
            # No HelpInfoUri: help ships in en-US/, there is nowhere for Update-Help to download from.
            # ReleaseNotes: build.ps1 Package writes this version's CHANGELOG.md section into the packaged manifest.
            # Prerelease = 'beta1'   # for a prerelease of ModuleVersion (letters and digits only)
        }
    }
}
