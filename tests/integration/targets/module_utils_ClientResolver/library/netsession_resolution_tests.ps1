#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test module: runs the rows of tests/fixtures/resolution_cases.json (given as 'cases') that look
# no name up (an empty resolver and no expected look-up: literals, networks, blank entries,
# malformed networks) through ClientResolver.cs's ClientResolution.ResolveClients on this host, as
# the two Windows modules call it. The other rows need a resolver that answers what the row says,
# which a real host's DNS cannot be made to do; they run on Mono, CoreCLR and the Python twin.

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.SessionNames
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ClientResolver

$spec = @{
    options = @{
        cases = @{ type = 'list'; elements = 'dict'; required = $true }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$ran = [System.Collections.Generic.List[string]]@()
$failures = [System.Collections.Generic.List[string]]@()
foreach ($row in $module.Params.cases) {
    if (@($row.resolver.Keys).Count -gt 0 -or @($row.lookups).Count -gt 0) { continue }
    $ran.Add([string]$row.name)
    $entries = [string[]]@($row.entries)
    $option = [string]$row.option
    $selectors = [System.Collections.Generic.List[string]]@()
    $message = $null
    try {
        $resolution = [LanmanClientResolution]::ResolveClients($option, $entries)
        if ($option -eq 'exclude_client' -and $resolution.Unresolved.Count -gt 0) {
            $message = $resolution.ExclusionErrors()[0]
        }
        else {
            foreach ($selector in $resolution.Selectors) {
                $normal = [LanmanClientName]::Normalize($selector)
                if (-not $selectors.Contains($normal)) { $selectors.Add($normal) }
            }
        }
    }
    catch {
        # PowerShell wraps what a .NET method throws in MethodInvocationException.
        $e = $_.Exception.GetBaseException()
        $message = if ($e -is [System.ArgumentException]) { $e.Message } else { "not an ArgumentException: $($e.GetType().FullName)" }
    }
    if ($message -cne $row.error) {
        $failures.Add("$($row.name): error '$message'")
    }
    if (($selectors -join '|') -cne (@($row.selectors) -join '|')) {
        $failures.Add("$($row.name): selectors '$($selectors -join '|')'")
    }
}
$module.Result.ran = $ran
$module.Result.failures = $failures
$module.ExitJson()
