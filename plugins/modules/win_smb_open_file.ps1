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
        all = @{ type = 'bool'; default = $false }
        state = @{ type = 'str'; choices = @('absent'); default = 'absent' }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$server = $module.Params.server

# Before anything is listed: a bad server or selector entry, a whole volume without all, or no
# selector at all fails the module (open-files.md, "Selection rules" 1, 2 and 7); an
# exclude_client name that resolves to nothing would protect nothing.
try {
    [LanmanLocalHost]::CheckServer($server)
    $selection = [LanmanOpenFileSelection]::Check($module.Params.path, $module.Params.share, $module.Params.username,
        $module.Params.exclude_path, $module.Params.exclude_username, $module.Params.exclude_client,
        $module.Params.all, $true)
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
    # The whole list at level 3: every file is judged by its path and user, never by a wire filter.
    $listing = [LanmanOpenFileList]::List($server, 3, $selection.ExcludeClients.Length -gt 0)
    $plan = [LanmanOpenFilePlanner]::Plan($listing.Files, $selection)
    # Run() re-reads and closes nothing in check mode; it stops at the first call that fails.
    $run = [LanmanOpenFileCloser]::Run($server, $plan, $module.CheckMode)
}
catch {
    $module.FailJson([LanmanSessionErrors]::ErrorText($_.Exception), $_)
}

foreach ($warning in $listing.Warnings) {
    $module.Warn($warning)
}
$result = $run.ToResult()
foreach ($key in $result.Keys) {
    $module.Result.$key = $result[$key]
}
$module.Diff.before = $run.DiffBefore()
$module.Diff.after = $run.DiffAfter()
if ($null -ne $run.FailedCall) {
    # FailJson keeps $module.Result: what was closed, the failed call and the untried files.
    $module.FailJson($run.FailureMessage())
}
$module.ExitJson()
