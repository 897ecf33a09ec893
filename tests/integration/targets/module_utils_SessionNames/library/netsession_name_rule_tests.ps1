#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test module: runs the name-rule tables of tests/fixtures/name_rule_cases.json (given as
# 'tables') through SessionNames.cs's ClientName and AccountName on this host, where .NET itself
# parses the addresses (on Linux the same tables run on Mono and through the Python twin).
# Each row is the arguments, then the expected result. A table this runner does not know fails,
# so no row passes unread.

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.SessionNames

$spec = @{
    options = @{
        tables = @{ type = 'dict'; required = $true }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

function ConvertTo-Argument {
    # PowerShell hands $null to a .NET string parameter as "": NullString keeps it null.
    param ($Value)
    if ($null -eq $Value) { return [System.Management.Automation.Language.NullString]::Value }
    [string]$Value
}

function Get-Refusal {
    # The message of the ArgumentException a malformed network gets, or $null when it is accepted.
    param ([string]$Network)
    try {
        $null = [LanmanClientName]::Matches('10.1.0.5', $Network)
        return $null
    }
    catch {
        # PowerShell wraps what a .NET method throws in MethodInvocationException.
        $e = $_.Exception.GetBaseException()
        if ($e -isnot [System.ArgumentException]) { return "not an ArgumentException: $($e.GetType().FullName)" }
        return $e.Message
    }
}

# table -> how a row's arguments become the actual result
$rules = @{
    normalise_client = { param ($a) [LanmanClientName]::Normalize((ConvertTo-Argument $a[0])) }
    client_api_filter = { param ($a) [LanmanClientName]::ToApiFilter((ConvertTo-Argument $a[0])) }
    clients_match = { param ($a) [LanmanClientName]::Matches((ConvertTo-Argument $a[0]), (ConvertTo-Argument $a[1])) }
    is_null_session = { param ($a) [LanmanAccountName]::IsNullSession((ConvertTo-Argument $a[0])) }
    usernames_match = { param ($a) [LanmanAccountName]::Matches((ConvertTo-Argument $a[0]), (ConvertTo-Argument $a[1])) }
    account_part = { param ($a) [LanmanAccountName]::AccountPart((ConvertTo-Argument $a[0])) }
}

$counts = @{}
$failures = [System.Collections.Generic.List[string]]@()
foreach ($table in $module.Params.tables.Keys) {
    if ($table.StartsWith('_')) { continue }   # a comment
    $rows = @($module.Params.tables[$table])
    $counts[$table] = $rows.Count
    if ($table -eq 'malformed_networks') {
        foreach ($bad in $rows) {
            $message = Get-Refusal -Network ([string]$bad)
            if ($null -eq $message -or -not $message.Contains("'$bad'") -or -not $message.Contains('10.1.0.0/16')) {
                $failures.Add("malformed_networks '$bad': refusal '$message' must name the value and 10.1.0.0/16")
            }
        }
        continue
    }
    if (-not $rules.ContainsKey($table)) {
        $failures.Add("unknown table '$table'")
        continue
    }
    foreach ($row in $rows) {
        $row = @($row)
        $expected = $row[$row.Count - 1]
        $actual = & $rules[$table] $row
        $same = if ($expected -is [bool]) { $actual -is [bool] -and $actual -eq $expected } else { $actual -is [string] -and $actual -ceq $expected }
        if (-not $same) {
            $failures.Add("$table $(ConvertTo-Json -Compress -InputObject $row): got '$actual'")
        }
    }
}
$module.Result.counts = $counts
$module.Result.failures = $failures
$module.ExitJson()
