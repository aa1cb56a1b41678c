@{
    Synopsis    = 'Clears the session default connection.'
    Description = 'Disconnect-CrmDatabase forgets the connection that Connect-CrmDatabase made the session default and closes its pool. A sandbox''s connection stays open until Stop-CrmSandbox. Commands run afterwards need -Connection or a new Connect-CrmDatabase. With -Name it forgets named connections (Connect-CrmDatabase -Name) instead, and closes them.'
    Parameters  = @{
        Name = 'Names of connections registered with Connect-CrmDatabase -Name to forget and close. Without it, the session default is forgotten.'
    }
    Examples    = @(
        @{ Title = 'Disconnect at the end of a script'; Code = 'Connect-CrmDatabase $cs; Get-CrmRowCount; Disconnect-CrmDatabase'; Remarks = 'The pool is closed and no default remains.' }
        @{ Title = 'Forget a named connection'; Code = 'Disconnect-CrmDatabase -Name staging'; Remarks = '-Connection staging no longer works; Get-CrmConnection no longer lists it.' }
    )
    Links       = @('Connect-CrmDatabase', 'Get-CrmConnection')
}
