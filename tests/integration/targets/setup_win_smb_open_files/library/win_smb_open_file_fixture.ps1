#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test fixture. state=present: start files/lanman_smb_file_holder.ps1 (given as holder_script) in
# a process that outlives the WinRM command (Win32_Process.Create), which opens and locks <files>
# on \\<server>\<share> as <username>; wait until Get-SmbOpenFile shows every one of them; return
# the holder (pid, probe path) and the files as the host reports them (id, path, locks).
# state=absent: stop the given holder pids while they are still file holders of ours, and any
# file holder of these users an earlier run left behind. Only the test users' holders are touched.

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{
    options = @{
        state = @{ type = 'str'; choices = @('present', 'absent'); default = 'present' }
        username = @{ type = 'list'; elements = 'str'; required = $true }
        password = @{ type = 'str'; no_log = $true }
        share = @{ type = 'str' }
        server = @{ type = 'str'; default = '127.0.0.1' }
        files = @{ type = 'list'; elements = 'str'; default = @() }
        holder_script = @{ type = 'str' }
        hold_seconds = @{ type = 'int'; default = 900 }
        pids = @{ type = 'list'; elements = 'int'; default = @() }
        timeout = @{ type = 'int'; default = 60 }
    }
    required_if = @(, @('state', 'present', @('password', 'share', 'holder_script', 'files')))
    supports_check_mode = $false
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$users = @($module.Params.username)

$workDir = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath 'lanman_smb_file_fixture'
$holderPath = Join-Path -Path $workDir -ChildPath 'lanman_smb_file_holder.ps1'

function Get-HolderProcess {
    param ([int]$ProcessId, [string]$User)
    $filter = if ($ProcessId) { "ProcessId = $ProcessId" } else { "Name = 'powershell.exe'" }
    @(Get-CimInstance -ClassName Win32_Process -Filter $filter -ErrorAction Stop | Where-Object {
            $cmd = [string]$_.CommandLine
            $cmd.Contains($holderPath) -and (-not $User -or $cmd.Contains("-UserName $User "))
        })
}

function Stop-Holder {
    param ($Process)
    try {
        Stop-Process -Id $Process.ProcessId -Force -ErrorAction Stop
    }
    catch [Microsoft.PowerShell.Commands.ProcessCommandException] {
        return $false
    }
    $module.Result.stopped_pids.Add([int]$Process.ProcessId)
    $true
}

function Read-HolderStatus {
    # The holder's line, or '' while there is none (missing, or locked while it is renamed).
    param ([string]$Path)
    try {
        [string]$text = [System.IO.File]::ReadAllText($Path)
    }
    catch [System.IO.IOException] {
        return ''
    }
    catch [System.UnauthorizedAccessException] {
        return ''
    }
    $text.Trim()
}

function Get-UserOpenFile {
    # The user's opens as the SMB WMI provider reports them (not NetFileEnum).
    param ([string]$User)
    @(Get-SmbOpenFile -ErrorAction Stop | Where-Object { ($_.ClientUserName -split '\\')[-1] -eq $User })
}

if ($module.Params.state -eq 'absent') {
    $module.Result.stopped_pids = [System.Collections.Generic.List[int]]@()
    foreach ($processId in $module.Params.pids) {
        foreach ($proc in @(Get-HolderProcess -ProcessId $processId)) {
            if (Stop-Holder -Process $proc) { $module.Result.changed = $true }
        }
    }
    foreach ($user in $users) {
        foreach ($proc in @(Get-HolderProcess -User $user)) {
            if (Stop-Holder -Process $proc) { $module.Result.changed = $true }
        }
    }
    $module.ExitJson()
}

if ($users.Count -ne 1) {
    $module.FailJson("state=present holds the files of exactly one user, got $($users.Count)")
}
$user = [string]$users[0]
$files = @($module.Params.files)
if (-not (Test-Path -LiteralPath $workDir)) {
    New-Item -Path $workDir -ItemType Directory -ErrorAction Stop | Out-Null
}
[System.IO.File]::WriteAllText($holderPath, $module.Params.holder_script)
# The password goes through a file only the WinRM user, SYSTEM and administrators can read,
# never on a command line; the holder deletes it as soon as it has read it.
$token = [Guid]::NewGuid().ToString('N')
$secretPath = Join-Path -Path $workDir -ChildPath "$token.secret"
$statusPath = Join-Path -Path $workDir -ChildPath "$token.status"
$probePath = Join-Path -Path $workDir -ChildPath "$token.probe"
[System.IO.File]::WriteAllText($secretPath, $module.Params.password)

$commandLine = ('powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}" -UserName {1} ' +
    '-Server {2} -Share {3} -Files "{4}" -HoldSeconds {5} -SecretPath "{6}" -StatusPath "{7}" -ProbePath "{8}"') -f @(
    $holderPath, $user, $module.Params.server, $module.Params.share, ($files -join ','), $module.Params.hold_seconds,
    $secretPath, $statusPath, $probePath)
$created = Invoke-CimMethod -ClassName Win32_Process -MethodName Create -Arguments @{ CommandLine = $commandLine }
if ($created.ReturnValue -ne 0) {
    Remove-Item -LiteralPath $secretPath -Force -ErrorAction SilentlyContinue
    $module.FailJson("Win32_Process.Create failed with $($created.ReturnValue) for: $commandLine")
}
$holderId = [int]$created.ProcessId
$module.Result.holder = @{ pid = $holderId; probe_path = $probePath; username = $user; files = $files }
$module.Result.changed = $true

function Stop-AndFail {
    param ([string]$Message)
    foreach ($proc in @(Get-HolderProcess -ProcessId $holderId)) { Stop-Holder -Process $proc | Out-Null }
    Remove-Item -LiteralPath $secretPath, $statusPath, "$statusPath.partial" -Force -ErrorAction SilentlyContinue
    $module.FailJson($Message)
}
$module.Result.stopped_pids = [System.Collections.Generic.List[int]]@()

# Every file shows in Get-SmbOpenFile some time after the holder opened it.
$deadline = (Get-Date).AddSeconds($module.Params.timeout)
while ($true) {
    $open = @(Get-UserOpenFile -User $user)
    $found = @(foreach ($name in $files) {
            $open | Where-Object { $_.ShareRelativePath -eq $name -or ([string]$_.Path).EndsWith("\$name") } | Select-Object -First 1
        })
    if ($found.Count -eq $files.Count) { break }
    $status = Read-HolderStatus -Path $statusPath
    if ($status.StartsWith('error')) {
        Stop-AndFail -Message "file holder of $user could not open its files: $status"
    }
    if (@(Get-HolderProcess -ProcessId $holderId).Count -eq 0) {
        Stop-AndFail -Message "file holder of $user (pid $holderId) exited before its files appeared; status '$status'"
    }
    if ((Get-Date) -gt $deadline) {
        Stop-AndFail -Message ("$($found.Count) of $($files.Count) files of $user appeared within " +
            "$($module.Params.timeout) seconds (holder status '$status'); open files of $($user): " +
            (($open | ForEach-Object { "$($_.FileId) $($_.Path)" }) -join ', '))
    }
    Start-Sleep -Milliseconds 500
}
$module.Result.files = @(foreach ($f in $found) {
        @{ id = [long]$f.FileId; path = [string]$f.Path; share_relative_path = [string]$f.ShareRelativePath; locks = [int]$f.Locks }
    })
$module.ExitJson()
