# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Test fixture process (started by win_smb_open_file_fixture): opens -Files (relative to
# \\<Server>\<Share>) as -UserName, locks the first byte of each (a byte-range lock the server
# counts in fi3_num_locks), and holds them for -HoldSeconds. It logs on as setup_win_smb_sessions'
# holder does (LOGON32_LOGON_NETWORK_CLEARTEXT, default provider: the identity IS the test user).
# It writes "opened" or "error: ..." to -StatusPath. While it holds the files it answers probes:
# when "<ProbePath>.request" appears it reads one byte through each of its own handles and writes
# one line per file to -ProbePath: "<file>`tok" or "<file>`terror: <message>" (a handle the server
# closed answers STATUS_FILE_CLOSED). Every file it writes is written whole and renamed into place.
param (
    [Parameter(Mandatory = $true)][string]$UserName,
    [Parameter(Mandatory = $true)][string]$Server,
    [Parameter(Mandatory = $true)][string]$Share,
    [Parameter(Mandatory = $true)][string]$Files,
    [Parameter(Mandatory = $true)][int]$HoldSeconds,
    [Parameter(Mandatory = $true)][string]$SecretPath,
    [Parameter(Mandatory = $true)][string]$StatusPath,
    [Parameter(Mandatory = $true)][string]$ProbePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0

Add-Type -TypeDefinition @'
using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Principal;

public static class LanmanSmbFileHolder
{
    [DllImport("advapi32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    private static extern bool LogonUserW(string user, string domain, string password, int logonType,
        int provider, out IntPtr token);

    private const int Logon32LogonNetworkCleartext = 8;
    private const int Logon32ProviderDefault = 0;

    // The token stays open for the life of the process: the SMB session belongs to its logon.
    public static IntPtr Token;

    public static void LogOn(string domain, string user, string password)
    {
        if (!LogonUserW(user, domain, password, Logon32LogonNetworkCleartext, Logon32ProviderDefault, out Token))
            throw new Win32Exception(Marshal.GetLastWin32Error(), "LogonUser(NETWORK_CLEARTEXT) for " + user);
    }

    public static FileStream OpenLocked(string path)
    {
        WindowsImpersonationContext context = WindowsIdentity.Impersonate(Token);
        try
        {
            FileStream stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
            if (stream.Length == 0)
            {
                stream.Write(new byte[] { 0x41, 0x42 }, 0, 2);
                stream.Flush();
            }
            stream.Lock(0, 1);
            return stream;
        }
        finally
        {
            context.Undo();
        }
    }

    // One byte through the handle itself: a handle the server closed fails here.
    public static string Probe(FileStream stream)
    {
        try
        {
            stream.Seek(0, SeekOrigin.Begin);
            byte[] one = new byte[1];
            stream.Read(one, 0, 1);
            return "ok";
        }
        catch (Exception e)
        {
            return "error: " + e.Message.Replace("\r", " ").Replace("\n", " ").Replace("\t", " ");
        }
    }
}
'@

function Write-Whole {
    param ([string]$Path, [string]$Text)
    # Whole or not at all: the fixture and the probe module poll these files.
    $partial = "$Path.partial"
    [System.IO.File]::WriteAllText($partial, $Text)
    [System.IO.File]::Move($partial, $Path)
}

$names = @($Files -split ',' | Where-Object { $_ })
$streams = @{}
try {
    $password = [System.IO.File]::ReadAllText($SecretPath)
    Remove-Item -LiteralPath $SecretPath -Force
    [LanmanSmbFileHolder]::LogOn($env:COMPUTERNAME, $UserName, $password)
    foreach ($name in $names) {
        $streams[$name] = [LanmanSmbFileHolder]::OpenLocked("\\$Server\$Share\$name")
    }
}
catch {
    $inner = $_.Exception
    while ($inner.InnerException) { $inner = $inner.InnerException }
    $code = if ($inner -is [System.ComponentModel.Win32Exception]) { $inner.NativeErrorCode } else { $inner.HResult }
    Write-Whole -Path $StatusPath -Text "error: $code $($inner.Message)"
    exit 1
}
Write-Whole -Path $StatusPath -Text 'opened'

$request = "$ProbePath.request"
$end = (Get-Date).AddSeconds($HoldSeconds)
while ((Get-Date) -lt $end) {
    if (Test-Path -LiteralPath $request) {
        $lines = @(foreach ($name in $names) { "$name`t$([LanmanSmbFileHolder]::Probe($streams[$name]))" })
        Remove-Item -LiteralPath $ProbePath -Force -ErrorAction SilentlyContinue
        Write-Whole -Path $ProbePath -Text ($lines -join "`n")
        Remove-Item -LiteralPath $request -Force
    }
    Start-Sleep -Milliseconds 250
}
foreach ($stream in $streams.Values) { $stream.Close() }
exit 0
