@{
    Synopsis    = 'Stops a sandbox''s PostgreSQL server and deletes its folder.'
    Description = 'Stop-CrmSandbox shuts down the private cluster that Start-CrmSandbox started, deletes its temp folder and, if the sandbox was the session default connection, clears the default. Without -Sandbox it stops the session''s current sandbox; -All stops every sandbox this session started. Sandboxes still running when PowerShell exits are stopped and deleted automatically.'
    Parameters  = @{
        Sandbox = 'The sandbox to stop, as returned by Start-CrmSandbox. Accepts pipeline input.'
        All     = 'Stops every sandbox started in this session.'
    }
    Examples    = @(
        @{ Title = 'Stop the current sandbox'; Code = 'Stop-CrmSandbox'; Remarks = 'Stops the sandbox that is the session default and deletes its folder.' }
        @{ Title = 'Stop a specific sandbox'; Code = '$sb = Start-CrmSandbox -Empty -NoDefault; $sb | Stop-CrmSandbox'; Remarks = 'Pipes the sandbox object into Stop-CrmSandbox.' }
    )
    Links       = @('Start-CrmSandbox')
}
