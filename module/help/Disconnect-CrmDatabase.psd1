@{
    Synopsis    = 'Clears the session default connection.'
    Description = 'Disconnect-CrmDatabase forgets the connection that Connect-CrmDatabase made the session default and closes its pool. A sandbox''s connection stays open until Stop-CrmSandbox. Commands run afterwards need -Connection or a new Connect-CrmDatabase.'
    Examples    = @(
        @{ Title = 'Disconnect at the end of a script'; Code = 'Connect-CrmDatabase $cs; Get-CrmRowCount; Disconnect-CrmDatabase'; Remarks = 'The pool is closed and no default remains.' }
    )
    Links       = @('Connect-CrmDatabase')
}
