#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test fixture: opens a real SMB session to \\127.0.0.1\<share> as <username> from a process
# that outlives the WinRM command (Win32_Process.Create escapes the WinRM job object), holding
# a file open; or stops such processes. Waits until Get-SmbSession shows the session.

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{
    options = @{
        state = @{ type = 'str'; choices = @('present', 'absent'); default = 'present' }
        username = @{ type = 'str'; required = $true }
        password = @{ type = 'str'; no_log = $true }
        share = @{ type = 'str'; required = $true }
        hold_seconds = @{ type = 'int'; default = 900 }
    }
    supports_check_mode = $false
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$user = $module.Params.username
$unc = "\\127.0.0.1\$($module.Params.share)"
$marker = "lanman-smb-fixture-$user"

function Get-FixtureProcess {
    Get-CimInstance -ClassName Win32_Process -Filter "Name = 'powershell.exe'" |
        Where-Object { $_.CommandLine -like "*$marker*" }
}

function Test-UserSession {
    [bool](Get-SmbSession -ErrorAction SilentlyContinue | Where-Object { $_.ClientUserName -like "*\$user" })
}

if ($module.Params.state -eq 'absent') {
    foreach ($proc in @(Get-FixtureProcess)) {
        Stop-Process -Id $proc.ProcessId -Force -ErrorAction SilentlyContinue
        $module.Result.changed = $true
    }
    $module.ExitJson()
}

$script = @"
# $marker
net use $unc '$($module.Params.password -replace "'", "''")' /user:$env:COMPUTERNAME\$user | Out-Null
`$f = [System.IO.File]::Open('$unc\$user.txt', 'OpenOrCreate', 'ReadWrite', 'ReadWrite')
Start-Sleep -Seconds $($module.Params.hold_seconds)
`$f.Close()
net use $unc /delete /y | Out-Null
"@
$encoded = [Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($script))
$created = Invoke-CimMethod -ClassName Win32_Process -MethodName Create -Arguments @{
    CommandLine = "powershell.exe -NoProfile -NonInteractive -EncodedCommand $encoded"
}
if ($created.ReturnValue -ne 0) {
    $module.FailJson("Win32_Process.Create failed with $($created.ReturnValue)")
}
$module.Result.pid = $created.ProcessId
$deadline = (Get-Date).AddSeconds(60)
while (-not (Test-UserSession)) {
    if ((Get-Date) -gt $deadline) {
        $module.FailJson("no SMB session of $user appeared within 60 seconds")
    }
    Start-Sleep -Milliseconds 500
}
$module.Result.changed = $true
$module.ExitJson()
