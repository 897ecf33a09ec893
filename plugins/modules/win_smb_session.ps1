#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.SessionNames
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ClientResolver
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ShareSelector
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ListAndClose

$spec = @{
    options = @{
        server = @{ type = 'str' }
        client = @{ type = 'list'; elements = 'str' }
        username = @{ type = 'list'; elements = 'str' }
        share = @{ type = 'list'; elements = 'str' }
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

# Before anything is resolved or listed: a server that names no single server, a selector entry
# that is blank or holds a control character (a dropped entry would widen the close), a malformed
# network, or an exclusion that resolves to nothing (it would protect nothing) fails the module.
# Servers report clients as addresses: a host name matches every address it resolves to.
try {
    [LanmanLocalHost]::CheckServer($server)
    $clientNames = [LanmanSelectorCheck]::Entries('client', $module.Params.client)
    $usernames = [LanmanSelectorCheck]::Entries('username', $module.Params.username)
    $shares = [LanmanSelectorCheck]::Entries('share', $module.Params.share)
    $excludeClientNames = [LanmanSelectorCheck]::Entries('exclude_client', $module.Params.exclude_client)
    $excludeUsernames = [LanmanSelectorCheck]::Entries('exclude_username', $module.Params.exclude_username)
    $clients = [LanmanClientResolution]::ResolveClients('client', $clientNames)
    $excluded = [LanmanClientResolution]::ResolveClients('exclude_client', $excludeClientNames)
    $remote = -not [LanmanLocalHost]::IsLocalServer($server)
}
catch {
    $module.FailJson([LanmanSessionErrors]::ErrorText($_.Exception), $_)
}
foreach ($message in $excluded.ExclusionErrors()) {
    $module.FailJson($message)
}
foreach ($warning in $clients.SelectorWarnings()) {
    $module.Warn($warning)
}

$selection = [LanmanCloseSelection]::new()
$selection.Clients = $clients.Selectors.ToArray()
$selection.Usernames = $usernames
$selection.ExcludeClients = $excluded.Selectors.ToArray()
$selection.ExcludeUsernames = $excludeUsernames
$selection.MinIdleSeconds = $module.Params.min_idle_seconds
$selection.All = $module.Params.all
if ($remote) {
    # Our own calls to a remote server arrive there as a session of ours. The user it runs as is
    # not known here (become, delegation, CredSSP), so OwnUsername stays unset: every session
    # from this host's addresses is protected.
    $selection.OwnClients = [LanmanLocalHost]::LocalAddresses()
}

try {
    # share: the sessions of the users each share's connections name (NetConnectionEnum).
    $selection.ShareConnections = [LanmanShareUserList]::ListShareUsers($server, $shares)
    # The whole list: a close is judged against every session it would end.
    $listing = [LanmanSessionList]::ListSessions($server, $null, $null, -1)
    $plan = [LanmanClosePlanner]::Plan($listing.Sessions, $selection)
    # Run() makes no NetSessionDel call in check mode; it stops at the first call that fails.
    $run = [LanmanCloseExecutor]::Run($server, $plan, $module.CheckMode)
}
catch {
    $module.FailJson([LanmanSessionErrors]::ErrorText($_.Exception), $_)
}

foreach ($warning in $listing.Warnings) {
    $module.Warn($warning)
}
foreach ($warning in [LanmanShareUserList]::Warnings($listing.Sessions, $selection.ShareConnections, $selection.Clients,
        $selection.Usernames)) {
    $module.Warn($warning)
}
$result = $run.ToResult()
foreach ($key in $result.Keys) {
    $module.Result.$key = $result[$key]
}
$module.Result.level = $listing.Level
$module.Diff.before = $run.DiffBefore()
$module.Diff.after = $run.DiffAfter()
if ($null -ne $run.FailedCall) {
    # FailJson keeps $module.Result: what was closed, the failed call and the untried ones.
    $module.FailJson($run.FailureMessage())
}
$module.ExitJson()
