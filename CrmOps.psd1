@{
    RootModule           = 'bin/CrmOps.dll'
    # The output types load first, in the default context, so scripts can name [CrmOps.CrmLead].
    RequiredAssemblies   = @('bin/CrmOps.Model.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '5d6f0f3e-6a53-4c1b-9a43-0b7c2f1d7e21'
    Author               = 'CrmOps'
    CompanyName          = 'CrmOps'
    Copyright            = '(c) CrmOps. MIT licence.'
    Description          = 'Safe, fast, scriptable operations for PostgreSQL CRMs: schema discovery, row-count checks, guarded migrations, matview refresh, RFM lead scoring and reports.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('module/formats/Connection.Format.ps1xml', 'module/formats/Sandbox.Format.ps1xml', 'module/formats/Discovery.Format.ps1xml', 'module/formats/Migrations.Format.ps1xml', 'module/formats/Operations.Format.ps1xml', 'module/formats/Scheduling.Format.ps1xml')
    TypesToProcess       = @('module/CrmOps.Types.ps1xml')
    CmdletsToExport      = @(
        'Connect-CrmDatabase', 'Disconnect-CrmDatabase',
        'Start-CrmSandbox', 'Stop-CrmSandbox',
        'Get-CrmDbObject', 'Get-CrmColumn', 'Get-CrmDependency', 'Get-CrmRowCount', 'Test-CrmRowCount',
        'Get-CrmMigration', 'New-CrmMigration', 'Invoke-CrmMigration', 'Undo-CrmMigration', 'Test-CrmMigration', 'Set-CrmMigrationState',
        'Invoke-CrmTimelineRefresh', 'Get-CrmRefreshHistory', 'Update-CrmLeadScore', 'Get-CrmLeadScoreDistribution',
        'Get-CrmLeadSegment', 'Export-CrmLeadSegment', 'Get-CrmCustomerTimeline', 'Test-CrmDatabase', 'Get-CrmScoringHistory',
        'Register-CrmSchedule', 'Get-CrmSchedule', 'Unregister-CrmSchedule'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('PostgreSQL', 'CRM', 'Supabase', 'Migrations', 'DBA', 'Npgsql')
            ProjectUri = 'https://example.invalid/crmops'
        }
    }
}
