#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test helper: the host's SMB sessions as Get-SmbSession (the SMB WMI provider, not
# NetSessionEnum) sees them, so tests check state independently of the modules under test.

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{
    options = @{}
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$module.Result.sessions = @(
    foreach ($s in @(Get-SmbSession -ErrorAction Stop)) {
        @{
            client = $s.ClientComputerName.Trim('[', ']')
            # ClientUserName is DOMAIN\user; the modules report the account part
            username = ($s.ClientUserName -split '\\')[-1]
            session_id = [string]$s.SessionId
        }
    }
)
$module.ExitJson()
