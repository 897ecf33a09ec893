#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.SessionNames
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ClientResolver
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ShareSelector
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ListAndClose

$spec = @{
    options = @{
        server = @{ type = 'str' }
        client = @{ type = 'list'; elements = 'str' }
        username = @{ type = 'list'; elements = 'str' }
        share = @{ type = 'list'; elements = 'str' }
        level = @{ type = 'int'; choices = @(0, 1, 2, 10, 502) }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$server = $module.Params.server
$level = if ($null -eq $module.Params.level) { -1 } else { $module.Params.level }

try {
    # Before anything is resolved or listed: a server that names no single server, or a selector
    # entry that is blank or holds a control character, fails the module.
    [LanmanLocalHost]::CheckServer($server)
    $clientNames = [LanmanSelectorCheck]::Entries('client', $module.Params.client)
    $usernames = [LanmanSelectorCheck]::Entries('username', $module.Params.username)
    $shares = [LanmanSelectorCheck]::Entries('share', $module.Params.share)
    # Servers report clients as addresses: a host name matches every address it resolves to.
    $clients = [LanmanClientResolution]::ResolveClients('client', $clientNames)
    foreach ($warning in $clients.SelectorWarnings()) {
        $module.Warn($warning)
    }
    # share: the sessions of the users each share's connections name (NetConnectionEnum).
    $shareConnections = [LanmanShareUserList]::ListShareUsers($server, $shares)
    $listing = [LanmanSessionList]::ListSessions($server, $clients.Selectors.ToArray(), $usernames, $level,
        $shareConnections)
}
catch {
    $module.FailJson([LanmanSessionErrors]::ErrorText($_.Exception), $_)
}

foreach ($warning in $listing.Warnings) {
    $module.Warn($warning)
}
$module.Result.sessions = @(foreach ($session in $listing.Sessions) { $session.ToResult() })
$module.Result.level = $listing.Level
$module.ExitJson()
