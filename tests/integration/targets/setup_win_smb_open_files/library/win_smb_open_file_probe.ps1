#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test helper: checks the host independently of the modules under test. For each given file
# holder it asks the holder to read through each of its own handles (a handle the server closed
# fails), and it lists the test users' opens as Get-SmbOpenFile (the SMB WMI provider, not
# NetFileEnum) sees them.

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{
    options = @{
        holders = @{ type = 'list'; elements = 'dict'; required = $true }
        username = @{ type = 'list'; elements = 'str'; required = $true }
        timeout = @{ type = 'int'; default = 30 }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

function Read-Answer {
    param ([string]$Path)
    try {
        [string]$text = [System.IO.File]::ReadAllText($Path)
    }
    catch [System.IO.IOException] {
        return $null
    }
    catch [System.UnauthorizedAccessException] {
        return $null
    }
    $text
}

# handles: "<user>/<file>" -> "ok" or "error: ..."
$handles = @{}
foreach ($holder in $module.Params.holders) {
    $probePath = [string]$holder['probe_path']
    Remove-Item -LiteralPath $probePath -Force -ErrorAction SilentlyContinue
    [System.IO.File]::WriteAllText("$probePath.request", 'probe')
    $deadline = (Get-Date).AddSeconds($module.Params.timeout)
    $answer = $null
    while ($null -eq $answer) {
        if (-not (Test-Path -LiteralPath "$probePath.request")) {
            $answer = Read-Answer -Path $probePath
        }
        if ($null -eq $answer) {
            if ((Get-Date) -gt $deadline) {
                $module.FailJson("file holder $($holder['pid']) did not answer the probe within $($module.Params.timeout) seconds")
            }
            Start-Sleep -Milliseconds 250
        }
    }
    foreach ($line in ($answer -split "`n")) {
        if (-not $line) { continue }
        $parts = $line -split "`t", 2
        $handles["$($holder['username'])/$($parts[0])"] = $parts[1]
    }
}
$module.Result.handles = $handles
$module.Result.open_files = @(
    foreach ($f in @(Get-SmbOpenFile -ErrorAction Stop)) {
        $user = ($f.ClientUserName -split '\\')[-1]
        if ($module.Params.username -notcontains $user) { continue }
        @{ id = [long]$f.FileId; path = [string]$f.Path; share_relative_path = [string]$f.ShareRelativePath;
            username = $user; locks = [int]$f.Locks }
    }
)
$module.ExitJson()
