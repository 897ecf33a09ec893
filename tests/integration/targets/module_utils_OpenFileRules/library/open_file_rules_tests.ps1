#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test module: runs the rows of tests/fixtures/open_file_rules_cases.json (given as 'cases')
# through OpenFileRules.cs (with NetFile.cs, SessionNames.cs and NetSession.cs, which ansible-core
# ships with it) and reports each row as passed or not, with what differed. A row is read as
# tests/csharp/openfiles/OpenFileTableTests.cs reads it: the close module's error, or its close
# and skipped ids; then the info module's listed ids (or the same error when the row has no
# 'listed'), and the optional joined / decoded values.
# A key this runner does not know fails the row: a row must never pass unread.

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.SessionNames
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.NetFile
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.OpenFileRules

$spec = @{
    options = @{
        cases = @{ type = 'list'; elements = 'dict'; required = $true }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$caseKeys = @('name', 'files', 'sessions', 'shares', 'options', 'own_account', 'expect')
$fileKeys = @('id', 'path', 'username', 'permissions', 'num_locks')
$optionKeys = @('path', 'share', 'username', 'exclude_path', 'exclude_username', 'exclude_client', 'all')
$expectKeys = @('error', 'close', 'skipped', 'listed', 'joined', 'decoded')

function Get-UnknownKey {
    param ($Dictionary, [string[]]$Known, [string]$Where)
    @(foreach ($key in $Dictionary.Keys) { if ($Known -notcontains $key) { "unknown key '$key' in $Where" } })
}

function Get-Value {
    param ($Dictionary, [string]$Key)
    if ($Dictionary.ContainsKey($Key)) { $Dictionary[$Key] } else { $null }
}

function ConvertTo-StringArray {
    # JSON [] / null / a list of strings -> string[]; a null entry stays null (the entry checks must see it).
    param ($Value)
    if ($null -eq $Value) { return , ([string[]]$null) }
    , ([string[]]@(foreach ($v in $Value) { if ($null -eq $v) { [System.Management.Automation.Language.NullString]::Value } else { [string]$v } }))
}

function ConvertTo-NetString {
    # PowerShell hands $null to a .NET string as "": NullString keeps it null, as the rows mean it.
    param ($Value)
    if ($null -eq $Value) { return [System.Management.Automation.Language.NullString]::Value }
    [string]$Value
}

function Get-InnerError {
    param ($ErrorRecord)
    $err = $ErrorRecord.Exception
    while ($err -is [System.Management.Automation.MethodInvocationException] -and $err.InnerException) {
        $err = $err.InnerException
    }
    $err
}

function New-Selection {
    # The selection a module builds (checks, then the share look-ups as the row answers them) as
    # selection, or the error text as error.
    param ($Case, [bool]$Close)
    $options = Get-Value $Case 'options'
    $shares = Get-Value $Case 'shares'
    try {
        $sel = [LanmanOpenFileSelection]::Check((ConvertTo-StringArray (Get-Value $options 'path')),
            (ConvertTo-StringArray (Get-Value $options 'share')), (ConvertTo-StringArray (Get-Value $options 'username')),
            (ConvertTo-StringArray (Get-Value $options 'exclude_path')),
            (ConvertTo-StringArray (Get-Value $options 'exclude_username')),
            (ConvertTo-StringArray (Get-Value $options 'exclude_client')), [bool](Get-Value $options 'all'), $Close)
        foreach ($name in $sel.Shares) {
            $share = $null
            if ($shares.ContainsKey($name)) {
                $share = [LanmanRawShare]::new()
                $share.NetName = $name
                $share.Type = [uint32]$shares[$name]['type']
                $share.Path = ConvertTo-NetString $shares[$name]['path']
            }
            $sel.AddShare($name, $share)
        }
    }
    catch {
        $err = Get-InnerError -ErrorRecord $_
        if ($err -isnot [System.ArgumentException]) {
            return @{ selection = $null; error = "unexpected $($err.GetType().FullName): $($err.Message)" }
        }
        return @{ selection = $null; error = $err.Message }
    }
    $own = Get-Value $Case 'own_account'
    $sel.OwnPipe = if ($null -eq $own) { 'Unknown' } else { 'Account' }
    $sel.OwnAccount = ConvertTo-NetString $own
    return @{ selection = $sel; error = $null }
}

function Format-Id {
    param ($Files)
    @(foreach ($f in $Files) { [string]$f.Id }) -join ','
}

function Invoke-Row {
    param ($Case)
    $problems = [System.Collections.Generic.List[string]]@()
    foreach ($p in (Get-UnknownKey -Dictionary $Case -Known $caseKeys -Where 'the row')) { $problems.Add($p) }
    $expect = Get-Value $Case 'expect'
    foreach ($p in (Get-UnknownKey -Dictionary $expect -Known $expectKeys -Where 'expect')) { $problems.Add($p) }
    foreach ($p in (Get-UnknownKey -Dictionary (Get-Value $Case 'options') -Known $optionKeys -Where 'options')) { $problems.Add($p) }

    $sessions = [System.Collections.Generic.List[LanmanSessionInfo]]::new()
    foreach ($s in @(Get-Value $Case 'sessions')) {
        $sessions.Add([LanmanSessionInfo]::new((ConvertTo-NetString $s['client']), (ConvertTo-NetString $s['username']),
                [Nullable[long]]$null))
    }
    $files = [System.Collections.Generic.List[object]]::new()
    foreach ($f in @(Get-Value $Case 'files')) {
        foreach ($p in (Get-UnknownKey -Dictionary $f -Known $fileKeys -Where 'a file')) { $problems.Add($p) }
        $raw = [LanmanRawOpenFile]::new()
        $raw.Level = 3
        $raw.Id = [uint32]$f['id']
        $raw.PathName = ConvertTo-NetString $f['path']
        $raw.UserName = ConvertTo-NetString $f['username']
        $raw.Permissions = [uint32]$f['permissions']
        $raw.NumLocks = [uint32]$f['num_locks']
        $info = [LanmanOpenFileInfo]::FromRaw($raw)
        $info.JoinClients($sessions)
        $files.Add($info)
    }
    $typed = [System.Collections.Generic.List[LanmanOpenFileInfo]]::new()
    foreach ($f in $files) { $typed.Add($f) }

    $expectedError = Get-Value $expect 'error'
    $made = New-Selection -Case $Case -Close $true
    $close = $made.selection
    $closeError = $made.error
    if ([string]$closeError -cne [string]$expectedError) {
        $problems.Add("close module error '$closeError', expected '$expectedError'")
    }
    $actual = @{ error = $closeError }
    if ($null -ne $close) {
        $plan = [LanmanOpenFilePlanner]::Plan($typed, $close)
        $actual.close = Format-Id $plan.Targets
        $actual.skipped = @(foreach ($k in $plan.Skipped) { "$($k.File.Id) $($k.Reason)" }) -join ' | '
        $wantClose = @(Get-Value $expect 'close') -join ','
        $wantSkipped = @(foreach ($k in @(Get-Value $expect 'skipped')) { "$($k[0]) $($k[1])" }) -join ' | '
        if ($actual.close -cne $wantClose) { $problems.Add("close [$($actual.close)], expected [$wantClose]") }
        if ($actual.skipped -cne $wantSkipped) { $problems.Add("skipped [$($actual.skipped)], expected [$wantSkipped]") }
    }

    $made = New-Selection -Case $Case -Close $false
    $info = $made.selection
    $infoError = $made.error
    if (-not $expect.ContainsKey('listed')) {
        if ([string]$infoError -cne [string]$expectedError) {
            $problems.Add("info module error '$infoError', expected '$expectedError'")
        }
        return $problems, $actual
    }
    if ($null -ne $infoError) {
        $problems.Add("info module error '$infoError', expected none")
        return $problems, $actual
    }
    $listed = [LanmanOpenFilePlanner]::Plan($typed, $info).Listed
    $actual.listed = Format-Id $listed
    $wantListed = @(Get-Value $expect 'listed') -join ','
    if ($actual.listed -cne $wantListed) { $problems.Add("listed [$($actual.listed)], expected [$wantListed]") }
    foreach ($j in @(Get-Value $expect 'joined')) {
        $f = @($listed | Where-Object { $_.Id -eq [long]$j[0] })[0]
        $want = "$($j[1]) [$(@($j[2]) -join ',')]"
        $got = "$($f.Client) [$(@($f.Clients) -join ',')]"
        if ($got -cne $want) { $problems.Add("joined $($j[0]): $got, expected $want") }
    }
    foreach ($d in @(Get-Value $expect 'decoded')) {
        $f = @($listed | Where-Object { $_.Id -eq [long]$d[0] })[0]
        $want = @($d[1]) -join ','
        $got = @($f.Permissions) -join ','
        if ($got -cne $want) { $problems.Add("decoded $($d[0]): [$got], expected [$want]") }
    }
    return $problems, $actual
}

$results = [System.Collections.Generic.List[object]]@()
$failedNames = [System.Collections.Generic.List[string]]@()
foreach ($case in $module.Params.cases) {
    $name = [string](Get-Value $case 'name')
    $problems, $actual = Invoke-Row -Case $case
    $ok = $problems.Count -eq 0
    $entry = @{ name = $name; passed = $ok }
    if (-not $ok) {
        $entry.problems = @($problems)
        $entry.actual = $actual
        $failedNames.Add($name)
    }
    $results.Add($entry)
}
$module.Result.cases = $results
$module.Result.total = $results.Count
$module.Result.passed = $results.Count - $failedNames.Count
$module.Result.failed_names = $failedNames
$module.ExitJson()
