#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test module: runs tests/fixtures/share_user_cases.json (given as 'table') through the C# twin as
# Windows PowerShell compiles it: which sessions a share's connections list (ShareUsers.UsesShare
# with the client and username filters) and close (ClosePlanner with CloseSelection.ShareConnections),
# the warnings (ShareUserList.Warnings), the share errors (ShareUserList.ShareListingError) and the
# share entry checks (SelectorCheck.Entries). The rules are those of tests/csharp/ShareUserTests.cs
# and tests/unit/plugins/module_utils/test_share_user_cases.py. The placeholder rows need a
# RawConnection (NetConnection.cs) and are run by those two only.

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.SessionNames
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ShareSelector
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning

$spec = @{
    options = @{
        table = @{ type = 'dict'; required = $true }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

function ConvertTo-StringArray {
    # JSON [] / null / a list of strings -> string[] (never an array holding one $null).
    param ($Value)
    if ($null -eq $Value) { return , ([string[]]@()) }
    , ([string[]]@(foreach ($v in $Value) { [string]$v }))
}

function ConvertTo-NetString {
    # PowerShell hands $null to a .NET string parameter as "": NullString keeps it null.
    param ($Value)
    if ($null -eq $Value) { return [System.Management.Automation.Language.NullString]::Value }
    [string]$Value
}

function Get-InnerException {
    param ($Exception)
    $err = $Exception
    while ($err -is [System.Management.Automation.MethodInvocationException] -and $err.InnerException) {
        $err = $err.InnerException
    }
    $err
}

function Invoke-ShareCase {
    param ($Case)
    $problems = [System.Collections.Generic.List[string]]@()
    $sessions = [System.Collections.Generic.List[LanmanSessionInfo]]::new()
    foreach ($s in @($Case['sessions'])) {
        $raw = if ($null -eq $s[0]) { '' } else { [string]$s[0] }
        $sessions.Add([LanmanSessionInfo]::new($raw, (ConvertTo-NetString $s[1]), [Nullable[long]][long]$s[2]))
    }
    $connections = [System.Collections.Generic.List[LanmanShareConnection]]::new()
    foreach ($c in @($Case['connections'])) {
        $connections.Add([LanmanShareConnection]::new([string]$c[0], (ConvertTo-NetString $c[1]), (ConvertTo-NetString $c[2])))
    }
    $selectionIn = $Case['selection']
    $sel = [LanmanCloseSelection]::new()
    $sel.Clients = ConvertTo-StringArray $selectionIn['client']
    $sel.Usernames = ConvertTo-StringArray $selectionIn['username']
    $sel.ExcludeClients = ConvertTo-StringArray $selectionIn['exclude_client']
    $sel.ExcludeUsernames = ConvertTo-StringArray $selectionIn['exclude_username']
    $sel.OwnClients = ConvertTo-StringArray $selectionIn['own_client']
    $sel.OwnUsername = ConvertTo-NetString $selectionIn['own_username']
    $sel.All = [bool]$selectionIn['all']
    $minIdle = $selectionIn['min_idle_seconds']
    $sel.MinIdleSeconds = if ($null -eq $minIdle) { [Nullable[long]]$null } else { [Nullable[long]][long]$minIdle }

    $indexOf = {
        param ($Session)
        for ($i = 0; $i -lt $sessions.Count; $i++) {
            if ([object]::ReferenceEquals($sessions[$i], $Session)) { return $i }
        }
        -1
    }

    # The info modules: the client and username filters AND the share.
    $listed = @(for ($i = 0; $i -lt $sessions.Count; $i++) {
            $s = $sessions[$i]
            $byClient = $sel.Clients.Count -eq 0 -or [LanmanClientName]::MatchesAny($s.Client, $sel.Clients)
            $byUser = $sel.Usernames.Count -eq 0 -or [LanmanAccountName]::MatchesAny($s.UserName, $sel.Usernames)
            if ($byClient -and $byUser -and [LanmanShareUsers]::UsesShare($s, $connections)) { $i }
        })
    $wantListed = @($Case['listed']) -join ','
    if (($listed -join ',') -cne $wantListed) { $problems.Add("listed [$($listed -join ',')], expected [$wantListed]") }

    $warnings = @([LanmanShareUserList]::Warnings($sessions, $connections, $sel.Clients, $sel.Usernames))
    $wantWarnings = @($Case['warnings'])
    if (($warnings -join ' | ') -cne ($wantWarnings -join ' | ')) {
        $problems.Add("warnings [$($warnings -join ' | ')], expected [$($wantWarnings -join ' | ')]")
    }

    $sel.ShareConnections = $connections
    try {
        $plan = [LanmanClosePlanner]::Plan($sessions, $sel)
    }
    catch {
        $err = Get-InnerException $_.Exception
        $problems.Add("unexpected $($err.GetType().FullName): $($err.Message)")
        return $problems
    }
    $closed = @(foreach ($t in $plan.Targets) { foreach ($ts in $t.Sessions) { & $indexOf $ts } }) | Sort-Object
    $wantClosed = @($Case['closed']) -join ','
    if ((@($closed) -join ',') -cne $wantClosed) { $problems.Add("closed [$(@($closed) -join ',')], expected [$wantClosed]") }
    $skipped = @(foreach ($k in $plan.Skipped) { "$(& $indexOf $k.Session) $($k.Reason)" })
    $wantSkipped = @(foreach ($k in @($Case['skipped'])) { "$($k[0]) $($k[1])" })
    if (($skipped -join ' | ') -cne ($wantSkipped -join ' | ')) {
        $problems.Add("skipped [$($skipped -join ' | ')], expected [$($wantSkipped -join ' | ')]")
    }
    foreach ($t in $plan.Targets) {
        if ($null -eq $t.Client -or $null -eq $t.UserName) { $problems.Add('a call without client or user: a share selects users') }
    }
    $problems
}

$table = $module.Params.table
$failures = [System.Collections.Generic.List[object]]@()
$counts = @{ cases = 0; share_errors = 0; entries = 0 }

foreach ($case in @($table['cases'])) {
    $counts.cases++
    $problems = @(Invoke-ShareCase -Case $case)
    if ($problems.Count -gt 0) { $failures.Add(@{ case = [string]$case['name']; problems = $problems }) }
}

foreach ($row in @($table['share_errors'])) {
    $counts.share_errors++
    $got = [LanmanShareUserList]::ShareListingError([string]$row['share'], [int]$row['status'])
    $want = $row['message']
    if (($null -eq $want -and $null -ne $got) -or ($null -ne $want -and $got -cne [string]$want)) {
        $failures.Add(@{ share_error = $row['status']; got = $got; expected = $want })
    }
}

foreach ($row in @($table['entries'])) {
    $counts.entries++
    # a new string[] holds nulls: only the strings are set (a null entry stays null)
    $items = @($row['entries'])
    $entries = [string[]]::new($items.Count)
    for ($i = 0; $i -lt $items.Count; $i++) {
        if ($null -ne $items[$i]) { $entries[$i] = [string]$items[$i] }
    }
    $want = $row['message']
    $got = $null
    try {
        $null = [LanmanSelectorCheck]::Entries('share', $entries)
    }
    catch {
        $got = (Get-InnerException $_.Exception).Message
    }
    if (($null -eq $want -and $null -ne $got) -or ($null -ne $want -and $got -cne [string]$want)) {
        $failures.Add(@{ entries = $row['entries']; got = $got; expected = $want })
    }
}

$module.Result.counts = $counts
$module.Result.failures = $failures
$module.ExitJson()
