#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test fixture. state=present: start files/lanman_smb_holder.ps1 (given as holder_script) in a
# process that outlives the WinRM command (Win32_Process.Create escapes the WinRM job object),
# which opens one real SMB session of <username> to \\<server>\<share>; wait until
# Get-SmbSession shows it; return the holder's pid and the session as the host reports it.
# state=absent: stop the given holder pids (and any holder of these users left by an earlier
# run), then close the users' sessions on the server and wait until they are gone.
# Only the test users' sessions are ever touched.

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{
    options = @{
        state = @{ type = 'str'; choices = @('present', 'absent'); default = 'present' }
        username = @{ type = 'list'; elements = 'str'; required = $true }
        password = @{ type = 'str'; no_log = $true }
        share = @{ type = 'str' }
        server = @{ type = 'str'; default = '127.0.0.1' }
        holder_script = @{ type = 'str' }
        hold_seconds = @{ type = 'int'; default = 900 }
        pids = @{ type = 'list'; elements = 'int'; default = @() }
        timeout = @{ type = 'int'; default = 60 }
    }
    required_if = @(, @('state', 'present', @('password', 'share', 'holder_script')))
    supports_check_mode = $false
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$users = @($module.Params.username)
$timeout = $module.Params.timeout

# The holder's command line names this file in clear text (no -EncodedCommand), so a
# process can be recognised as ours before it is stopped.
$workDir = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath 'lanman_smb_fixture'
$holderPath = Join-Path -Path $workDir -ChildPath 'lanman_smb_holder.ps1'

function Get-UserSession {
    param ([string]$User)
    # ClientUserName is HOST\user or DOMAIN\user; other clients' and admins' sessions are ignored.
    @(Get-SmbSession -ErrorAction Stop | Where-Object { ($_.ClientUserName -split '\\')[-1] -eq $User })
}

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
        # It exited between the lookup and the stop: nothing left to do.
        return $false
    }
    $module.Result.stopped_pids.Add([int]$Process.ProcessId)
    $true
}

function Read-HolderStatus {
    # The holder's line, or '' while there is none. The file can be missing, or locked while the
    # holder renames it into place: "no status yet", never $null (StrictMode fails on $null.Trim()).
    param ([string]$Path)
    try {
        [string]$text = [System.IO.File]::ReadAllText($Path)
    }
    catch [System.IO.IOException] {
        # FileNotFoundException and DirectoryNotFoundException are IOExceptions, as is a sharing violation.
        return ''
    }
    catch [System.UnauthorizedAccessException] {
        return ''
    }
    $text.Trim()
}

function Format-NewSession {
    # Every session that appeared since -Before was taken: when the test user's session does not
    # show, this says whose did (a session of the WinRM account means the server recorded the
    # holder's logon as that account).
    param ([string[]]$Before)
    $new = @(Get-SmbSession -ErrorAction SilentlyContinue | Where-Object { $Before -notcontains [string]$_.SessionId })
    if ($new.Count -eq 0) {
        return 'none'
    }
    ($new | ForEach-Object { "$($_.ClientUserName) from $($_.ClientComputerName) (session $($_.SessionId))" }) -join ', '
}

function ConvertTo-SessionResult {
    param ($Session)
    @{
        session_id = [string]$Session.SessionId
        client = $Session.ClientComputerName
        client_user_name = $Session.ClientUserName
    }
}

if ($module.Params.state -eq 'absent') {
    $module.Result.stopped_pids = [System.Collections.Generic.List[int]]@()
    $module.Result.closed_session_ids = [System.Collections.Generic.List[string]]@()
    foreach ($processId in $module.Params.pids) {
        # A recorded pid is stopped only while it is still one of our holders (pids get reused).
        foreach ($proc in @(Get-HolderProcess -ProcessId $processId)) {
            if (Stop-Holder -Process $proc) { $module.Result.changed = $true }
        }
    }
    foreach ($user in $users) {
        # Holders of an earlier run whose pids were never recorded (a failed setup).
        foreach ($proc in @(Get-HolderProcess -User $user)) {
            if (Stop-Holder -Process $proc) { $module.Result.changed = $true }
        }
    }
    $deadline = (Get-Date).AddSeconds($timeout)
    foreach ($user in $users) {
        while ($true) {
            $left = @(Get-UserSession -User $user)
            if ($left.Count -eq 0) { break }
            if ((Get-Date) -gt $deadline) {
                $module.FailJson("sessions of $user still open $timeout seconds after closing them: " +
                    (($left | ForEach-Object { "$($_.SessionId) from $($_.ClientComputerName)" }) -join ', '))
            }
            foreach ($session in $left) {
                # Close by session id: a user-wide close could race with a new session of another user.
                Close-SmbSession -SessionId $session.SessionId -Force -ErrorAction SilentlyContinue
                $module.Result.closed_session_ids.Add([string]$session.SessionId)
                $module.Result.changed = $true
            }
            Start-Sleep -Milliseconds 500
        }
    }
    $module.ExitJson()
}

if ($users.Count -ne 1) {
    $module.FailJson("state=present opens the session of exactly one user, got $($users.Count)")
}
$user = [string]$users[0]
$existing = @(Get-UserSession -User $user)
if ($existing.Count -gt 0) {
    $module.FailJson("$user already has $($existing.Count) SMB session(s) on this host; run state=absent first " +
        "so the tests count only the sessions this fixture opens")
}

if (-not (Test-Path -LiteralPath $workDir)) {
    New-Item -Path $workDir -ItemType Directory -ErrorAction Stop | Out-Null
}
[System.IO.File]::WriteAllText($holderPath, $module.Params.holder_script)
# The password goes through a file in the WinRM user's own temp directory (readable by that
# user, SYSTEM and administrators only), never on a command line that every process can read;
# the holder deletes it as soon as it has read it.
$token = [Guid]::NewGuid().ToString('N')
$secretPath = Join-Path -Path $workDir -ChildPath "$token.secret"
$statusPath = Join-Path -Path $workDir -ChildPath "$token.status"
[System.IO.File]::WriteAllText($secretPath, $module.Params.password)

# Sessions already there, so a timeout can say which sessions this holder's logon produced.
$sessionsBefore = [string[]]@(Get-SmbSession -ErrorAction Stop | ForEach-Object { [string]$_.SessionId })
$commandLine = ('powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}" -UserName {1} ' +
    '-Server {2} -Share {3} -HoldSeconds {4} -SecretPath "{5}" -StatusPath "{6}"') -f @(
    $holderPath, $user, $module.Params.server, $module.Params.share, $module.Params.hold_seconds,
    $secretPath, $statusPath)
$created = Invoke-CimMethod -ClassName Win32_Process -MethodName Create -Arguments @{ CommandLine = $commandLine }
if ($created.ReturnValue -ne 0) {
    Remove-Item -LiteralPath $secretPath -Force -ErrorAction SilentlyContinue
    $module.FailJson("Win32_Process.Create failed with $($created.ReturnValue) for: $commandLine")
}
$holderId = [int]$created.ProcessId
$module.Result.pid = $holderId
$module.Result.changed = $true

function Stop-AndFail {
    param ([string]$Message)
    foreach ($proc in @(Get-HolderProcess -ProcessId $holderId)) { Stop-Holder -Process $proc | Out-Null }
    Remove-Item -LiteralPath $secretPath, $statusPath, "$statusPath.partial" -Force -ErrorAction SilentlyContinue
    $module.FailJson($Message)
}

# The session shows in Get-SmbSession some time after the holder opened the file.
$deadline = (Get-Date).AddSeconds($timeout)
while ($true) {
    $sessions = @(Get-UserSession -User $user)
    if ($sessions.Count -gt 0) { break }
    $status = Read-HolderStatus -Path $statusPath
    if ($status.StartsWith('error')) {
        Stop-AndFail -Message "holder of $user could not open \\$($module.Params.server)\$($module.Params.share): $status"
    }
    if (@(Get-HolderProcess -ProcessId $holderId).Count -eq 0) {
        Stop-AndFail -Message ("holder of $user (pid $holderId) exited before its session appeared; status '$status'; " +
            "sessions that appeared meanwhile: $(Format-NewSession -Before $sessionsBefore)")
    }
    if ((Get-Date) -gt $deadline) {
        Stop-AndFail -Message ("no SMB session of $user appeared within $timeout seconds (holder status '$status'); " +
            "sessions that appeared meanwhile: $(Format-NewSession -Before $sessionsBefore). A session of another " +
            "user means the server recorded the holder's logon as that user.")
    }
    Start-Sleep -Milliseconds 500
}
Remove-Item -LiteralPath $statusPath -Force -ErrorAction SilentlyContinue
$module.Result.sessions = @(foreach ($s in $sessions) { ConvertTo-SessionResult -Session $s })
$module.ExitJson()
