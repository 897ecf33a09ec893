#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ClientResolver
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.ListAndClose
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.OpenFileRules
#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.OpenFileListAndClose

$spec = @{
    options = @{
        server = @{ type = 'str' }
        path = @{ type = 'list'; elements = 'str' }
        share = @{ type = 'list'; elements = 'str' }
        username = @{ type = 'list'; elements = 'str' }
        exclude_path = @{ type = 'list'; elements = 'str'; default = @() }
        exclude_username = @{ type = 'list'; elements = 'str'; default = @() }
        exclude_client = @{ type = 'list'; elements = 'str'; default = @() }
        level = @{ type = 'int'; choices = @(2, 3); default = 3 }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$server = $module.Params.server

# Before anything is listed: a bad server or selector entry, or a selector at level 2, fails the
# module (open-files.md, "Selection rules" 1); an exclude_client name that resolves to nothing
# would protect nothing.
try {
    [LanmanLocalHost]::CheckServer($server)
    $selection = [LanmanOpenFileSelection]::Check($module.Params.path, $module.Params.share, $module.Params.username,
        $module.Params.exclude_path, $module.Params.exclude_username, $module.Params.exclude_client, $false, $false)
    # level 2 has ids only: nothing to select or exclude by
    $selection.CheckLevel($module.Params.level)
    $excluded = [LanmanClientResolution]::ResolveClients('exclude_client', $selection.ExcludeClients)
    $selection.ProtectOwnPipe(-not [LanmanLocalHost]::IsLocalServer($server))
}
catch {
    $module.FailJson([LanmanSessionErrors]::ErrorText($_.Exception), $_)
}
foreach ($message in $excluded.ExclusionErrors()) {
    $module.FailJson($message)
}
$selection.ExcludeClients = $excluded.Selectors.ToArray()

try {
    [LanmanOpenFileList]::AddShares($server, $selection)
    $listing = [LanmanOpenFileList]::List($server, $module.Params.level, $selection.ExcludeClients.Length -gt 0)
    $plan = [LanmanOpenFilePlanner]::Plan($listing.Files, $selection)
}
catch {
    $module.FailJson([LanmanSessionErrors]::ErrorText($_.Exception), $_)
}

foreach ($warning in $listing.Warnings) {
    $module.Warn($warning)
}
$module.Result.open_files = [LanmanOpenFileList]::Results($plan.Listed)
$module.Result.level = $listing.Level
$module.ExitJson()
