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
        min_idle_seconds = @{ type = 'int' }
        exclude_client = @{ type = 'list'; elements = 'str'; default = @() }
        exclude_username = @{ type = 'list'; elements = 'str'; default = @() }
        all = @{ type = 'bool'; default = $false }
        state = @{ type = 'str'; choices = @('absent'); default = 'absent' }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$server = $module.Params.server
if ($null -ne $module.Params.min_idle_seconds -and $module.Params.min_idle_seconds -lt 0) {
    $module.FailJson("min_idle_seconds must be 0 or more, got $($module.Params.min_idle_seconds)")
}

function ConvertTo-Address {
    # Servers report clients as addresses: a host name matches every address it resolves to.
    param ([object[]]$Names)
    [string[]]@(foreach ($name in $Names) { if ($name) { [LanmanNetSession]::ResolveClient($name) } })
}

$selection = New-Object -TypeName 'ansible_collections.lanman.smb.plugins.module_utils.NetSession.CloseSelection'
$selection.Clients = ConvertTo-Address -Names @($module.Params.client)
$selection.Usernames = [string[]]@($module.Params.username | Where-Object { $_ })
$selection.ExcludeClients = ConvertTo-Address -Names @($module.Params.exclude_client)
$selection.ExcludeUsernames = [string[]]@($module.Params.exclude_username | Where-Object { $_ })
$selection.MinIdleSeconds = $module.Params.min_idle_seconds
$selection.All = $module.Params.all
if (-not [LanmanNetSession]::IsLocalServer($server)) {
    # Our own calls to a remote server arrive there as a session of ours: never close it.
    $selection.OwnClients = [LanmanNetSession]::LocalAddresses()
    $selection.OwnUsername = [Environment]::UserName
}

try {
    $levelUsed = 0
    # The whole list: a close is judged against every session it would end.
    $sessions = [LanmanNetSession]::List($server, $null, $null, -1, 1, [ref]$levelUsed)
    $plan = [LanmanClosePlanner]::Plan($sessions, $selection)
    # Run() makes no NetSessionDel call in check mode; it reports what would be closed.
    $run = [ansible_collections.lanman.smb.plugins.module_utils.NetSession.CloseExecutor]::Run(
        $server, $plan, $sessions, $module.CheckMode)
}
catch {
    # .NET exceptions from a method call arrive wrapped in MethodInvocationException.
    $err = $_.Exception
    if ($err.InnerException) { $err = $err.InnerException }
    $module.FailJson($err.Message, $_)
}

$result = $run.ToResult()
foreach ($key in $result.Keys) {
    $module.Result.$key = $result[$key]
}
$module.Result.level = $levelUsed
$module.Diff.before = $run.DiffBefore()
$module.Diff.after = $run.DiffAfter()
$module.ExitJson()
