#!powershell

# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test helper: the host's SMB sessions as Get-SmbSession (the SMB WMI provider, not
# NetSessionEnum) sees them, so tests check state independently of the modules under test.
# Clients are spelled as the modules spell them (no brackets, lower case, IPv4-mapped IPv6 as
# IPv4), so a test can compare without knowing whether the host said 127.0.0.1 or [::1].

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{
    options = @{}
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

function ConvertTo-ClientName {
    param ([string]$Name)
    $bare = $Name.Trim().TrimStart('\').Trim('[', ']')
    $address = $null
    if ([System.Net.IPAddress]::TryParse($bare, [ref]$address)) {
        if ($address.IsIPv4MappedToIPv6) { $address = $address.MapToIPv4() }
        return $address.ToString().ToLowerInvariant()
    }
    $bare.ToLowerInvariant()
}

$module.Result.sessions = @(
    foreach ($s in @(Get-SmbSession -ErrorAction Stop)) {
        @{
            client = ConvertTo-ClientName -Name $s.ClientComputerName
            raw_client = $s.ClientComputerName
            # ClientUserName is DOMAIN\user; the modules report the account part
            username = ($s.ClientUserName -split '\\')[-1]
            session_id = [string]$s.SessionId
        }
    }
)
# ansible-test runs Windows targets without gathering facts: the tests take the names from here.
$module.Result.computer_name = $env:COMPUTERNAME
$module.Result.fqdn = [System.Net.Dns]::GetHostEntry('').HostName
$module.ExitJson()
