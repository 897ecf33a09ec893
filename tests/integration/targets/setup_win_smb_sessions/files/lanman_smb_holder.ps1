# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test fixture process (started by win_smb_session_fixture): holds one real SMB session of
# -UserName to \\<Server>\<Share> by keeping a file open there, then exits after -HoldSeconds.
# It logs on with LOGON32_LOGON_NETWORK_CLEARTEXT and the default provider: a logon session of
# its own whose identity IS the test user and which keeps the password for outbound
# connections. Not NEW_CREDENTIALS (`runas /netonly`): that clones the caller's token, and over
# loopback NTLM the server takes the client's local token, so it would record the WinRM
# administrator, not the test user. Its own logon session also keeps two users from sharing
# the redirector's per-logon connection table (error 1219), and no `net use` mapping outlives it.
# It writes one line to -StatusPath: "opened" or "error: ..." (read by the fixture module),
# written whole under a temporary name and then renamed, so a reader never sees half of it.
param (
    [Parameter(Mandatory = $true)][string]$UserName,
    [Parameter(Mandatory = $true)][string]$Server,
    [Parameter(Mandatory = $true)][string]$Share,
    [Parameter(Mandatory = $true)][int]$HoldSeconds,
    [Parameter(Mandatory = $true)][string]$SecretPath,
    [Parameter(Mandatory = $true)][string]$StatusPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0

Add-Type -TypeDefinition @'
using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Principal;

public static class LanmanSmbHolder
{
    [DllImport("advapi32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    private static extern bool LogonUserW(string user, string domain, string password, int logonType,
        int provider, out IntPtr token);

    // The identity of the logon is the test user, and the password stays with it for the SMB
    // client to authenticate with (needs only "Access this computer from the network").
    private const int Logon32LogonNetworkCleartext = 8;
    private const int Logon32ProviderDefault = 0;

    // The token stays open for the life of the process: the SMB session belongs to its logon.
    public static IntPtr Token;

    public static FileStream OpenAs(string domain, string user, string password, string path)
    {
        if (!LogonUserW(user, domain, password, Logon32LogonNetworkCleartext, Logon32ProviderDefault, out Token))
            throw new Win32Exception(Marshal.GetLastWin32Error(), "LogonUser(NETWORK_CLEARTEXT) for " + user);
        WindowsImpersonationContext context = WindowsIdentity.Impersonate(Token);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        finally
        {
            context.Undo();
        }
    }
}
'@

function Write-Status {
    param ([string]$Text)
    # Whole or not at all: the fixture polls the file while this runs.
    $partial = "$StatusPath.partial"
    [System.IO.File]::WriteAllText($partial, $Text)
    [System.IO.File]::Move($partial, $StatusPath)
}

try {
    $password = [System.IO.File]::ReadAllText($SecretPath)
    Remove-Item -LiteralPath $SecretPath -Force
    $path = "\\$Server\$Share\$UserName.txt"
    $stream = [LanmanSmbHolder]::OpenAs($env:COMPUTERNAME, $UserName, $password, $path)
}
catch {
    # The native code (1326 bad password, 1219, 53 no path, ...) is what the fixture reports.
    $inner = $_.Exception
    while ($inner.InnerException) { $inner = $inner.InnerException }
    $code = if ($inner -is [System.ComponentModel.Win32Exception]) { $inner.NativeErrorCode } else { $inner.HResult }
    Write-Status -Text "error: $code $($inner.Message)"
    exit 1
}
Write-Status -Text 'opened'
# No I/O while holding: the redirector reconnects a closed session only on demand, so a session
# the tests close stays closed.
Start-Sleep -Seconds $HoldSeconds
$stream.Close()
exit 0
