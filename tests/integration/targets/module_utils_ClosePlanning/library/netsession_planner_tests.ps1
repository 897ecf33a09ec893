#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test module: runs the close planning vectors of tests/fixtures/close_planning_cases.json
# (given as 'cases') through ClosePlanning.cs's ClosePlanner (over SessionNames.cs and NetSession.cs,
# which ansible-core ships with it because it `using`s them) and reports each one as passed or
# not, with what differed. The rules of a vector are those of tests/csharp (RunVector) and
# tests/unit (test_close_planning.py): the plan's calls and skips, in order.
# A key this runner does not know fails the case: a vector must never pass unread.

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.SessionNames
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning

$spec = @{
    options = @{
        cases = @{ type = 'list'; elements = 'dict'; required = $true }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$sessionKeys = @('client', 'username', 'idle_seconds')
$selectionKeys = @('client', 'username', 'exclude_client', 'exclude_username', 'own_client', 'own_username',
    'all', 'min_idle_seconds')
$expectKeys = @('error', 'error_text', 'close', 'skipped')
$closeKeys = @('client', 'raw_client', 'username', 'count', 'sessions')
$skippedKeys = @('client', 'username', 'reason')

function Get-UnknownKey {
    param ($Dictionary, [string[]]$Known, [string]$Where)
    @(foreach ($key in $Dictionary.Keys) { if ($Known -notcontains $key) { "unknown key '$key' in $Where" } })
}

function ConvertTo-StringArray {
    # JSON [] / null / a list of strings -> string[] (never an array holding one $null).
    param ($Value)
    if ($null -eq $Value) { return , ([string[]]@()) }
    , ([string[]]@(foreach ($v in $Value) { [string]$v }))
}

function ConvertTo-NetString {
    # PowerShell hands $null to a .NET string parameter or property as "": NullString keeps it null,
    # as the vectors (null client, null user) mean it.
    param ($Value)
    if ($null -eq $Value) { return [System.Management.Automation.Language.NullString]::Value }
    [string]$Value
}

function Get-Value {
    param ($Dictionary, [string]$Key)
    if ($Dictionary.ContainsKey($Key)) { $Dictionary[$Key] } else { $null }
}

function Test-Same {
    # Strict: $null equals only $null, strings compare case-sensitively, numbers by value.
    param ($Expected, $Actual)
    if ($null -eq $Expected -or $null -eq $Actual) { return ($null -eq $Expected -and $null -eq $Actual) }
    if ($Expected -is [string] -or $Actual -is [string]) { return [string]$Expected -ceq [string]$Actual }
    [long]$Expected -eq [long]$Actual
}

function Invoke-Vector {
    param ($Case)
    $problems = [System.Collections.Generic.List[string]]@()
    foreach ($p in (Get-UnknownKey -Dictionary $Case -Known @('name', 'sessions', 'selection', 'expect') -Where 'the case')) {
        $problems.Add($p)
    }
    $expect = Get-Value $Case 'expect'
    $selectionIn = Get-Value $Case 'selection'
    $sessionsIn = @(Get-Value $Case 'sessions')
    if ($null -eq $expect -or $null -eq $selectionIn) {
        $problems.Add('the case has no expect or no selection')
        return $problems, $null
    }
    foreach ($p in (Get-UnknownKey -Dictionary $expect -Known $expectKeys -Where 'expect')) { $problems.Add($p) }
    foreach ($p in (Get-UnknownKey -Dictionary $selectionIn -Known $selectionKeys -Where 'selection')) { $problems.Add($p) }

    $sessions = [System.Collections.Generic.List[LanmanSessionInfo]]::new()
    foreach ($s in $sessionsIn) {
        foreach ($p in (Get-UnknownKey -Dictionary $s -Known $sessionKeys -Where 'a session')) { $problems.Add($p) }
        $idle = Get-Value $s 'idle_seconds'
        $idleValue = if ($null -eq $idle) { [Nullable[long]]$null } else { [Nullable[long]][long]$idle }
        $sessions.Add([LanmanSessionInfo]::new(
                (ConvertTo-NetString (Get-Value $s 'client')), (ConvertTo-NetString (Get-Value $s 'username')), $idleValue))
    }

    $sel = [LanmanCloseSelection]::new()
    $sel.Clients = ConvertTo-StringArray (Get-Value $selectionIn 'client')
    $sel.Usernames = ConvertTo-StringArray (Get-Value $selectionIn 'username')
    $sel.ExcludeClients = ConvertTo-StringArray (Get-Value $selectionIn 'exclude_client')
    $sel.ExcludeUsernames = ConvertTo-StringArray (Get-Value $selectionIn 'exclude_username')
    $sel.OwnClients = ConvertTo-StringArray (Get-Value $selectionIn 'own_client')
    $sel.OwnUsername = ConvertTo-NetString (Get-Value $selectionIn 'own_username')
    $sel.All = [bool](Get-Value $selectionIn 'all')
    $minIdle = Get-Value $selectionIn 'min_idle_seconds'
    $sel.MinIdleSeconds = if ($null -eq $minIdle) { [Nullable[long]]$null } else { [Nullable[long]][long]$minIdle }

    $expectedError = Get-Value $expect 'error'
    $plan = $null
    try {
        $plan = [LanmanClosePlanner]::Plan($sessions, $sel)
    }
    catch {
        $err = $_.Exception
        while ($err -is [System.Management.Automation.MethodInvocationException] -and $err.InnerException) {
            $err = $err.InnerException
        }
        $code = if ($err.GetType().Name -eq 'CloseSelectionException') { $err.Code } else { $null }
        if ($null -eq $code) {
            $problems.Add("unexpected $($err.GetType().FullName): $($err.Message)")
        }
        elseif ($code -cne $expectedError) {
            $problems.Add("error '$code' ($($err.Message)), expected '$expectedError'")
        }
        $text = Get-Value $expect 'error_text'
        if ($null -ne $text -and -not $err.Message.Contains([string]$text)) {
            $problems.Add("error message '$($err.Message)' lacks '$text'")
        }
        return $problems, @{ error = $code; message = $err.Message }
    }
    if ($null -ne $expectedError) {
        $problems.Add("planned without error, expected error '$expectedError'")
    }

    # The vectors name the sessions a call ends by their position in the input.
    $indexOf = {
        param ($Session)
        for ($i = 0; $i -lt $sessions.Count; $i++) {
            if ([object]::ReferenceEquals($sessions[$i], $Session)) { return $i }
        }
        -1
    }
    $actualClose = @(foreach ($t in $plan.Targets) {
            @{
                client = $t.Client
                raw_client = $t.RawClient
                username = $t.UserName
                count = $t.Sessions.Count
                sessions = @(foreach ($ts in $t.Sessions) { & $indexOf $ts })
            }
        })
    $actualSkipped = @(foreach ($k in $plan.Skipped) {
            @{ client = $k.Session.Client; username = $k.Session.UserName; reason = $k.Reason }
        })

    foreach ($pair in @(
            @{ name = 'close'; keys = $closeKeys; expected = @(Get-Value $expect 'close'); actual = $actualClose },
            @{ name = 'skipped'; keys = $skippedKeys; expected = @(Get-Value $expect 'skipped'); actual = $actualSkipped })) {
        if ($pair.expected.Count -ne $pair.actual.Count) {
            $problems.Add("$($pair.name): $($pair.actual.Count) entries, expected $($pair.expected.Count)")
            continue
        }
        for ($i = 0; $i -lt $pair.expected.Count; $i++) {
            $want = $pair.expected[$i]
            $got = $pair.actual[$i]
            foreach ($p in (Get-UnknownKey -Dictionary $want -Known $pair.keys -Where "$($pair.name)[$i]")) { $problems.Add($p) }
            foreach ($key in $want.Keys) {
                if ($pair.keys -notcontains $key) { continue }
                if ($key -eq 'sessions') {
                    $w = @($want[$key]) -join ','
                    $g = @($got[$key]) -join ','
                    if ($w -cne $g) { $problems.Add("$($pair.name)[$i].sessions: [$g], expected [$w]") }
                }
                elseif (-not (Test-Same -Expected $want[$key] -Actual $got[$key])) {
                    $problems.Add("$($pair.name)[$i].$($key): '$($got[$key])', expected '$($want[$key])'")
                }
            }
        }
    }
    return $problems, @{ close = $actualClose; skipped = $actualSkipped }
}

$results = [System.Collections.Generic.List[object]]@()
$failedNames = [System.Collections.Generic.List[string]]@()
foreach ($case in $module.Params.cases) {
    $name = [string](Get-Value $case 'name')
    $problems, $actual = Invoke-Vector -Case $case
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
