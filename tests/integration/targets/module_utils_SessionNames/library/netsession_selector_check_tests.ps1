#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test module: runs tests/fixtures/selector_check_cases.json (given as 'cases') through
# SessionNames.cs's SelectorCheck.Entries and LocalHostNames.cs's LocalHost.CheckServer on this host, as the two
# Windows modules call them (on Linux the same rows run on Mono and through the Python twin).
# A row's error is the exact text expected, or null when the value is accepted.

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.SessionNames
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames

$spec = @{
    options = @{
        cases = @{ type = 'dict'; required = $true }
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

function ConvertTo-Entries {
    # The entries as a string[] whose null elements stay null ($null: the option unset).
    param ($Value)
    if ($null -eq $Value) { return , $null }
    $items = @($Value)
    $entries = New-Object -TypeName 'string[]' -ArgumentList $items.Count
    for ($i = 0; $i -lt $items.Count; $i++) {
        # a new string[] holds nulls: only the strings are set
        if ($null -ne $items[$i]) { $entries[$i] = [string]$items[$i] }
    }
    return , $entries
}

function Get-Refusal {
    # The message of the ArgumentException the action throws, or $null when the value is accepted.
    param ([scriptblock]$Action)
    try {
        $null = & $Action
        return $null
    }
    catch {
        # PowerShell wraps what a .NET method throws in MethodInvocationException.
        $e = $_.Exception.GetBaseException()
        if ($e -isnot [System.ArgumentException]) { return "not an ArgumentException: $($e.GetType().FullName)" }
        return $e.Message
    }
}

$counts = @{ selectors = 0; servers = 0 }
$failures = [System.Collections.Generic.List[string]]@()
foreach ($row in @($module.Params.cases.selectors)) {
    $counts.selectors++
    $entries = ConvertTo-Entries $row.entries
    $option = [string]$row.option
    $message = Get-Refusal { [LanmanSelectorCheck]::Entries($option, $entries) }
    if ($message -cne $row.error) {
        $failures.Add("$option $(ConvertTo-Json -Compress -InputObject $row.entries): got '$message'")
    }
}
foreach ($row in @($module.Params.cases.servers)) {
    $counts.servers++
    $server = ConvertTo-Argument $row.server
    $message = Get-Refusal { [LanmanLocalHost]::CheckServer($server) }
    if ($message -cne $row.error) {
        $failures.Add("server $(ConvertTo-Json -Compress -InputObject $row.server): got '$message'")
    }
}
$module.Result.counts = $counts
$module.Result.failures = $failures
$module.ExitJson()
