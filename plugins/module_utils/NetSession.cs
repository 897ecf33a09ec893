// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// The Win32 NetSession API (NetSessionEnum / NetSessionGetInfo / NetSessionDel) for the
// lanman.smb Windows modules, plus the client/user name rules and the close planning they
// share with the agentless modules (docs/developer/contract.md). C# 5 only: Windows
// PowerShell 5.1 compiles this with the in-box csc.exe.
//TypeAccelerator -Name LanmanNetSession -TypeName NetSessionApi
//TypeAccelerator -Name LanmanClosePlanner -TypeName ClosePlanner

using Microsoft.Win32.SafeHandles;
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace ansible_collections.lanman.smb.plugins.module_utils.NetSession
{
    internal class NativeHelpers
    {
        // Strings are IntPtr so a NULL stays null and nothing is freed behind our back.
        [StructLayout(LayoutKind.Sequential)]
        public struct SESSION_INFO_0
        {
            public IntPtr sesi0_cname;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct SESSION_INFO_1
        {
            public IntPtr sesi1_cname;
            public IntPtr sesi1_username;
            public UInt32 sesi1_num_opens;
            public UInt32 sesi1_time;
            public UInt32 sesi1_idle_time;
            public UInt32 sesi1_user_flags;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct SESSION_INFO_2
        {
            public IntPtr sesi2_cname;
            public IntPtr sesi2_username;
            public UInt32 sesi2_num_opens;
            public UInt32 sesi2_time;
            public UInt32 sesi2_idle_time;
            public UInt32 sesi2_user_flags;
            public IntPtr sesi2_cltype_name;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct SESSION_INFO_10
        {
            public IntPtr sesi10_cname;
            public IntPtr sesi10_username;
            public UInt32 sesi10_time;
            public UInt32 sesi10_idle_time;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct SESSION_INFO_502
        {
            public IntPtr sesi502_cname;
            public IntPtr sesi502_username;
            public UInt32 sesi502_num_opens;
            public UInt32 sesi502_time;
            public UInt32 sesi502_idle_time;
            public UInt32 sesi502_user_flags;
            public IntPtr sesi502_cltype_name;
            public IntPtr sesi502_transport;
        }
    }

    internal class NativeMethods
    {
        // NetApi functions return their status; they do not set the last error.
        [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
        public static extern UInt32 NetSessionEnum(
            string servername,
            string UncClientName,
            string username,
            UInt32 level,
            out SafeNetApiBuffer bufptr,
            UInt32 prefmaxlen,
            out UInt32 entriesread,
            out UInt32 totalentries,
            ref UInt32 resume_handle);

        [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
        public static extern UInt32 NetSessionGetInfo(
            string servername,
            string UncClientName,
            string username,
            UInt32 level,
            out SafeNetApiBuffer bufptr);

        [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
        public static extern UInt32 NetSessionDel(
            string servername,
            string UncClientName,
            string username);

        [DllImport("netapi32.dll")]
        public static extern UInt32 NetApiBufferFree(
            IntPtr Buffer);
    }

    internal class SafeNetApiBuffer : SafeHandleZeroOrMinusOneIsInvalid
    {
        public SafeNetApiBuffer() : base(true) { }

        // No [ReliabilityContract]: it is obsolete on .NET 5+ (SYSLIB0004) and PowerShell 7
        // compiles utils with warnings as errors (tests/csharp/dotnet_obsolete_check.py).
        protected override bool ReleaseHandle()
        {
            return NativeMethods.NetApiBufferFree(handle) == 0;
        }
    }

    public static class NetApiStatus
    {
        public const int Success = 0;
        public const int AccessDenied = 5;
        public const int NotEnoughMemory = 8;
        public const int InvalidParameter = 87;
        public const int InvalidLevel = 124;
        public const int MoreData = 234;
        public const int NotAuthenticated = 1244;
        public const int NoSuchLogonSession = 1312;
        public const int LogonFailure = 1326;
        public const int UserNotFound = 2221;
        public const int ClientNameNotFound = 2312;
        public const int InvalidComputer = 2351;
        public const UInt32 MaxPreferredLength = 0xFFFFFFFF;
    }

    /// <summary>A failed NetSession call: the status plus text a user can act on.</summary>
    public class NetSessionException : Win32Exception
    {
        private readonly string _operation;
        private readonly string _server;
        private readonly bool _remoteServer;

        /// <summary>remoteServer: the call went to another machine (the caller knows; no lookup here).</summary>
        public NetSessionException(int status, string operation, string server, bool remoteServer)
            : this(status, operation, server, remoteServer, null) { }

        /// <summary>advice: a sentence appended to the message that says what to do instead.</summary>
        public NetSessionException(int status, string operation, string server, bool remoteServer, string advice)
            : base(status, BuildMessage(status, operation, server, remoteServer, advice))
        {
            _operation = operation;
            _server = server;
            _remoteServer = remoteServer;
        }

        public int Status { get { return NativeErrorCode; } }
        public string Operation { get { return _operation; } }
        public string Server { get { return _server; } }
        public bool RemoteServer { get { return _remoteServer; } }

        public static string Describe(int status)
        {
            switch (status)
            {
                case NetApiStatus.Success: return "The operation completed successfully.";
                case NetApiStatus.AccessDenied:
                    return "Access is denied. Listing and closing sessions needs membership of Administrators or " +
                        "Server Operators on the server (Windows 10 1607 / Server 2016 and later also for listing: " +
                        "the SrvsvcSessionInfo security descriptor under " +
                        "HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\DefaultSecurity decides).";
                case NetApiStatus.NotEnoughMemory: return "Not enough memory is available to complete the call.";
                case NetApiStatus.InvalidParameter: return "A parameter is incorrect.";
                case NetApiStatus.InvalidLevel:
                    return "The server does not serve this information level (Windows serves 0, 1, 2, 10 and 502; " +
                        "Samba 0 and 1; NetSessionGetInfo has no level 502).";
                case NetApiStatus.MoreData: return "More data is available.";
                case NetApiStatus.LogonFailure: return "The user name or password is incorrect.";
                case NetApiStatus.NotAuthenticated: return "The operation requires an authenticated user.";
                case NetApiStatus.NoSuchLogonSession:
                    return "A specified logon session does not exist: the logon that runs the module has no " +
                        "credentials it can present to the server.";
                case NetApiStatus.UserNotFound: return "The user name was not found among the sessions.";
                case NetApiStatus.ClientNameNotFound: return "The client name was not found among the sessions.";
                case NetApiStatus.InvalidComputer: return "The server name is not valid.";
                default: return new Win32Exception(status).Message;
            }
        }

        internal static bool IsAuthProblem(int status)
        {
            return status == NetApiStatus.AccessDenied || status == NetApiStatus.LogonFailure ||
                status == NetApiStatus.NotAuthenticated || status == NetApiStatus.NoSuchLogonSession;
        }

        public const string DoubleHopHint =
            " The server is not the target itself: over WinRM with NTLM, Basic, or Kerberos without delegation your " +
            "credentials do not reach a second machine (the double hop). Use become with become_password (become " +
            "without a password logs on with S4U, which has no network credentials) or with " +
            "become_flags: logon_type=new_credentials, or CredSSP or Kerberos delegation, or run the module on that server.";

        private static string BuildMessage(int status, string operation, string server, bool remoteServer, string advice)
        {
            string where = remoteServer && !String.IsNullOrEmpty(server) ? server : "the local computer";
            string message = String.Format(CultureInfo.InvariantCulture, "{0} on {1} failed: {2} (status {3}, 0x{3:X8})",
                operation, where, Describe(status), status);
            if (IsAuthProblem(status) && remoteServer)
                message += DoubleHopHint;
            if (!String.IsNullOrEmpty(advice))
                message += " " + advice;
            return message;
        }
    }

    /// <summary>One session, with the normalised fields of the contract.</summary>
    public class SessionInfo
    {
        public string Client;
        public string RawClient;
        public string UserName;
        public int? NumOpens;
        public long? ActiveSeconds;
        public long? IdleSeconds;
        public uint? UserFlags;
        public bool? IsGuest;
        public bool? CleartextPassword;
        public string ClientType;
        public string Transport;
        public int Level;

        public const uint SessGuest = 0x1;
        public const uint SessNoEncryption = 0x2;

        public SessionInfo() { }

        public SessionInfo(string rawClient, string userName, long? idleSeconds)
        {
            RawClient = rawClient;
            Client = ClientName.Normalize(rawClient);
            UserName = userName;
            IdleSeconds = idleSeconds;
            Level = 1;
        }

        internal void SetFlags(uint flags)
        {
            UserFlags = flags;
            IsGuest = (flags & SessGuest) != 0;
            CleartextPassword = (flags & SessNoEncryption) != 0;
        }

        // Samba reports a new session's age as (uint)-1.
        internal static long Seconds(uint value)
        {
            return value == UInt32.MaxValue ? 0 : (long)value;
        }

        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> result = new Dictionary<string, object>();
            result.Add("client", Client);
            result.Add("username", UserName);
            result.Add("num_opens", NumOpens);
            result.Add("active_seconds", ActiveSeconds);
            result.Add("idle_seconds", IdleSeconds);
            result.Add("user_flags", UserFlags);
            result.Add("is_guest", IsGuest);
            result.Add("cleartext_password", CleartextPassword);
            result.Add("client_type", ClientType);
            result.Add("transport", Transport);
            return result;
        }

        public string DiffEntry()
        {
            string user = AccountName.IsNullSession(UserName) ? "(anonymous)" : UserName;
            return user + "@" + (String.IsNullOrEmpty(Client) ? "(no client)" : Client);
        }

        internal string ClientKey()
        {
            return ClientName.Key(Client);
        }

        internal string UserKey()
        {
            return AccountName.IsNullSession(UserName) ? "" : AccountName.AccountPart(UserName).ToLowerInvariant();
        }

        internal string PairKey()
        {
            return ClientKey() + "\n" + UserKey();
        }
    }

    public static class ClientName
    {
        /// <summary>\\10.0.0.5 -> 10.0.0.5; \\[FE80::0:1%3] -> fe80::1%3; ::ffff:10.0.0.5 -> 10.0.0.5.</summary>
        public static string Normalize(string name)
        {
            if (name == null)
                return null;
            string text = name.Trim().TrimStart('\\');
            if (text.Length > 1 && text.StartsWith("[") && text.EndsWith("]"))
                text = text.Substring(1, text.Length - 2);
            // Most clients are plain IPv4 already in canonical form: skip parsing (see docs/benchmarks.md).
            if (IsCanonicalIpv4(text))
                return text;
            string address = text;
            string zone = "";
            int percent = text.IndexOf('%');
            if (percent >= 0)
            {
                address = text.Substring(0, percent);
                zone = text.Substring(percent);
            }
            byte[] bytes = ParseAddress(address);
            if (bytes == null)
                return text;
            if (bytes.Length == 16 && IsIpv4Mapped(bytes))
                return FormatIpv4(bytes, 12);
            return (bytes.Length == 4 ? FormatIpv4(bytes, 0) : FormatIpv6(bytes)) + zone;
        }

        internal static bool IsCanonicalIpv4(string text)
        {
            int parts = 0, digits = 0, value = 0;
            for (int i = 0; i <= text.Length; i++)
            {
                if (i == text.Length || text[i] == '.')
                {
                    if (digits == 0 || value > 255)
                        return false;
                    parts++;
                    digits = 0;
                    value = 0;
                    continue;
                }
                char c = text[i];
                if (c < '0' || c > '9' || (digits == 1 && value == 0))   // no leading zeros
                    return false;
                value = value * 10 + (c - '0');
                digits++;
                if (digits > 3)
                    return false;
            }
            return parts == 4;
        }

        /// <summary>The bytes of an IP literal without zone, or null. Only the forms Python's
        /// ipaddress takes (IPAddress.TryParse also takes "10.5", "1" and octal "010.0.0.1").</summary>
        internal static byte[] ParseAddress(string address)
        {
            if (IsCanonicalIpv4(address))
            {
                string[] octets = address.Split('.');
                byte[] v4 = new byte[4];
                for (int i = 0; i < 4; i++)
                    v4[i] = Byte.Parse(octets[i], CultureInfo.InvariantCulture);
                return v4;
            }
            if (!address.Contains(":") || address.Contains("%") || address.Contains("["))
                return null;
            int lastColon = address.LastIndexOf(':');
            if (address.IndexOf('.') > lastColon && !IsCanonicalIpv4(address.Substring(lastColon + 1)))
                return null;
            IPAddress ip;
            if (!IPAddress.TryParse(address, out ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
                return null;
            return ip.GetAddressBytes();
        }

        private static bool IsIpv4Mapped(byte[] b)
        {
            for (int i = 0; i < 10; i++)
            {
                if (b[i] != 0)
                    return false;
            }
            return b[10] == 0xFF && b[11] == 0xFF;
        }

        private static string FormatIpv4(byte[] b, int offset)
        {
            return String.Format(CultureInfo.InvariantCulture, "{0}.{1}.{2}.{3}", b[offset], b[offset + 1], b[offset + 2], b[offset + 3]);
        }

        // RFC 5952, as Python's ipaddress writes it (IPAddress.ToString writes ::10.1.2.3 for ::a01:203).
        private static string FormatIpv6(byte[] b)
        {
            int[] words = new int[8];
            for (int i = 0; i < 8; i++)
                words[i] = (b[2 * i] << 8) | b[2 * i + 1];
            int bestStart = -1, bestLength = 0;
            for (int i = 0; i < 8; )
            {
                int j = i;
                while (j < 8 && words[j] == 0)
                    j++;
                if (j - i > bestLength && j - i > 1)
                {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j == i ? i + 1 : j;
            }
            List<string> parts = new List<string>();
            for (int i = 0; i < 8; i++)
            {
                if (i == bestStart)
                {
                    parts.Add(i == 0 ? ":" : "");
                    if (i + bestLength == 8)
                        parts.Add("");
                    i += bestLength - 1;
                    continue;
                }
                parts.Add(words[i].ToString("x", CultureInfo.InvariantCulture));
            }
            return String.Join(":", parts.ToArray());
        }

        /// <summary>The form the API wants for a client filter: one leading \\, IPv6 in brackets.</summary>
        public static string ToApiFilter(string name)
        {
            string text = Normalize(name);
            if (text == null)
                return null;
            int percent = text.IndexOf('%');
            string address = percent >= 0 ? text.Substring(0, percent) : text;
            if (address.Contains(":"))
                text = "[" + text + "]";
            return "\\\\" + text;
        }

        internal static string Key(string name)
        {
            string text = Normalize(name);
            return text == null ? null : text.TrimEnd('.').ToLowerInvariant();
        }

        /// <summary>Key without the IPv6 %zone: groups the spellings Matches may call one client.</summary>
        internal static string ZonelessKey(string name)
        {
            string key = Key(name);
            if (key == null)
                return null;
            int percent = key.IndexOf('%');
            return percent >= 0 ? key.Substring(0, percent) : key;
        }

        /// <summary>False for a session the server reports without a client name (NULL or empty).</summary>
        public static bool HasName(string name)
        {
            return !String.IsNullOrEmpty(Normalize(name));
        }

        /// <summary>True when client (a session's client) is what selector names: case-insensitive on
        /// the normalised form, a trailing dot and a missing IPv6 %zone on either side ignored; a
        /// selector in CIDR form matches every address in its network. A NULL or empty name matches
        /// nothing. Throws ArgumentException for a malformed CIDR selector.</summary>
        public static bool Matches(string client, string selector)
        {
            if (client == null || selector == null)
                return false;
            ClientNetwork network = ParseNetwork(selector);
            if (network != null)
                return network.Contains(client);
            string a = Key(client), b = Key(selector);
            if (String.IsNullOrEmpty(a) || String.IsNullOrEmpty(b))
                return false;
            return a == b || SameAddressIgnoringZone(a, b);
        }

        // fe80::1%3 and fe80::1 are one client; fe80::1%3 and fe80::1%4 are not.
        private static bool SameAddressIgnoringZone(string a, string b)
        {
            int pa = a.IndexOf('%'), pb = b.IndexOf('%');
            if ((pa >= 0) == (pb >= 0))
                return false;
            string addressA = pa >= 0 ? a.Substring(0, pa) : a;
            string addressB = pb >= 0 ? b.Substring(0, pb) : b;
            if (addressA != addressB)
                return false;
            byte[] bytes = ParseAddress(addressA);
            return bytes != null && bytes.Length == 16;
        }

        public static bool IsIpLiteral(string name)
        {
            string text = Normalize(name);
            if (text == null)
                return false;
            int percent = text.IndexOf('%');
            return ParseAddress(percent >= 0 ? text.Substring(0, percent) : text) != null;
        }

        /// <summary>True when the selector is in CIDR form (it contains "/"); say so before DNS.</summary>
        public static bool IsNetwork(string selector)
        {
            return selector != null && selector.Contains("/");
        }

        private sealed class CachedNetwork
        {
            public string Selector;
            public ClientNetwork Network;
        }

        // Matches parses the same selector for every session: keep the last one (one reference, so
        // a reader never sees half of an update).
        private static CachedNetwork lastNetwork;

        /// <summary>The network of a selector in CIDR form, or null when it is not one. Host bits are
        /// ignored (10.1.2.3/16 is 10.1.0.0/16). Throws ArgumentException with a message naming the
        /// selector and the right form when it is malformed.</summary>
        public static ClientNetwork ParseNetwork(string selector)
        {
            if (!IsNetwork(selector))
                return null;
            CachedNetwork cached = lastNetwork;
            if (cached != null && cached.Selector == selector)
                return cached.Network;
            string text = selector.Trim().TrimStart('\\');
            if (text.Length > 1 && text.StartsWith("[") && text.EndsWith("]"))
                text = text.Substring(1, text.Length - 2);
            int slash = text.IndexOf('/');
            string address = text.Substring(0, slash);
            string prefix = text.Substring(slash + 1);
            if (address.Length > 1 && address.StartsWith("[") && address.EndsWith("]"))
                address = address.Substring(1, address.Length - 2);
            string problem = null;
            byte[] bytes = null;
            if (prefix.Contains("/"))
                problem = "it has more than one \"/\"";
            else if (prefix.Length == 0 || prefix.Length > 3 || !IsAsciiDigits(prefix))
                problem = "the prefix length '" + prefix + "' is not a number";
            else if (address.Contains("%"))
                problem = "a network has no %zone";
            else
            {
                bytes = ParseAddress(address);
                if (bytes == null)
                    problem = "'" + address + "' is not an IP address (a network is never resolved by DNS)";
            }
            int length = problem == null ? Int32.Parse(prefix, CultureInfo.InvariantCulture) : 0;
            if (problem == null && length > bytes.Length * 8)
                problem = String.Format(CultureInfo.InvariantCulture, "the prefix length {0} is more than {1}", prefix, bytes.Length * 8);
            if (problem != null)
                throw new ArgumentException("'" + selector + "' is not a valid network: " + problem + "; write a network " +
                    "as address/prefix length, for example 10.1.0.0/16 or fd00::/8 (prefix length 0-32 for IPv4, 0-128 for IPv6).");
            CachedNetwork parsed = new CachedNetwork();
            parsed.Selector = selector;
            parsed.Network = new ClientNetwork(bytes, length);
            lastNetwork = parsed;
            return parsed.Network;
        }

        private static bool IsAsciiDigits(string text)
        {
            foreach (char c in text)
            {
                if (c < '0' || c > '9')
                    return false;
            }
            return true;
        }

        /// <summary>Throws ArgumentException naming the option when a selector in CIDR form is malformed.</summary>
        public static void ValidateSelectors(string option, string[] selectors)
        {
            if (selectors == null)
                return;
            foreach (string selector in selectors)
            {
                try
                {
                    ParseNetwork(selector);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException(option + " " + e.Message);
                }
            }
        }

        internal static string FormatAddress(byte[] bytes)
        {
            return bytes.Length == 4 ? FormatIpv4(bytes, 0) : FormatIpv6(bytes);
        }
    }

    /// <summary>A client selector in CIDR form (10.1.0.0/16, fd00::/8).</summary>
    public sealed class ClientNetwork
    {
        private readonly byte[] _network;
        private readonly int _prefixLength;

        internal ClientNetwork(byte[] address, int prefixLength)
        {
            _network = (byte[])address.Clone();
            _prefixLength = prefixLength;
            for (int bit = prefixLength; bit < _network.Length * 8; bit++)
                _network[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        public int PrefixLength { get { return _prefixLength; } }

        public override string ToString()
        {
            return ClientName.FormatAddress(_network) + "/" + _prefixLength.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>True when the client is an address in this network (a %zone is ignored; an IPv4
        /// client is also looked up as ::ffff:a.b.c.d). A host name is never in a network.</summary>
        public bool Contains(string client)
        {
            string text = ClientName.Normalize(client);
            if (String.IsNullOrEmpty(text))
                return false;
            int percent = text.IndexOf('%');
            byte[] bytes = ClientName.ParseAddress(percent >= 0 ? text.Substring(0, percent) : text);
            if (bytes == null)
                return false;
            if (bytes.Length == 4 && _network.Length == 16)
                bytes = new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, bytes[0], bytes[1], bytes[2], bytes[3] };
            if (bytes.Length != _network.Length)
                return false;
            for (int bit = 0; bit < _prefixLength; bit++)
            {
                int mask = 0x80 >> (bit % 8);
                if ((bytes[bit / 8] & mask) != (_network[bit / 8] & mask))
                    return false;
            }
            return true;
        }
    }

    public static class AccountName
    {
        /// <summary>DOMAIN\user and user@domain -> user: sessions report names without a domain.</summary>
        public static string AccountPart(string name)
        {
            if (name == null)
                return null;
            string text = name.Trim();
            int slash = text.LastIndexOf('\\');
            if (slash >= 0)
                return text.Substring(slash + 1);
            int at = text.IndexOf('@');
            if (at >= 0)
                return text.Substring(0, at);
            return text;
        }

        /// <summary>Case-insensitive on the account part. A selector that names ANONYMOUS LOGON names
        /// every null session (so exclude_username can protect them); an empty selector names nobody.</summary>
        public static bool Matches(string sessionUser, string selector)
        {
            if (sessionUser == null || selector == null || selector.Trim().Length == 0)
                return false;
            if (IsNullSession(selector))
                return IsNullSession(sessionUser);
            if (IsNullSession(sessionUser))
                return false;
            return String.Equals(AccountPart(sessionUser), AccountPart(selector), StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>"", NULL and ANONYMOUS LOGON (any case, with or without NT AUTHORITY\).</summary>
        public static bool IsNullSession(string name)
        {
            if (name == null)
                return true;
            string text = name.Trim();
            return text.Length == 0 || text.Equals("ANONYMOUS LOGON", StringComparison.OrdinalIgnoreCase) ||
                text.Equals("NT AUTHORITY\\ANONYMOUS LOGON", StringComparison.OrdinalIgnoreCase);
        }

        public static bool IsMachineAccount(string name)
        {
            return !IsNullSession(name) && name.EndsWith("$", StringComparison.Ordinal);
        }
    }

    public enum CloseOutcome
    {
        Closed,
        NotFound,
    }

    /// <summary>What a listing returned: the sessions, the level used and warnings for the user.</summary>
    public class SessionListing
    {
        public List<SessionInfo> Sessions = new List<SessionInfo>();
        public int Level;
        public List<string> Warnings = new List<string>();
    }

    /// <summary>Client selectors turned into what servers report (addresses), plus the names that
    /// resolved to nothing (the module warns, or fails for an exclusion).</summary>
    public class ClientResolution
    {
        public List<string> Selectors = new List<string>();
        public List<string> Unresolved = new List<string>();

        public static string UnresolvedExcludeMessage(string name)
        {
            return String.Format("exclude_client '{0}' does not resolve to any address, so it would protect nothing; " +
                "fix the name or give its IP address.", name);
        }

        public static string UnresolvedClientWarning(string name)
        {
            return String.Format("client '{0}' does not resolve; matching it only as a name the server might report", name);
        }

        /// <summary>What the close module fails with when these are its exclude_client entries.</summary>
        public List<string> ExclusionErrors()
        {
            return Unresolved.ConvertAll(delegate(string name) { return UnresolvedExcludeMessage(name); });
        }

        /// <summary>What a module warns when these are its client entries.</summary>
        public List<string> SelectorWarnings()
        {
            return Unresolved.ConvertAll(delegate(string name) { return UnresolvedClientWarning(name); });
        }
    }

    public static class NetSessionApi
    {
        private static readonly int[] Levels = new int[] { 0, 1, 2, 10, 502 };
        private static readonly int[] LevelPreference = new int[] { 502, 2, 1 };

        public const string Level10Warning = "Access to level 502 was denied; listed at level 10 (user-info right only): " +
            "num_opens, user_flags, client_type and transport are null.";

        public static bool IsSupportedLevel(int level)
        {
            return Array.IndexOf(Levels, level) >= 0;
        }

        /// <summary>The text of an exception a module caught: PowerShell wraps an exception thrown by a
        /// .NET method in MethodInvocationException; the innermost one says what went wrong.</summary>
        public static string ErrorText(Exception error)
        {
            Exception inner = error;
            while (inner.InnerException != null)
                inner = inner.InnerException;
            return inner.Message;
        }

        /// <summary>The server name netapi32 gets: NULL for the host itself (no network path, no double hop).</summary>
        internal static string ApiServer(string server)
        {
            return IsLocalServer(server) ? null : server.Trim();
        }

        private static NetSessionException Error(int status, string operation, string apiServer)
        {
            return new NetSessionException(status, operation, apiServer, apiServer != null);
        }

        public static List<SessionInfo> Enumerate(string server, string client, string user, int level)
        {
            return Enumerate(server, client, user, level, unchecked((int)NetApiStatus.MaxPreferredLength));
        }

        /// <summary>Every session, following ERROR_MORE_DATA; filters are also applied locally.</summary>
        public static List<SessionInfo> Enumerate(string server, string client, string user, int level, int prefMaxLen)
        {
            string apiServer = ApiServer(server);
            if (!IsSupportedLevel(level))
                throw Error(NetApiStatus.InvalidLevel, "NetSessionEnum", apiServer);
            if (level == 0 && !String.IsNullOrEmpty(user))
                return ProjectToLevel0(EnumerateWithUserNames(apiServer, client, user, prefMaxLen));
            return EnumerateAt(apiServer, client, user, level, prefMaxLen);
        }

        private static List<SessionInfo> EnumerateAt(string apiServer, string client, string user, int level, int prefMaxLen)
        {
            string apiClient = String.IsNullOrEmpty(client) ? null : ClientName.ToApiFilter(client);
            string apiUser = String.IsNullOrEmpty(user) ? null : AccountName.AccountPart(user);
            List<SessionInfo> sessions;
            try
            {
                sessions = EnumeratePages(apiServer, apiClient, apiUser, level, unchecked((uint)prefMaxLen));
            }
            catch (NetSessionException e)
            {
                // A filter that matches nothing is an empty answer, not a failure.
                if ((apiClient != null || apiUser != null) &&
                    (e.Status == NetApiStatus.ClientNameNotFound || e.Status == NetApiStatus.UserNotFound))
                    return new List<SessionInfo>();
                throw;
            }
            return Filter(sessions, apiClient, apiUser);
        }

        /// <summary>Level 0 has no user name to filter on: list at level 10 (the same user-info right as
        /// level 0), or level 1 where 10 is not served (Samba), and filter there.</summary>
        private static List<SessionInfo> EnumerateWithUserNames(string apiServer, string client, string user, int prefMaxLen)
        {
            try
            {
                return EnumerateAt(apiServer, client, user, 10, prefMaxLen);
            }
            catch (NetSessionException e)
            {
                if (e.Status != NetApiStatus.InvalidLevel)
                    throw;
            }
            try
            {
                return EnumerateAt(apiServer, client, user, 1, prefMaxLen);
            }
            catch (NetSessionException e)
            {
                if (e.Status != NetApiStatus.InvalidLevel)
                    throw;
                throw new NetSessionException(e.Status, "NetSessionEnum at levels 10 and 1", apiServer, apiServer != null,
                    "Level 0 carries no user name, so a username filter needs level 10 or 1 and the server serves " +
                    "neither: use level 1 or drop the username filter.");
            }
        }

        private static List<SessionInfo> ProjectToLevel0(List<SessionInfo> sessions)
        {
            return sessions.ConvertAll(delegate(SessionInfo s)
            {
                SessionInfo p = new SessionInfo();
                p.RawClient = s.RawClient;
                p.Client = s.Client;
                p.Level = 0;
                return p;
            });
        }

        private static List<SessionInfo> Filter(List<SessionInfo> sessions, string client, string user)
        {
            List<SessionInfo> result = new List<SessionInfo>();
            foreach (SessionInfo s in sessions)
            {
                if (client != null && !ClientName.Matches(s.Client, client))
                    continue;
                if (user != null && s.UserName != null && !AccountName.Matches(s.UserName, user))
                    continue;
                result.Add(s);
            }
            return result;
        }

        private static List<SessionInfo> EnumeratePages(string server, string client, string user, int level, uint prefMaxLen)
        {
            // After an error mid-way the resume handle is invalid: start over once from 0,
            // dropping the partial list, so a transient failure never yields a half list.
            try
            {
                return EnumerateOnce(server, client, user, level, prefMaxLen);
            }
            catch (PartialEnumerationException)
            {
                try
                {
                    return EnumerateOnce(server, client, user, level, prefMaxLen);
                }
                catch (PartialEnumerationException e)
                {
                    throw e.Inner;
                }
            }
        }

        private class PartialEnumerationException : Exception
        {
            public readonly NetSessionException Inner;
            public PartialEnumerationException(NetSessionException inner) : base(inner.Message, inner) { Inner = inner; }
        }

        private static List<SessionInfo> EnumerateOnce(string server, string client, string user, int level, uint prefMaxLen)
        {
            List<SessionInfo> sessions = new List<SessionInfo>();
            UInt32 resume = 0;
            uint bufferSize = prefMaxLen == 0 ? 1 : prefMaxLen;
            int page = 0;
            int emptyPages = 0;
            while (true)
            {
                SafeNetApiBuffer buffer;
                UInt32 read, total;
                UInt32 status = NativeMethods.NetSessionEnum(server, client, user, (UInt32)level, out buffer,
                    bufferSize, out read, out total, ref resume);
                using (buffer)
                {
                    if (status != NetApiStatus.Success && status != NetApiStatus.MoreData)
                    {
                        NetSessionException error = Error((int)status, "NetSessionEnum", server);
                        if (page > 0)
                            throw new PartialEnumerationException(error);
                        throw error;
                    }
                    if (read > 0 && !buffer.IsInvalid)
                        ReadEntries(buffer.DangerousGetHandle(), read, level, sessions);
                }
                page++;
                if (status == NetApiStatus.Success)
                    return sessions;
                if (read == 0)
                {
                    // More data but nothing fitted: grow the buffer, and stop if even the
                    // largest buffer brings nothing (a server that would loop forever).
                    emptyPages++;
                    if (bufferSize == NetApiStatus.MaxPreferredLength || emptyPages > 40)
                        throw Error(NetApiStatus.MoreData, "NetSessionEnum (no progress)", server);
                    bufferSize = bufferSize >= 0x7FFFFFFF ? NetApiStatus.MaxPreferredLength : bufferSize * 2;
                    continue;
                }
                emptyPages = 0;
            }
        }

        private static void ReadEntries(IntPtr buffer, uint count, int level, List<SessionInfo> sessions)
        {
            Type type = StructType(level);
            int size = Marshal.SizeOf(type);
            for (uint i = 0; i < count; i++)
            {
                IntPtr entry = IntPtr.Add(buffer, (int)(i * size));
                sessions.Add(FromStruct(Marshal.PtrToStructure(entry, type), level));
            }
        }

        private static Type StructType(int level)
        {
            switch (level)
            {
                case 0: return typeof(NativeHelpers.SESSION_INFO_0);
                case 1: return typeof(NativeHelpers.SESSION_INFO_1);
                case 2: return typeof(NativeHelpers.SESSION_INFO_2);
                case 10: return typeof(NativeHelpers.SESSION_INFO_10);
                default: return typeof(NativeHelpers.SESSION_INFO_502);
            }
        }

        private static string Str(IntPtr p)
        {
            return p == IntPtr.Zero ? null : Marshal.PtrToStringUni(p);
        }

        private static SessionInfo FromStruct(object raw, int level)
        {
            SessionInfo s = new SessionInfo();
            s.Level = level;
            switch (level)
            {
                case 0:
                    s.RawClient = Str(((NativeHelpers.SESSION_INFO_0)raw).sesi0_cname);
                    break;
                case 1:
                    NativeHelpers.SESSION_INFO_1 i1 = (NativeHelpers.SESSION_INFO_1)raw;
                    s.RawClient = Str(i1.sesi1_cname);
                    s.UserName = Str(i1.sesi1_username) ?? "";
                    s.NumOpens = (int)i1.sesi1_num_opens;
                    s.ActiveSeconds = SessionInfo.Seconds(i1.sesi1_time);
                    s.IdleSeconds = SessionInfo.Seconds(i1.sesi1_idle_time);
                    s.SetFlags(i1.sesi1_user_flags);
                    break;
                case 2:
                    NativeHelpers.SESSION_INFO_2 i2 = (NativeHelpers.SESSION_INFO_2)raw;
                    s.RawClient = Str(i2.sesi2_cname);
                    s.UserName = Str(i2.sesi2_username) ?? "";
                    s.NumOpens = (int)i2.sesi2_num_opens;
                    s.ActiveSeconds = SessionInfo.Seconds(i2.sesi2_time);
                    s.IdleSeconds = SessionInfo.Seconds(i2.sesi2_idle_time);
                    s.SetFlags(i2.sesi2_user_flags);
                    s.ClientType = Str(i2.sesi2_cltype_name);
                    break;
                case 10:
                    NativeHelpers.SESSION_INFO_10 i10 = (NativeHelpers.SESSION_INFO_10)raw;
                    s.RawClient = Str(i10.sesi10_cname);
                    s.UserName = Str(i10.sesi10_username) ?? "";
                    s.ActiveSeconds = SessionInfo.Seconds(i10.sesi10_time);
                    s.IdleSeconds = SessionInfo.Seconds(i10.sesi10_idle_time);
                    break;
                default:
                    NativeHelpers.SESSION_INFO_502 i502 = (NativeHelpers.SESSION_INFO_502)raw;
                    s.RawClient = Str(i502.sesi502_cname);
                    s.UserName = Str(i502.sesi502_username) ?? "";
                    s.NumOpens = (int)i502.sesi502_num_opens;
                    s.ActiveSeconds = SessionInfo.Seconds(i502.sesi502_time);
                    s.IdleSeconds = SessionInfo.Seconds(i502.sesi502_idle_time);
                    s.SetFlags(i502.sesi502_user_flags);
                    s.ClientType = Str(i502.sesi502_cltype_name);
                    s.Transport = Str(i502.sesi502_transport);
                    break;
            }
            s.Client = ClientName.Normalize(s.RawClient ?? "");
            return s;
        }

        /// <summary>The richest level the server serves (502, 2, then 1), falling back only on 124;
        /// when 502 is denied (5), level 10, which needs only the user-info right.</summary>
        public static List<SessionInfo> EnumerateBest(string server, string client, string user, int minimumLevel,
            out int levelUsed)
        {
            for (int i = 0; i < LevelPreference.Length; i++)
            {
                int level = LevelPreference[i];
                try
                {
                    List<SessionInfo> result = Enumerate(server, client, user, level);
                    levelUsed = level;
                    return result;
                }
                catch (NetSessionException e)
                {
                    if (level == 502 && e.Status == NetApiStatus.AccessDenied)
                    {
                        List<SessionInfo> result;
                        try
                        {
                            result = Enumerate(server, client, user, 10);
                        }
                        catch (NetSessionException)
                        {
                            throw e;   // the 502 denial is what the user must fix
                        }
                        levelUsed = 10;
                        return result;
                    }
                    bool last = i == LevelPreference.Length - 1;
                    if (e.Status != NetApiStatus.InvalidLevel || (last && minimumLevel > 0))
                        throw;
                }
            }
            levelUsed = 0;
            return Enumerate(server, client, user, 0);
        }

        /// <summary>What the modules call: sessions matching any of the clients and any of the
        /// users (empty = all). A filter goes to the API only when it is one IPv4 client or one
        /// user; everything is filtered again here (Samba ignores filters). level -1 = the
        /// richest level the server serves, never below minimumLevel. Level 0 with a user filter
        /// is listed at level 10 (or 1) and projected to level 0.</summary>
        public static SessionListing ListSessions(string server, string[] clients, string[] usernames, int level,
            int minimumLevel)
        {
            string apiClient = null, apiUser = null;
            if (clients != null && clients.Length == 1 && ClientName.IsIpLiteral(clients[0]) &&
                !ClientName.Normalize(clients[0]).Contains(":"))
                apiClient = clients[0];
            if (usernames != null && usernames.Length == 1)
                apiUser = usernames[0];
            bool byUser = usernames != null && usernames.Length > 0;
            SessionListing listing = new SessionListing();
            List<SessionInfo> found;
            if (level < 0)
            {
                found = EnumerateBest(server, apiClient, apiUser, minimumLevel, out listing.Level);
                if (listing.Level == 10)
                    listing.Warnings.Add(Level10Warning);
            }
            else if (level == 0 && byUser)
            {
                string apiServer = ApiServer(server);
                found = EnumerateWithUserNames(apiServer, apiClient, apiUser, unchecked((int)NetApiStatus.MaxPreferredLength));
                listing.Level = 0;
            }
            else
            {
                found = Enumerate(server, apiClient, apiUser, level);
                listing.Level = level;
            }
            foreach (SessionInfo s in found)
            {
                if (MatchesAny(s, clients, usernames))
                    listing.Sessions.Add(s);
            }
            if (listing.Level == 0 && byUser)
                listing.Sessions = ProjectToLevel0(listing.Sessions);
            return listing;
        }

        public static List<SessionInfo> List(string server, string[] clients, string[] usernames, int level,
            int minimumLevel, out int levelUsed)
        {
            SessionListing listing = ListSessions(server, clients, usernames, level, minimumLevel);
            levelUsed = listing.Level;
            return listing.Sessions;
        }

        private static bool MatchesAny(SessionInfo s, string[] clients, string[] usernames)
        {
            bool clientOk = clients == null || clients.Length == 0;
            if (!clientOk)
            {
                foreach (string c in clients)
                    clientOk = clientOk || ClientName.Matches(s.Client, c);
            }
            bool userOk = usernames == null || usernames.Length == 0;
            if (!userOk)
            {
                foreach (string u in usernames)
                    userOk = userOk || AccountName.Matches(s.UserName, u);
            }
            return clientOk && userOk;
        }

        /// <summary>One session of a (client, user) pair, or null when there is none.
        /// NetSessionGetInfo has no level 502; for 502 this enumerates filtered by client and
        /// user, which is what netapi32 itself does on the wire for every level.</summary>
        public static SessionInfo GetInfo(string server, string client, string user, int level)
        {
            if (String.IsNullOrEmpty(client) || String.IsNullOrEmpty(user))
                throw new ArgumentException("NetSessionGetInfo needs both a client and a user name");
            if (level == 502)
            {
                List<SessionInfo> found = Enumerate(server, client, user, 502);
                return found.Count > 0 ? found[0] : null;
            }
            string apiServer = ApiServer(server);
            if (!IsSupportedLevel(level))
                throw Error(NetApiStatus.InvalidLevel, "NetSessionGetInfo", apiServer);
            SafeNetApiBuffer buffer;
            UInt32 status = NativeMethods.NetSessionGetInfo(apiServer, ClientName.ToApiFilter(client),
                AccountName.AccountPart(user), (UInt32)level, out buffer);
            using (buffer)
            {
                if (status == NetApiStatus.ClientNameNotFound || status == NetApiStatus.UserNotFound)
                    return null;
                if (status != NetApiStatus.Success)
                    throw Error((int)status, "NetSessionGetInfo", apiServer);
                if (buffer.IsInvalid)
                    return null;
                List<SessionInfo> one = new List<SessionInfo>();
                ReadEntries(buffer.DangerousGetHandle(), 1, level, one);
                return one[0];
            }
        }

        /// <summary>Closes every session of (client, user); user null = every session of the client,
        /// client null = every session of the user. The user goes out as its account part, like
        /// every other call (sessions carry no domain).</summary>
        public static CloseOutcome Close(string server, string rawClient, string user)
        {
            if (String.IsNullOrEmpty(rawClient) && String.IsNullOrEmpty(user))
                throw new ArgumentException("Refusing NetSessionDel with neither client nor user: that closes every session");
            // The server's own spelling of the client, with the \\ the API requires.
            string client = String.IsNullOrEmpty(rawClient) ? null :
                (rawClient.StartsWith("\\\\", StringComparison.Ordinal) ? rawClient : "\\\\" + rawClient);
            string apiUser = String.IsNullOrEmpty(user) ? null : AccountName.AccountPart(user);
            string apiServer = ApiServer(server);
            UInt32 status = NativeMethods.NetSessionDel(apiServer, client, apiUser);
            if (status == NetApiStatus.Success)
                return CloseOutcome.Closed;
            if (status == NetApiStatus.ClientNameNotFound || status == NetApiStatus.UserNotFound)
                return CloseOutcome.NotFound;
            throw Error((int)status, "NetSessionDel", apiServer);
        }

        /// <summary>Whether server names this host: unset, "", ".", localhost(.), a loopback address,
        /// the machine name, the host's FQDN (with or without the root dot) or one of its addresses.</summary>
        public static bool IsLocalServer(string server)
        {
            if (server == null)
                return true;
            string name = server.Trim().TrimStart('\\');
            if (name.Length == 0 || name == ".")
                return true;
            if (ClientName.IsIpLiteral(name))
            {
                IPAddress ip;
                string address = ClientName.Normalize(name);
                int percent = address.IndexOf('%');
                if (IPAddress.TryParse(percent >= 0 ? address.Substring(0, percent) : address, out ip) && IPAddress.IsLoopback(ip))
                    return true;
                foreach (string own in LocalAddresses())
                {
                    if (ClientName.Matches(own, address))
                        return true;
                }
                return false;
            }
            // One root dot is the same name ("localhost.", "fs01.corp.example.").
            if (name.EndsWith(".", StringComparison.Ordinal))
                name = name.Substring(0, name.Length - 1);
            foreach (string own in LocalNames())
            {
                if (name.Equals(own, StringComparison.OrdinalIgnoreCase))
                    return true;
            }
            return false;
        }

        // Every call asks IsLocalServer: look the host's own names and addresses up once per process.
        private static string[] localNames, localAddresses;

        /// <summary>The names this host answers to: localhost, the NetBIOS/host name and the FQDN.</summary>
        public static string[] LocalNames()
        {
            if (localNames == null)
                localNames = FindLocalNames();
            return (string[])localNames.Clone();
        }

        private static string[] FindLocalNames()
        {
            List<string> names = new List<string>();
            names.Add("localhost");
            names.Add(Environment.MachineName);
            try
            {
                IPGlobalProperties props = IPGlobalProperties.GetIPGlobalProperties();
                names.Add(props.HostName);
                if (!String.IsNullOrEmpty(props.DomainName))
                    names.Add(props.HostName + "." + props.DomainName.TrimEnd('.'));
            }
            catch (NetworkInformationException) { }
            try
            {
                names.Add(Dns.GetHostName());
                names.Add(Dns.GetHostEntry(Dns.GetHostName()).HostName.TrimEnd('.'));
            }
            catch (SocketException) { }
            return names.FindAll(delegate(string n) { return !String.IsNullOrEmpty(n); }).ToArray();
        }

        private static bool IsNetwork(string text)
        {
            int slash = text.LastIndexOf('/');
            if (slash <= 0 || slash == text.Length - 1)
                return false;
            int bits;
            if (!Int32.TryParse(text.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out bits))
                return false;
            string address = text.Substring(0, slash);
            IPAddress ip;
            if (!ClientName.IsIpLiteral(address) || !IPAddress.TryParse(address, out ip))
                return false;
            return bits <= (ip.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32);
        }

        /// <summary>A client selector plus the addresses it resolves to (servers report addresses).
        /// resolved is false when a host name resolves to no address: the caller decides whether
        /// that is a warning (client) or a failure (exclude_client). An IP literal or a network in
        /// CIDR form (10.1.0.0/16) is returned unchanged and never looked up.</summary>
        public static string[] ResolveClient(string nameOrAddress, out bool resolved)
        {
            List<string> result = new List<string>();
            resolved = true;
            if (String.IsNullOrEmpty(nameOrAddress) || nameOrAddress.Trim().Length == 0)
                return result.ToArray();
            if (IsNetwork(nameOrAddress.Trim()))
            {
                result.Add(nameOrAddress.Trim());
                return result.ToArray();
            }
            result.Add(ClientName.Normalize(nameOrAddress));
            if (ClientName.IsIpLiteral(nameOrAddress))
                return result.ToArray();
            resolved = false;
            try
            {
                foreach (IPAddress ip in Dns.GetHostAddresses(ClientName.Normalize(nameOrAddress).TrimEnd('.')))
                {
                    resolved = true;
                    string address = ClientName.Normalize(ip.ToString());
                    if (!result.Contains(address))
                        result.Add(address);
                }
            }
            catch (SocketException) { }
            catch (ArgumentException) { }
            return result.ToArray();
        }

        /// <summary>ResolveClient over a module's list option; empty entries are ignored.</summary>
        public static ClientResolution ResolveClients(string[] names)
        {
            ClientResolution resolution = new ClientResolution();
            if (names == null)
                return resolution;
            foreach (string name in names)
            {
                bool resolved;
                foreach (string selector in ResolveClient(name, out resolved))
                {
                    if (!resolution.Selectors.Contains(selector))
                        resolution.Selectors.Add(selector);
                }
                if (!resolved)
                    resolution.Unresolved.Add(name);
            }
            return resolution;
        }

        /// <summary>This computer's addresses: where its own session to a remote server comes from.</summary>
        public static string[] LocalAddresses()
        {
            if (localAddresses == null)
                localAddresses = FindLocalAddresses();
            return (string[])localAddresses.Clone();
        }

        private static string[] FindLocalAddresses()
        {
            List<string> result = new List<string>();
            try
            {
                foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
                {
                    foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
                    {
                        string address = ClientName.Normalize(unicast.Address.ToString());
                        if (!result.Contains(address))
                            result.Add(address);
                    }
                }
            }
            catch (NetworkInformationException) { }
            try
            {
                foreach (IPAddress ip in Dns.GetHostAddresses(Dns.GetHostName()))
                {
                    string address = ClientName.Normalize(ip.ToString());
                    if (!result.Contains(address))
                        result.Add(address);
                }
            }
            catch (SocketException) { }
            foreach (string loopback in new string[] { "127.0.0.1", "::1" })
            {
                if (!result.Contains(loopback))
                    result.Add(loopback);
            }
            return result.ToArray();
        }
    }

    public class CloseSelection
    {
        public string[] Clients;
        public string[] Usernames;
        public string[] ExcludeClients;
        public string[] ExcludeUsernames;
        public string[] OwnClients;
        public long? MinIdleSeconds;
        public bool All;
        public string OwnUsername;
    }

    public class CloseTarget
    {
        public string Client;
        public string RawClient;
        public string UserName;
        public List<SessionInfo> Sessions = new List<SessionInfo>();

        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> result = new Dictionary<string, object>();
            result.Add("client", Client);
            result.Add("username", UserName);
            return result;
        }
    }

    public class SkippedSession
    {
        public SessionInfo Session;
        public string Reason;

        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> result = Session.ToResult();
            result.Add("reason", Reason);
            return result;
        }
    }

    public class ClosePlan
    {
        public List<CloseTarget> Targets = new List<CloseTarget>();
        public List<SkippedSession> Skipped = new List<SkippedSession>();
        public List<SessionInfo> Candidates = new List<SessionInfo>();
    }

    public class CloseSelectionException : ArgumentException
    {
        private readonly string _code;

        public CloseSelectionException(string code, string message) : base(message)
        {
            _code = code;
        }

        public string Code { get { return _code; } }
    }

    /// <summary>Which NetSessionDel calls to make; the rules are in docs/developer/contract.md.</summary>
    public static class ClosePlanner
    {
        private static bool AnyClient(SessionInfo s, string[] names)
        {
            if (names == null)
                return false;
            foreach (string n in names)
            {
                if (ClientName.Matches(s.Client, n))
                    return true;
            }
            return false;
        }

        private static bool AnyUser(SessionInfo s, string[] names)
        {
            if (names == null)
                return false;
            foreach (string n in names)
            {
                if (AccountName.Matches(s.UserName, n))
                    return true;
            }
            return false;
        }

        internal static Dictionary<SessionInfo, bool> ToSet(IEnumerable<SessionInfo> sessions)
        {
            Dictionary<SessionInfo, bool> set = new Dictionary<SessionInfo, bool>();
            foreach (SessionInfo s in sessions)
                set[s] = true;
            return set;
        }

        private static bool IsEmpty(string[] values)
        {
            return values == null || values.Length == 0;
        }

        private static bool IsCandidate(SessionInfo s, CloseSelection sel)
        {
            return (IsEmpty(sel.Clients) || AnyClient(s, sel.Clients)) &&
                (IsEmpty(sel.Usernames) || AnyUser(s, sel.Usernames));
        }

        private static string IndividualReason(SessionInfo s, CloseSelection sel)
        {
            // Neither name: the only call that could reach it, NetSessionDel(NULL, NULL), ends everything.
            if (!ClientName.HasName(s.Client) && AccountName.IsNullSession(s.UserName))
                return "no_client_name";
            // Unknown own user (e.g. Kerberos without a name): every session from our address may be ours.
            if (AnyClient(s, sel.OwnClients) &&
                (sel.OwnUsername == null || AccountName.Matches(s.UserName, sel.OwnUsername)))
                return "own_session";
            if (AnyClient(s, sel.ExcludeClients))
                return "excluded_client";
            if (AnyUser(s, sel.ExcludeUsernames))
                return "excluded_username";
            if (AccountName.IsMachineAccount(s.UserName) && !AnyUser(s, sel.Usernames))
                return "machine_account";
            if (sel.MinIdleSeconds.HasValue)
            {
                if (!s.IdleSeconds.HasValue)
                    return "idle_unknown";
                if (s.IdleSeconds.Value < sel.MinIdleSeconds.Value)
                    return "idle_below_threshold";
            }
            return null;
        }

        private static Dictionary<string, List<SessionInfo>> Group(IEnumerable<SessionInfo> sessions,
            Converter<SessionInfo, string> key)
        {
            Dictionary<string, List<SessionInfo>> groups = new Dictionary<string, List<SessionInfo>>();
            foreach (SessionInfo s in sessions)
            {
                string k = key(s);
                List<SessionInfo> list;
                if (!groups.TryGetValue(k, out list))
                {
                    list = new List<SessionInfo>();
                    groups[k] = list;
                }
                list.Add(s);
            }
            return groups;
        }

        // Every session of the group that is the same client as s (fe80::1 and fe80::1%3 are).
        private static bool AllSelected(IEnumerable<SessionInfo> group, SessionInfo sameClientAs,
            Dictionary<SessionInfo, bool> selected)
        {
            foreach (SessionInfo other in group)
            {
                if (sameClientAs != null && !ClientName.Matches(other.Client, sameClientAs.Client))
                    continue;
                if (!selected.ContainsKey(other))
                    return false;
            }
            return true;
        }

        private static string ZonelessPairKey(SessionInfo s)
        {
            return ClientName.ZonelessKey(s.Client) + "\n" + s.UserKey();
        }

        public static ClosePlan Plan(IList<SessionInfo> sessions, CloseSelection selection)
        {
            CloseSelection sel = selection;
            if (IsEmpty(sel.Clients) && IsEmpty(sel.Usernames) && !sel.All)
                throw new CloseSelectionException("no_selector",
                    "No sessions selected: give client and/or username, or set all=true to close every session " +
                    "(optionally limited by min_idle_seconds and the exclude options).");
            try
            {
                ClientName.ValidateSelectors("client", sel.Clients);
                ClientName.ValidateSelectors("exclude_client", sel.ExcludeClients);
            }
            catch (ArgumentException e)
            {
                throw new CloseSelectionException("bad_client_selector", e.Message);
            }

            ClosePlan plan = new ClosePlan();
            Dictionary<SessionInfo, string> reasons = new Dictionary<SessionInfo, string>();
            List<SessionInfo> selected = new List<SessionInfo>();
            foreach (SessionInfo s in sessions)
            {
                if (!IsCandidate(s, sel))
                    continue;
                plan.Candidates.Add(s);
                string reason = IndividualReason(s, sel);
                if (reason != null)
                    reasons[s] = reason;
                else
                    selected.Add(s);
            }
            Predicate<SessionInfo> notSkipped = delegate(SessionInfo s) { return !reasons.ContainsKey(s); };
            List<SessionInfo> named = new List<SessionInfo>(sessions).FindAll(
                delegate(SessionInfo s) { return ClientName.HasName(s.Client); });

            // A pair closes all of its sessions: close it only when every one of them is selected.
            // Spellings of one client (fe80::1 and fe80::1%3) count as one, whatever the server does.
            Dictionary<SessionInfo, bool> selectedSet = ToSet(selected);
            Dictionary<string, List<SessionInfo>> byPair = Group(
                named.FindAll(delegate(SessionInfo s) { return !AccountName.IsNullSession(s.UserName); }), ZonelessPairKey);
            foreach (SessionInfo s in selected)
            {
                if (AccountName.IsNullSession(s.UserName) || !ClientName.HasName(s.Client))
                    continue;
                if (!AllSelected(byPair[ZonelessPairKey(s)], s, selectedSet))
                    reasons[s] = "pair_has_unselected_session";
            }
            selected = selected.FindAll(notSkipped);
            selectedSet = ToSet(selected);

            // No client name: only NetSessionDel(NULL, user) reaches it, and that ends every session
            // of the user from every client: allowed only when all of them are selected.
            Dictionary<string, List<SessionInfo>> byUser = Group(
                new List<SessionInfo>(sessions).FindAll(delegate(SessionInfo s) { return !AccountName.IsNullSession(s.UserName); }),
                delegate(SessionInfo s) { return s.UserKey(); });
            Dictionary<string, bool> userWide = new Dictionary<string, bool>();
            foreach (SessionInfo s in selected)
            {
                if (ClientName.HasName(s.Client))
                    continue;
                if (AllSelected(byUser[s.UserKey()], null, selectedSet))
                    userWide[s.UserKey()] = true;
                else
                    reasons[s] = "no_client_name";
            }
            selected = selected.FindAll(notSkipped);
            selectedSet = ToSet(selected);

            // A null session can only go with a client-wide close, which takes every session of
            // that client: allowed only when all of them are selected and the client is not us.
            Dictionary<string, List<SessionInfo>> byClient = Group(named,
                delegate(SessionInfo s) { return ClientName.ZonelessKey(s.Client); });
            Dictionary<string, bool> clientWide = new Dictionary<string, bool>();
            foreach (SessionInfo s in selected)
            {
                if (!AccountName.IsNullSession(s.UserName))
                    continue;
                if (AnyClient(s, sel.OwnClients))
                    reasons[s] = "own_client";
                else if (AllSelected(byClient[ClientName.ZonelessKey(s.Client)], s, selectedSet))
                    clientWide[s.ClientKey()] = true;
                else
                    reasons[s] = "null_session_shares_client";
            }
            selected = selected.FindAll(notSkipped);

            // User-wide calls go first and take every session of their user, so each call's sessions
            // are exactly the sessions it ends (a later client-wide call ends what is left).
            Predicate<SessionInfo> inUserWide = delegate(SessionInfo s)
            {
                return !AccountName.IsNullSession(s.UserName) && userWide.ContainsKey(s.UserKey());
            };
            List<SessionInfo> ordered = selected.FindAll(inUserWide);
            ordered.AddRange(selected.FindAll(delegate(SessionInfo s) { return !inUserWide(s); }));
            Dictionary<string, CloseTarget> byKey = new Dictionary<string, CloseTarget>();
            foreach (SessionInfo s in ordered)
            {
                bool byUserName = inUserWide(s);
                bool wholeClient = !byUserName && clientWide.ContainsKey(s.ClientKey());
                // \0 is in no client or user name: the three kinds of call never share a key.
                string key = byUserName ? "\0\n" + s.UserKey() : wholeClient ? s.ClientKey() + "\n\0" : s.PairKey();
                CloseTarget target;
                if (!byKey.TryGetValue(key, out target))
                {
                    target = new CloseTarget();
                    target.Client = byUserName ? null : s.Client;
                    target.RawClient = byUserName ? null : s.RawClient;
                    target.UserName = wholeClient ? null : s.UserName;
                    byKey[key] = target;
                    plan.Targets.Add(target);
                }
                target.Sessions.Add(s);
            }
            foreach (SessionInfo s in sessions)
            {
                string reason;
                if (reasons.TryGetValue(s, out reason))
                {
                    SkippedSession skipped = new SkippedSession();
                    skipped.Session = s;
                    skipped.Reason = reason;
                    plan.Skipped.Add(skipped);
                }
            }
            return plan;
        }
    }

    /// <summary>The call a close run stopped at, with the error the server gave.</summary>
    public class FailedClose
    {
        public CloseTarget Call;
        public int Status;
        public string Message;

        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> result = new Dictionary<string, object>();
            result.Add("client", Call.Client);
            result.Add("username", Call.UserName);
            result.Add("status", Status);
            result.Add("message", Message);
            result.Add("sessions", Call.Sessions.ConvertAll(delegate(SessionInfo s) { return s.ToResult(); }));
            return result;
        }
    }

    public class CloseRun
    {
        public bool Changed;
        public List<SessionInfo> Closed = new List<SessionInfo>();
        public List<SessionInfo> Vanished = new List<SessionInfo>();
        public List<SkippedSession> Skipped = new List<SkippedSession>();
        public List<CloseTarget> Calls = new List<CloseTarget>();
        public List<SessionInfo> Candidates = new List<SessionInfo>();
        /// <summary>null when every call succeeded (or vanished).</summary>
        public FailedClose FailedCall;
        /// <summary>Planned calls not attempted because an earlier one failed.</summary>
        public List<CloseTarget> UntriedCalls = new List<CloseTarget>();

        private static List<Dictionary<string, object>> Results(List<SessionInfo> sessions)
        {
            return sessions.ConvertAll(delegate(SessionInfo s) { return s.ToResult(); });
        }

        /// <summary>Result keys of the close modules ('skipped' itself is reserved by Ansible).</summary>
        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> result = new Dictionary<string, object>();
            result.Add("changed", Changed);
            result.Add("closed_sessions", Results(Closed));
            result.Add("skipped_sessions", Skipped.ConvertAll(delegate(SkippedSession k) { return k.ToResult(); }));
            result.Add("vanished_sessions", Results(Vanished));
            result.Add("close_calls", Calls.ConvertAll(delegate(CloseTarget t) { return t.ToResult(); }));
            result.Add("failed_call", FailedCall == null ? null : FailedCall.ToResult());
            result.Add("untried_calls", UntriedCalls.ConvertAll(delegate(CloseTarget t)
            {
                Dictionary<string, object> call = t.ToResult();
                call["sessions"] = Results(t.Sessions);
                return call;
            }));
            return result;
        }

        /// <summary>The module's failure message (null when nothing failed): the call, the error and what
        /// the result still holds.</summary>
        public string FailureMessage()
        {
            if (FailedCall == null)
                return null;
            return String.Format(CultureInfo.InvariantCulture,
                "Closing the sessions of {0} failed: {1} {2} session(s) were closed before it; {3} planned call(s) " +
                "were not tried (see failed_call, closed_sessions and untried_calls).",
                Describe(FailedCall.Call), FailedCall.Message, Closed.Count, UntriedCalls.Count);
        }

        private static string Describe(CloseTarget call)
        {
            if (call.UserName == null)
                return "client '" + call.Client + "' (every user)";
            if (String.IsNullOrEmpty(call.Client))
                return "user '" + call.UserName + "' (every client)";
            return "user '" + call.UserName + "' from client '" + call.Client + "'";
        }

        private static Dictionary<string, object> DiffOf(IEnumerable<SessionInfo> sessions)
        {
            List<string> entries = new List<string>();
            foreach (SessionInfo s in sessions)
                entries.Add(s.DiffEntry());
            entries.Sort(StringComparer.Ordinal);
            Dictionary<string, object> diff = new Dictionary<string, object>();
            diff.Add("sessions", entries);
            return diff;
        }

        public Dictionary<string, object> DiffBefore()
        {
            return DiffOf(Candidates);
        }

        public Dictionary<string, object> DiffAfter()
        {
            Dictionary<SessionInfo, bool> gone = ClosePlanner.ToSet(Closed);
            foreach (SessionInfo s in Vanished)
                gone[s] = true;
            return DiffOf(Candidates.FindAll(delegate(SessionInfo s) { return !gone.ContainsKey(s); }));
        }
    }

    public static class CloseExecutor
    {
        /// <summary>Runs the plan and stops at the first call that fails; the run then carries
        /// FailedCall and UntriedCalls. Check mode calls nothing that changes state.</summary>
        public static CloseRun Run(string server, ClosePlan plan, IList<SessionInfo> allSessions, bool checkMode)
        {
            CloseRun run = new CloseRun();
            run.Skipped.AddRange(plan.Skipped);
            run.Candidates.AddRange(plan.Candidates);
            for (int i = 0; i < plan.Targets.Count; i++)
            {
                CloseTarget target = plan.Targets[i];
                run.Calls.Add(target);
                if (checkMode)
                {
                    run.Closed.AddRange(target.Sessions);
                    continue;
                }
                NetSessionException error = null;
                try
                {
                    if (NetSessionApi.Close(server, target.RawClient, target.UserName) == CloseOutcome.Closed)
                        run.Closed.AddRange(target.Sessions);
                    else
                        run.Vanished.AddRange(target.Sessions);   // gone since the listing: not an error
                }
                catch (NetSessionException e)
                {
                    error = e;
                }
                // Samba answers 5 when nothing matched: vanished only if no session of the target is left.
                if (error != null && error.Status == NetApiStatus.AccessDenied && !TargetRemains(server, target))
                {
                    run.Vanished.AddRange(target.Sessions);
                    error = null;
                }
                if (error != null)
                {
                    run.FailedCall = new FailedClose();
                    run.FailedCall.Call = target;
                    run.FailedCall.Status = error.Status;
                    run.FailedCall.Message = error.Message;
                    run.UntriedCalls.AddRange(plan.Targets.GetRange(i + 1, plan.Targets.Count - i - 1));
                    break;
                }
            }
            run.Changed = run.Closed.Count > 0;
            return run;
        }

        /// <summary>A fresh listing still shows a session the call would end (or the listing fails:
        /// then the 5 stays a denial).</summary>
        private static bool TargetRemains(string server, CloseTarget target)
        {
            int level = target.Sessions.Count > 0 && target.Sessions[0].Level > 0 ? target.Sessions[0].Level : 1;
            try
            {
                foreach (SessionInfo s in NetSessionApi.Enumerate(server, null, null, level))
                {
                    bool clientOk = String.IsNullOrEmpty(target.RawClient) || ClientName.Matches(s.Client, target.Client);
                    bool userOk = String.IsNullOrEmpty(target.UserName) || AccountName.Matches(s.UserName, target.UserName);
                    if (clientOk && userOk)
                        return true;
                }
                return false;
            }
            catch (NetSessionException)
            {
                return true;
            }
        }
    }
}
