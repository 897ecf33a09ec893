#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.NetSession

$spec = @{
    options = @{
        server = @{ type = 'str' }
        client = @{ type = 'list'; elements = 'str' }
        username = @{ type = 'list'; elements = 'str' }
        level = @{ type = 'int'; choices = @(0, 1, 2, 10, 502) }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$server = $module.Params.server
$level = if ($null -eq $module.Params.level) { -1 } else { $module.Params.level }
# Servers report clients as addresses: a host name matches every address it resolves to.
$clients = [string[]]@(foreach ($name in @($module.Params.client)) {
        if ($name) { [LanmanNetSession]::ResolveClient($name) }
    })
$usernames = [string[]]@($module.Params.username | Where-Object { $_ })

try {
    $levelUsed = 0
    $sessions = [LanmanNetSession]::List($server, $clients, $usernames, $level, 0, [ref]$levelUsed)
}
catch {
    # .NET exceptions from a method call arrive wrapped in MethodInvocationException.
    $err = $_.Exception
    if ($err.InnerException) { $err = $err.InnerException }
    $module.FailJson($err.Message, $_)
}

$module.Result.sessions = @(foreach ($session in $sessions) { $session.ToResult() })
$module.Result.level = $levelUsed
$module.ExitJson()
