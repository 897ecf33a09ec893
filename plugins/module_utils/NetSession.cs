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
using System.Net.Sockets;
using System.Runtime.ConstrainedExecution;
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

        [ReliabilityContract(Consistency.WillNotCorruptState, Cer.MayFail)]
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
        public const int LogonFailure = 1326;
        public const int NotAuthenticated = 1244;
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

        public NetSessionException(int status, string operation, string server)
            : base(status, BuildMessage(status, operation, server))
        {
            _operation = operation;
            _server = server;
        }

        public int Status { get { return NativeErrorCode; } }
        public string Operation { get { return _operation; } }
        public string Server { get { return _server; } }

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
                case NetApiStatus.UserNotFound: return "The user name was not found among the sessions.";
                case NetApiStatus.ClientNameNotFound: return "The client name was not found among the sessions.";
                case NetApiStatus.InvalidComputer: return "The server name is not valid.";
                default: return new Win32Exception(status).Message;
            }
        }

        private static string BuildMessage(int status, string operation, string server)
        {
            string where = String.IsNullOrEmpty(server) ? "the local computer" : server;
            string message = String.Format(CultureInfo.InvariantCulture, "{0} on {1} failed: {2} (status {3}, 0x{3:X8})",
                operation, where, Describe(status), status);
            bool authProblem = status == NetApiStatus.AccessDenied || status == NetApiStatus.LogonFailure ||
                status == NetApiStatus.NotAuthenticated;
            if (authProblem && !NetSessionApi.IsLocalServer(server))
            {
                message += " The server is not the target itself: over WinRM with NTLM or Basic authentication " +
                    "your credentials do not reach a second machine (the double hop). Use become, CredSSP or " +
                    "Kerberos delegation, or run the module on that server.";
            }
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

    public static class NetSessionApi
    {
        private static readonly int[] Levels = new int[] { 0, 1, 2, 10, 502 };
        private static readonly int[] LevelPreference = new int[] { 502, 2, 1 };

        public static bool IsSupportedLevel(int level)
        {
            return Array.IndexOf(Levels, level) >= 0;
        }

        public static List<SessionInfo> Enumerate(string server, string client, string user, int level)
        {
            return Enumerate(server, client, user, level, unchecked((int)NetApiStatus.MaxPreferredLength));
        }

        /// <summary>Every session, following ERROR_MORE_DATA; filters are also applied locally.</summary>
        public static List<SessionInfo> Enumerate(string server, string client, string user, int level, int prefMaxLen)
        {
            if (!IsSupportedLevel(level))
                throw new NetSessionException(NetApiStatus.InvalidLevel, "NetSessionEnum", server);
            string apiClient = String.IsNullOrEmpty(client) ? null : ClientName.ToApiFilter(client);
            string apiUser = String.IsNullOrEmpty(user) ? null : AccountName.AccountPart(user);
            List<SessionInfo> sessions;
            try
            {
                sessions = EnumeratePages(server, apiClient, apiUser, level, unchecked((uint)prefMaxLen));
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
                        NetSessionException error = new NetSessionException((int)status, "NetSessionEnum", server);
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
                        throw new NetSessionException(NetApiStatus.MoreData, "NetSessionEnum (no progress)", server);
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

        /// <summary>The richest level the server serves (502, 2, then 1), falling back only on 124.</summary>
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
        /// richest level the server serves, never below minimumLevel.</summary>
        public static List<SessionInfo> List(string server, string[] clients, string[] usernames, int level,
            int minimumLevel, out int levelUsed)
        {
            string apiClient = null, apiUser = null;
            if (clients != null && clients.Length == 1 && ClientName.IsIpLiteral(clients[0]) &&
                !ClientName.Normalize(clients[0]).Contains(":"))
                apiClient = clients[0];
            if (usernames != null && usernames.Length == 1)
                apiUser = usernames[0];
            List<SessionInfo> found;
            if (level < 0)
                found = EnumerateBest(server, apiClient, apiUser, minimumLevel, out levelUsed);
            else
            {
                found = Enumerate(server, apiClient, apiUser, level);
                levelUsed = level;
            }
            List<SessionInfo> result = new List<SessionInfo>();
            foreach (SessionInfo s in found)
            {
                if (MatchesAny(s, clients, usernames))
                    result.Add(s);
            }
            return result;
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
            if (!IsSupportedLevel(level))
                throw new NetSessionException(NetApiStatus.InvalidLevel, "NetSessionGetInfo", server);
            SafeNetApiBuffer buffer;
            UInt32 status = NativeMethods.NetSessionGetInfo(server, ClientName.ToApiFilter(client),
                AccountName.AccountPart(user), (UInt32)level, out buffer);
            using (buffer)
            {
                if (status == NetApiStatus.ClientNameNotFound || status == NetApiStatus.UserNotFound)
                    return null;
                if (status != NetApiStatus.Success)
                    throw new NetSessionException((int)status, "NetSessionGetInfo", server);
                if (buffer.IsInvalid)
                    return null;
                List<SessionInfo> one = new List<SessionInfo>();
                ReadEntries(buffer.DangerousGetHandle(), 1, level, one);
                return one[0];
            }
        }

        /// <summary>Closes every session of (client, user); user null = every session of the client.</summary>
        public static CloseOutcome Close(string server, string rawClient, string user)
        {
            if (String.IsNullOrEmpty(rawClient) && String.IsNullOrEmpty(user))
                throw new ArgumentException("Refusing NetSessionDel with neither client nor user: that closes every session");
            // The server's own spelling of the client, with the \\ the API requires.
            string client = String.IsNullOrEmpty(rawClient) ? null :
                (rawClient.StartsWith("\\\\", StringComparison.Ordinal) ? rawClient : "\\\\" + rawClient);
            UInt32 status = NativeMethods.NetSessionDel(server, client, String.IsNullOrEmpty(user) ? null : user);
            if (status == NetApiStatus.Success)
                return CloseOutcome.Closed;
            if (status == NetApiStatus.ClientNameNotFound || status == NetApiStatus.UserNotFound)
                return CloseOutcome.NotFound;
            throw new NetSessionException((int)status, "NetSessionDel", server);
        }

        public static bool IsLocalServer(string server)
        {
            if (String.IsNullOrEmpty(server))
                return true;
            string name = server.Trim().TrimStart('\\').TrimEnd('.');
            if (name == "." || name.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
                name.Equals(Environment.MachineName, StringComparison.OrdinalIgnoreCase))
                return true;
            string normal = ClientName.Normalize(name);
            if (normal == "127.0.0.1" || normal == "::1")
                return true;
            try
            {
                string fqdn = Dns.GetHostEntry("").HostName;
                if (name.Equals(fqdn, StringComparison.OrdinalIgnoreCase))
                    return true;
            }
            catch (SocketException) { }
            foreach (string address in LocalAddresses())
            {
                if (ClientName.Matches(address, normal))
                    return true;
            }
            return false;
        }

        /// <summary>A client selector plus the addresses it resolves to (servers report addresses).</summary>
        public static string[] ResolveClient(string nameOrAddress)
        {
            List<string> result = new List<string>();
            if (String.IsNullOrEmpty(nameOrAddress))
                return result.ToArray();
            result.Add(ClientName.Normalize(nameOrAddress));
            if (ClientName.IsIpLiteral(nameOrAddress))
                return result.ToArray();
            try
            {
                foreach (IPAddress ip in Dns.GetHostAddresses(ClientName.Normalize(nameOrAddress).TrimEnd('.')))
                {
                    string address = ClientName.Normalize(ip.ToString());
                    if (!result.Contains(address))
                        result.Add(address);
                }
            }
            catch (SocketException) { }
            catch (ArgumentException) { }
            return result.ToArray();
        }

        /// <summary>This computer's addresses: where its own session to a remote server comes from.</summary>
        public static string[] LocalAddresses()
        {
            List<string> result = new List<string>();
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

    public class CloseRun
    {
        public bool Changed;
        public List<SessionInfo> Closed = new List<SessionInfo>();
        public List<SessionInfo> Vanished = new List<SessionInfo>();
        public List<SkippedSession> Skipped = new List<SkippedSession>();
        public List<CloseTarget> Calls = new List<CloseTarget>();
        public List<SessionInfo> Candidates = new List<SessionInfo>();

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
            return result;
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
        /// <summary>Runs the plan. Check mode calls nothing that changes state.</summary>
        public static CloseRun Run(string server, ClosePlan plan, IList<SessionInfo> allSessions, bool checkMode)
        {
            CloseRun run = new CloseRun();
            run.Skipped.AddRange(plan.Skipped);
            run.Candidates.AddRange(plan.Candidates);
            foreach (CloseTarget target in plan.Targets)
            {
                run.Calls.Add(target);
                if (checkMode)
                {
                    run.Closed.AddRange(target.Sessions);
                    continue;
                }
                // A pair that vanished since the listing is not an error.
                if (NetSessionApi.Close(server, target.RawClient, target.UserName) == CloseOutcome.Closed)
                    run.Closed.AddRange(target.Sessions);
                else
                    run.Vanished.AddRange(target.Sessions);
            }
            run.Changed = run.Closed.Count > 0;
            return run;
        }
    }
}
