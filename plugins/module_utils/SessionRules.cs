// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// The session rules of the lanman.smb Windows modules, over the NetSession.cs wrapper: client
// and account names, listing (level choice, level-0 projection, local filtering), the close
// selection, planner and executor, and the local-host and client resolution the modules need.
// The agentless modules share these rules (docs/developer/contract.md). C# 5 only.
//
// The `using ...module_utils.NetSession;` line below is how this util requires the wrapper:
// ansible-core's PSModuleDepFinder (executor/powershell/module_manifest.py, _re_cs_module) reads
// a C# util's `using ansible_collections.<ns>.<coll>.plugins.module_utils.<Name>;` lines as its
// dependencies, and exec_wrapper.ps1's Import-CSharpUtil hands every C# util of a module to one
// Add-CSharpType -References call, which compiles them into one assembly. A module that
// requires this util therefore gets the wrapper too (tests/static/test_csharp_util_deps.py).
//TypeAccelerator -Name LanmanSessionInfo -TypeName SessionInfo
//TypeAccelerator -Name LanmanClientName -TypeName ClientName
//TypeAccelerator -Name LanmanAccountName -TypeName AccountName
//TypeAccelerator -Name LanmanSessionList -TypeName SessionList
//TypeAccelerator -Name LanmanLocalHost -TypeName LocalHost
//TypeAccelerator -Name LanmanClientResolution -TypeName ClientResolution
//TypeAccelerator -Name LanmanSelectorCheck -TypeName SelectorCheck
//TypeAccelerator -Name LanmanCloseSelection -TypeName CloseSelection
//TypeAccelerator -Name LanmanClosePlanner -TypeName ClosePlanner
//TypeAccelerator -Name LanmanCloseExecutor -TypeName CloseExecutor
//TypeAccelerator -Name LanmanSessionErrors -TypeName SessionErrors

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;

namespace ansible_collections.lanman.smb.plugins.module_utils.SessionRules
{
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

        private const uint SessGuest = 0x1;
        private const uint SessNoEncryption = 0x2;

        public SessionInfo() { }

        public SessionInfo(string rawClient, string userName, long? idleSeconds)
        {
            RawClient = rawClient;
            Client = ClientName.Normalize(rawClient);
            UserName = userName;
            IdleSeconds = idleSeconds;
            Level = 1;
        }

        /// <summary>The contract's fields from what netapi32 returned: a NULL user at a level that
        /// has one is "" (a null session), the flags split into is_guest / cleartext_password.</summary>
        public static SessionInfo FromRaw(RawSession raw)
        {
            SessionInfo s = new SessionInfo();
            s.Level = raw.Level;
            s.RawClient = raw.Cname;
            s.Client = ClientName.Normalize(raw.Cname ?? "");
            if (raw.Level != 0)
                s.UserName = raw.Username ?? "";
            s.NumOpens = raw.NumOpens.HasValue ? (int?)(int)raw.NumOpens.Value : null;
            s.ActiveSeconds = Seconds(raw.Time);
            s.IdleSeconds = Seconds(raw.IdleTime);
            if (raw.UserFlags.HasValue)
                s.SetFlags(raw.UserFlags.Value);
            s.ClientType = raw.CltypeName;
            s.Transport = raw.Transport;
            return s;
        }

        internal void SetFlags(uint flags)
        {
            UserFlags = flags;
            IsGuest = (flags & SessGuest) != 0;
            CleartextPassword = (flags & SessNoEncryption) != 0;
        }

        // Samba reports a new session's age as (uint)-1.
        private static long? Seconds(uint? value)
        {
            if (!value.HasValue)
                return null;
            return value.Value == UInt32.MaxValue ? 0 : (long)value.Value;
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

        /// <summary>Any of the clients and any of the users, as the modules' filters and the close
        /// selection take them; an empty or missing list takes every session.</summary>
        internal bool MatchesFilters(string[] clients, string[] usernames)
        {
            return (clients == null || clients.Length == 0 || ClientName.MatchesAny(Client, clients)) &&
                (usernames == null || usernames.Length == 0 || AccountName.MatchesAny(UserName, usernames));
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
            if (WithoutZone(text).Contains(":"))
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
            return WithoutZone(key);
        }

        /// <summary>An address without its IPv6 %zone. A zone is the number of an interface of the
        /// host that wrote it, so an address this host resolved or owns is compared without it: the
        /// server reports the same client with its own interface number.</summary>
        public static string WithoutZone(string address)
        {
            int percent = address.IndexOf('%');
            return percent >= 0 ? address.Substring(0, percent) : address;
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

        /// <summary>Matches for any of the selectors (none: false).</summary>
        public static bool MatchesAny(string client, string[] selectors)
        {
            return StringLists.Any(client, selectors, Matches);
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

        public override string ToString()
        {
            return ClientName.FormatAddress(_network) + "/" + _prefixLength.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>True when the client is an address in this network (a %zone is ignored; an IPv4
        /// client is also looked up as ::ffff:a.b.c.d). A host name is never in a network.</summary>
        public bool Contains(string client)
        {
            return ContainsAddress(AddressOf(client));
        }

        /// <summary>The address Contains looks up for a client name (without its %zone), or null for no
        /// name or a host name. The close planner works it out once per client.</summary>
        internal static byte[] AddressOf(string client)
        {
            string text = ClientName.Normalize(client);
            if (String.IsNullOrEmpty(text))
                return null;
            int percent = text.IndexOf('%');
            return ClientName.ParseAddress(percent >= 0 ? text.Substring(0, percent) : text);
        }

        /// <summary>Contains for an address from AddressOf.</summary>
        internal bool ContainsAddress(byte[] bytes)
        {
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

        /// <summary>Matches for any of the selectors (none: false).</summary>
        public static bool MatchesAny(string sessionUser, string[] selectors)
        {
            return StringLists.Any(sessionUser, selectors, Matches);
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


    /// <summary>Selector entries and server values the modules refuse before anything is resolved or
    /// listed (session_rules.check_selector_entries and agentless_module.normalise_server in the
    /// Python twin; the shared table is tests/fixtures/selector_check_cases.json).</summary>
    public static class SelectorCheck
    {
        private const string EmptyEntryMessage = "{0}[{1}] is empty ({2}): an empty entry selects nothing. Remove it, " +
            "or leave {0} unset; a template such as \"{{{{ user | default('') }}}}\" gives one: use default(omit).";

        private const string ControlCharacterMessage = "{0} '{1}' holds a control character (U+{2:X4} at position {3}): " +
            "with key=value arguments (-a '{4}={1}') a backslash starts an escape; quote the value in YAML, or double " +
            "the backslash ({5}).";

        /// <summary>The entries of a selector option (client, username, exclude_client, exclude_username);
        /// an empty array when unset. Throws ArgumentException naming the option and the 0-based position
        /// of the first entry that holds a control character or is empty after normalisation: a dropped
        /// entry would widen a close (client: [x], username: [''] closed every user on x), and a blank
        /// name given to Dns.GetHostAddresses answers this host's own addresses.</summary>
        public static string[] Entries(string option, string[] entries)
        {
            bool client = option == "client" || option == "exclude_client";
            if (!client && option != "username" && option != "exclude_username")
                throw new InvalidOperationException("no selector option '" + option + "'");
            if (entries == null)
                return new string[0];
            for (int i = 0; i < entries.Length; i++)
            {
                string entry = entries[i];
                string where = option + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                string problem = entry == null ? null : ControlCharacterProblem(where, option, entry);
                if (problem == null && (entry == null || (client ? IsEmptyClient(entry) : IsEmptyAccount(entry))))
                    problem = String.Format(CultureInfo.InvariantCulture, EmptyEntryMessage, option, i,
                        entry == null ? "null" : "'" + entry + "'");
                if (problem != null)
                    throw new ArgumentException(problem);
            }
            return (string[])entries.Clone();
        }

        /// <summary>Nothing is left once whitespace, \, brackets and dots are gone: \\, [], ., \\[] ...</summary>
        internal static bool IsEmptyClient(string entry)
        {
            foreach (char c in entry)
            {
                if (!Char.IsWhiteSpace(c) && "\\[].".IndexOf(c) < 0)
                    return false;
            }
            return true;
        }

        /// <summary>The account part is empty: LAB\, @contoso.com, whitespace. ANONYMOUS LOGON is not.</summary>
        private static bool IsEmptyAccount(string entry)
        {
            return AccountName.AccountPart(entry).Trim().Length == 0;
        }

        private static bool IsControl(char c)
        {
            return c < 0x20 || (c >= 0x7F && c <= 0x9F);
        }

        /// <summary>The error for a value holding a control character (key=value decoding turned a typed
        /// \a into BEL), or null. where is "username[0]" or "server"; the position counts characters
        /// from 1, a surrogate pair as one, as Python does.</summary>
        internal static string ControlCharacterProblem(string where, string option, string text)
        {
            int position = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (i > 0 && Char.IsSurrogatePair(text[i - 1], text[i]))
                    continue;
                position++;
                if (IsControl(text[i]))
                {
                    string shown = AsTyped(text);
                    return String.Format(CultureInfo.InvariantCulture, ControlCharacterMessage, where, shown, (int)text[i],
                        position, option, shown.Replace("\\", "\\\\"));
                }
            }
            return null;
        }

        // A control character written back as typed: \a \b \t \n \v \f \r, else \xNN.
        private static string AsTyped(string text)
        {
            const string Letters = "abtnvfr";
            System.Text.StringBuilder shown = new System.Text.StringBuilder();
            foreach (char c in text)
            {
                if (!IsControl(c))
                    shown.Append(c);
                else if (c >= 7 && c <= 13)
                    shown.Append('\\').Append(Letters[c - 7]);
                else
                    shown.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            return shown.ToString();
        }
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

        // Dns.GetHostAddresses behind a field, so the tests can log every lookup (they swap it through
        // reflection): nothing empty may ever reach it, Dns.GetHostAddresses("") answers this host's
        // own addresses.
        private static Func<string, IPAddress[]> hostLookup = Dns.GetHostAddresses;

        private static IPAddress[] LookUp(string host)
        {
            if (host == null || host.Trim().Length == 0)
                throw new InvalidOperationException("A blank host name reached the resolver: it would answer this host's own addresses.");
            return hostLookup(host);
        }

        /// <summary>A client selector plus the addresses it resolves to (servers report addresses).
        /// resolved is false when a host name resolves to no address: the caller decides whether
        /// that is a warning (client) or a failure (exclude_client). An IP literal or a network in
        /// CIDR form (10.1.0.0/16) is returned unchanged and never looked up; a malformed network
        /// is an ArgumentException (ClientName.ParseNetwork), never a name to look up. A blank entry
        /// (SelectorCheck: \\, [], ., spaces) is an ArgumentException too: it names no client.</summary>
        public static string[] ResolveClient(string nameOrAddress, out bool resolved)
        {
            List<string> result = new List<string>();
            resolved = true;
            if (nameOrAddress == null || SelectorCheck.IsEmptyClient(nameOrAddress))
                throw new ArgumentException("client entry " + (nameOrAddress == null ? "null" : "'" + nameOrAddress + "'") +
                    " is empty: it names no client.");
            if (ClientName.ParseNetwork(nameOrAddress.Trim()) != null)
            {
                result.Add(nameOrAddress.Trim());
                return result.ToArray();
            }
            result.Add(ClientName.Normalize(nameOrAddress));
            if (ClientName.IsIpLiteral(nameOrAddress))
                return result.ToArray();
            resolved = false;
            string host = ClientName.Normalize(nameOrAddress).TrimEnd('.');
            try
            {
                foreach (IPAddress ip in LookUp(host))
                {
                    resolved = true;
                    StringLists.AddOnce(result, ClientName.WithoutZone(ClientName.Normalize(ip.ToString())));
                }
            }
            catch (SocketException) { }
            catch (ArgumentException) { }
            return result.ToArray();
        }

        /// <summary>ResolveClient over a module's list option (named in errors). Every entry is checked
        /// first (SelectorCheck.Entries, ClientName.ValidateSelectors), so a blank entry or a malformed
        /// network fails, naming the option, before any name is looked up.</summary>
        public static ClientResolution ResolveClients(string option, string[] names)
        {
            ClientResolution resolution = new ClientResolution();
            string[] entries = SelectorCheck.Entries(option, names);
            ClientName.ValidateSelectors(option, entries);
            foreach (string name in entries)
            {
                bool resolved;
                foreach (string selector in ResolveClient(name, out resolved))
                    StringLists.AddOnce(resolution.Selectors, selector);
                if (!resolved)
                    resolution.Unresolved.Add(name);
            }
            return resolution;
        }
    }

    public static class SessionErrors
    {
        /// <summary>The text of an exception a module caught: PowerShell wraps an exception thrown by a
        /// .NET method in MethodInvocationException; the innermost one says what went wrong.</summary>
        public static string ErrorText(Exception error)
        {
            Exception inner = error;
            while (inner.InnerException != null)
                inner = inner.InnerException;
            return inner.Message;
        }
    }

    internal static class StringLists
    {
        /// <summary>Adds value unless the list has it: lists of addresses keep their first order.</summary>
        public static void AddOnce(List<string> list, string value)
        {
            if (!list.Contains(value))
                list.Add(value);
        }

        /// <summary>True when matches(value, s) for any s of selectors (none: false).</summary>
        public static bool Any(string value, string[] selectors, Func<string, string, bool> matches)
        {
            if (selectors == null)
                return false;
            foreach (string selector in selectors)
            {
                if (matches(value, selector))
                    return true;
            }
            return false;
        }
    }

    /// <summary>Whether a server option names this host, and this host's names and addresses.</summary>
    public static class LocalHost
    {
        /// <summary>The server name netapi32 gets: NULL for the host itself (no network path, no double hop),
        /// else the server as a UNC host name (UncServerName).</summary>
        public static string ApiServer(string server)
        {
            return IsLocalServer(server) ? null : UncServerName(server.Trim());
        }

        /// <summary>A server as netapi32 takes it. An IPv6 literal (fd00::5, [fd00::5], \\[fe80::1%4]) is no
        /// valid UNC host name, so it goes in Windows' own transcription, which Windows resolves itself without
        /// DNS: colons to dashes, the %zone as s + zone, then .ipv6-literal.net (fd00--5.ipv6-literal.net,
        /// fe80--1s4.ipv6-literal.net). An IPv4-mapped address goes as its IPv4 address; names as given.</summary>
        public static string UncServerName(string server)
        {
            if (server == null || !ClientName.IsIpLiteral(server))
                return server;
            string address = ClientName.Normalize(server);
            if (!address.Contains(":"))
                return address;
            string zone = "";
            int percent = address.IndexOf('%');
            if (percent >= 0)
            {
                zone = address.Substring(percent + 1);
                address = address.Substring(0, percent);
                if (zone.Length == 0 || !IsDigits(zone))
                    throw new ArgumentException("server '" + server + "': on Windows an IPv6 zone is the number of the " +
                        "interface (fe80::1%4; Get-NetAdapter shows it as ifIndex); give that number, or the server's name.");
                zone = "s" + zone;
            }
            return address.Replace(':', '-') + zone + ".ipv6-literal.net";
        }

        private static bool IsDigits(string text)
        {
            foreach (char c in text)
            {
                if (c < '0' || c > '9')
                    return false;
            }
            return true;
        }

        /// <summary>Whether server names this host: unset, "", ".", localhost(.), a loopback address,
        /// the machine name, the host's FQDN (with or without the root dot) or one of its addresses.
        /// A server containing "/" is refused (ArgumentException): a network is not a server, and
        /// netapi32 would only answer with a name error.</summary>
        public static bool IsLocalServer(string server)
        {
            if (server == null)
                return true;
            CheckServer(server);
            if (server.Contains("/"))
                throw new ArgumentException("server '" + server + "' is a network or a path, not a server: give the name " +
                    "or address of one server (or leave server unset for this host).");
            string name = server.Trim().TrimStart('\\');
            if (name.Length == 0 || name == ".")
                return true;
            if (ClientName.IsIpLiteral(name))
            {
                IPAddress ip;
                string address = ClientName.Normalize(name);
                if (IPAddress.TryParse(ClientName.WithoutZone(address), out ip) && IPAddress.IsLoopback(ip))
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

        private const string ServerRefusal = "server '{0}' {1}: give the host name or IP address of one SMB server, " +
            "e.g. files01.example.com or 10.0.0.5.";

        /// <summary>Throws ArgumentException for a server that names no single server, as the Python twin's
        /// normalise_server does (tests/fixtures/selector_check_cases.json): a control character, a wildcard
        /// (* ?), the unspecified address (0.0.0.0, ::), broadcast, multicast, or a numeric form a resolver
        /// reads as an IPv4 address (127.1, 0x7f.1, 2130706433, 010.0.0.1). Unset and "" (this host) pass.
        /// The modules call it first; IsLocalServer, which every netapi32 call goes through, calls it too.</summary>
        public static void CheckServer(string server)
        {
            if (server == null)
                return;
            string problem = SelectorCheck.ControlCharacterProblem("server", "server", server);
            if (problem != null)
                throw new ArgumentException(problem);
            string typed = server.Trim();
            if (typed.IndexOfAny(new char[] { '*', '?' }) >= 0)
                throw Refused(typed, "is a wildcard pattern");
            string name = typed.TrimStart('\\');
            if (name.Length > 1 && name.StartsWith("[") && name.EndsWith("]"))
                name = name.Substring(1, name.Length - 2);
            if (name.Contains(":"))
            {
                RefuseAddress(typed, ClientName.ParseAddress(ClientName.WithoutZone(name)));
                return;
            }
            if (name.EndsWith(".", StringComparison.Ordinal))
                name = name.Substring(0, name.Length - 1);
            byte[] address = ClientName.ParseAddress(name);
            if (address != null)
            {
                RefuseAddress(typed, address);
                return;
            }
            string shorthand = NumericIpv4(name);
            if (shorthand != null)
                throw Refused(typed, "is a numeric shorthand that resolvers read as the IPv4 address " + shorthand);
        }

        private static ArgumentException Refused(string typed, string why)
        {
            return new ArgumentException(String.Format(CultureInfo.InvariantCulture, ServerRefusal, typed, why));
        }

        // An address that reaches this host or many hosts, not one server (IPv4-mapped ones too).
        private static void RefuseAddress(string typed, byte[] b)
        {
            if (b == null)
                return;
            if (b.Length == 16 && IsIpv4MappedBytes(b))
                b = new byte[] { b[12], b[13], b[14], b[15] };
            bool zero = true, ones = true;
            foreach (byte x in b)
            {
                zero &= x == 0;
                ones &= x == 0xFF;
            }
            if (zero)
                throw Refused(typed, "is the unspecified address (\"any address\"), which names no server");
            if (b.Length == 4 && ones)
                throw Refused(typed, "is the broadcast address, which names no server");
            if ((b.Length == 4 && b[0] >= 224 && b[0] <= 239) || (b.Length == 16 && b[0] == 0xFF))
                throw Refused(typed, "is a multicast address, which names no server");
        }

        private static bool IsIpv4MappedBytes(byte[] b)
        {
            for (int i = 0; i < 10; i++)
            {
                if (b[i] != 0)
                    return false;
            }
            return b[10] == 0xFF && b[11] == 0xFF;
        }

        /// <summary>The IPv4 address inet_aton reads in text (127.1, 0x7f.1, 2130706433, 010.0.0.1 =
        /// 8.0.0.1), or null when it is not such a number. The Python twin's numeric_ipv4 has the same rules.</summary>
        internal static string NumericIpv4(string text)
        {
            string[] parts = text.Split('.');
            if (parts.Length > 4)
                return null;
            ulong[] values = new ulong[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                string part = parts[i];
                int start = 0, radix = 10;
                if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                {
                    start = 2;
                    radix = 16;
                }
                else if (part.Length > 1 && part[0] == '0')
                {
                    start = 1;
                    radix = 8;
                }
                if (part.Length == start)
                    return null;
                for (int k = start; k < part.Length; k++)
                {
                    int digit = DigitValue(part[k]);
                    if (digit < 0 || digit >= radix)
                        return null;
                    values[i] = values[i] * (ulong)radix + (ulong)digit;
                    if (values[i] > 0xFFFFFFFF)
                        return null;
                }
            }
            int last = parts.Length - 1;
            for (int i = 0; i < last; i++)
            {
                if (values[i] > 255)
                    return null;
            }
            if (values[last] >= 1UL << (8 * (4 - last)))
                return null;
            ulong number = values[last];
            for (int i = 0; i < last; i++)
                number |= values[i] << (24 - 8 * i);
            return String.Format(CultureInfo.InvariantCulture, "{0}.{1}.{2}.{3}",
                (number >> 24) & 0xFF, (number >> 16) & 0xFF, (number >> 8) & 0xFF, number & 0xFF);
        }

        private static int DigitValue(char c)
        {
            if (c >= '0' && c <= '9')
                return c - '0';
            if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
            if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
            return -1;
        }

        // Every call asks IsLocalServer: look the host's own names and addresses up once per process.
        private static string[] localNames, localAddresses;

        private static string[] Once(ref string[] cache, Func<string[]> find)
        {
            if (cache == null)
                cache = find();
            return (string[])cache.Clone();
        }

        /// <summary>The names this host answers to: localhost, the NetBIOS/host name and the FQDN.</summary>
        private static string[] LocalNames()
        {
            return Once(ref localNames, FindLocalNames);
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

        /// <summary>This computer's addresses: where its own session to a remote server comes from.</summary>
        public static string[] LocalAddresses()
        {
            return Once(ref localAddresses, FindLocalAddresses);
        }

        private static string[] FindLocalAddresses()
        {
            List<IPAddress> found = new List<IPAddress>();
            try
            {
                foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
                {
                    foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
                        found.Add(unicast.Address);
                }
            }
            catch (NetworkInformationException) { }
            try
            {
                found.AddRange(Dns.GetHostAddresses(Dns.GetHostName()));
            }
            catch (SocketException) { }
            found.Add(IPAddress.Loopback);
            found.Add(IPAddress.IPv6Loopback);
            List<string> result = new List<string>();
            foreach (IPAddress ip in found)
                StringLists.AddOnce(result, ClientName.WithoutZone(ClientName.Normalize(ip.ToString())));
            return result.ToArray();
        }

    }


    /// <summary>Listing for the modules: the level choice, the level-0 projection and filtering
    /// again here (Samba ignores wire filters).</summary>
    public static class SessionList
    {
        private static readonly int[] LevelPreference = new int[] { 502, 2, 1 };

        public const string Level10Warning = "Access to level 502 was denied; listed at level 10 (user-info right only): " +
            "num_opens, user_flags, is_guest, cleartext_password, client_type and transport are null.";

        public static List<SessionInfo> Enumerate(string server, string client, string user, int level)
        {
            return Enumerate(server, client, user, level, unchecked((int)NetApiStatus.MaxPreferredLength));
        }

        /// <summary>Every session matching the client and user (null = any), at that level. A level-0
        /// listing with a user is listed at level 10 (or 1) and projected to level 0.</summary>
        public static List<SessionInfo> Enumerate(string server, string client, string user, int level, int prefMaxLen)
        {
            string apiServer = LocalHost.ApiServer(server);
            if (!NetSessionApi.IsSupportedLevel(level))
                throw new NetSessionException(NetApiStatus.InvalidLevel, "NetSessionEnum", apiServer, apiServer != null);
            if (level == 0 && !String.IsNullOrEmpty(user))
                return ProjectToLevel0(EnumerateWithUserNames(apiServer, client, user, prefMaxLen));
            return EnumerateAt(apiServer, client, user, level, prefMaxLen);
        }

        /// <summary>What goes on the wire is only what the server can filter by exactly: a network
        /// is never sent, nor a null-session name (a server has no user "ANONYMOUS LOGON" to match
        /// the "" sessions it names). Everything is filtered again here.</summary>
        private static List<SessionInfo> EnumerateAt(string apiServer, string client, string user, int level, int prefMaxLen)
        {
            bool byClient = !String.IsNullOrEmpty(client), byUser = !String.IsNullOrEmpty(user);
            string wireClient = byClient && !ClientName.IsNetwork(client) ? ClientName.ToApiFilter(client) : null;
            string wireUser = byUser && !AccountName.IsNullSession(user) ? AccountName.AccountPart(user) : null;
            List<RawSession> found = NetSessionApi.Enumerate(apiServer, wireClient, wireUser, level, unchecked((uint)prefMaxLen));
            // The server compares a wire filter with its own spelling of the client and user (a NetBIOS
            // name, an IPv4-mapped address, DOMAIN\user): finding nothing proves nothing. List again
            // without filters and match here (contract.md, "Wire filters").
            if (found.Count == 0 && (wireClient != null || wireUser != null))
                found = NetSessionApi.Enumerate(apiServer, null, null, level, unchecked((uint)prefMaxLen));
            List<SessionInfo> result = new List<SessionInfo>();
            foreach (RawSession raw in found)
            {
                SessionInfo s = SessionInfo.FromRaw(raw);
                if (byClient && !ClientName.Matches(s.Client, client))
                    continue;
                if (byUser && s.UserName != null && !AccountName.Matches(s.UserName, user))
                    continue;
                result.Add(s);
            }
            return result;
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

        /// <summary>The richest level the server serves (502, 2, then 1), falling back only on 124
        /// (a 124 at level 1 is the error, as in the Python twin: level 0 has no user name to filter
        /// on); when 502 is denied (5), level 10, which needs only the user-info right.</summary>
        public static List<SessionInfo> EnumerateBest(string server, string client, string user, out int levelUsed)
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
                    if (e.Status != NetApiStatus.InvalidLevel || i == LevelPreference.Length - 1)
                        throw;
                }
            }
            throw new InvalidOperationException("unreachable: the last level either answers or throws");
        }

        /// <summary>What the modules call: sessions matching any of the clients and any of the
        /// users (empty = all). A filter goes to the API only when it is one IPv4 client or one
        /// user (never a null-session name, see EnumerateAt); everything is filtered again here
        /// (Samba ignores filters). level -1 = the richest level the server serves, never below
        /// minimumLevel. Level 0 with a user filter is listed at level 10 (or 1) and projected to
        /// level 0.</summary>
        public static SessionListing ListSessions(string server, string[] clients, string[] usernames, int level)
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
                found = EnumerateBest(server, apiClient, apiUser, out listing.Level);
                if (listing.Level == 10)
                    listing.Warnings.Add(Level10Warning);
            }
            else if (level == 0 && byUser)
            {
                string apiServer = LocalHost.ApiServer(server);
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
                if (s.MatchesFilters(clients, usernames))
                    listing.Sessions.Add(s);
            }
            if (listing.Level == 0 && byUser)
                listing.Sessions = ProjectToLevel0(listing.Sessions);
            return listing;
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

        // The planner works on facts worked out once per plan: a client's keys once per distinct name,
        // a user's once per distinct name, a selector's key or network once, and whether a selector
        // names a client once per client. Comparing names afresh for every pair of sessions was
        // quadratic in a pair, and re-read every selector for every session (issue 16).

        /// <summary>A client name as ClientName.Matches reads it, with what the selectors said of it.</summary>
        private sealed class ClientFacts
        {
            public readonly string Name;
            public readonly bool Named;
            public readonly string Key;
            public readonly string Zoneless;
            public readonly bool Zoned;
            public readonly int KeyId;
            public readonly int ZonelessId;
            private byte[] _address;
            private bool _addressRead;
            // What the selectors said, by slot: bit set in _asked once asked, in _matched when it matched.
            private ulong _asked, _matched;

            public ClientFacts(string name, PlanFacts ids)
            {
                Name = name;
                Key = ClientName.Key(name);
                // A key with a character comes from a name with one: HasName only decides for the rest.
                Named = !String.IsNullOrEmpty(Key) || ClientName.HasName(name);
                Zoneless = Key == null ? null : ClientName.WithoutZone(Key);
                Zoned = Key != null && Key.IndexOf('%') >= 0;
                KeyId = ids.Id(Key);
                ZonelessId = Zoned ? ids.Id(Zoneless) : KeyId;
            }

            /// <summary>What a network looks up (ClientNetwork.AddressOf), read on first use: most
            /// selections name no network.</summary>
            public byte[] Address()
            {
                if (!_addressRead)
                {
                    _address = ClientNetwork.AddressOf(Name);
                    _addressRead = true;
                }
                return _address;
            }

            public bool Matches(ClientSelector selector)
            {
                if (selector.Slot >= 64)
                    return selector.Matches(this);   // past 64 selectors, asked each time
                ulong bit = 1UL << selector.Slot;
                if ((_asked & bit) == 0)
                {
                    if (selector.Matches(this))
                        _matched |= bit;
                    _asked |= bit;
                }
                return (_matched & bit) != 0;
            }
        }

        private const int UsernameList = 0, ExcludedUsernameList = 1, OwnUsernameList = 2;

        /// <summary>A user name as AccountName reads it, with what the username lists said of it.</summary>
        private sealed class UserFacts
        {
            public readonly string Name;
            public readonly bool IsNull;
            public readonly bool IsMachine;
            public readonly string Key;   // the account part in lower case; "" for a null session
            public readonly int KeyId;
            private readonly sbyte[] _matches = new sbyte[3];

            public UserFacts(string name, PlanFacts ids)
            {
                Name = name;
                IsNull = AccountName.IsNullSession(name);
                IsMachine = AccountName.IsMachineAccount(name);
                Key = IsNull ? "" : AccountName.AccountPart(name).ToLowerInvariant();
                KeyId = ids.Id(Key);
            }

            public bool MatchesAny(int list, string[] selectors)
            {
                if (_matches[list] == 0)
                    _matches[list] = AccountName.MatchesAny(Name, selectors) ? (sbyte)1 : (sbyte)2;
                return _matches[list] == 1;
            }
        }

        /// <summary>The facts of one plan: clients and users by name, made on first use (the sessions of a
        /// pair share their names), and a number for each key, so groups are found without joining strings.</summary>
        private sealed class PlanFacts
        {
            private readonly Dictionary<string, ClientFacts> _clients;
            private readonly Dictionary<string, UserFacts> _users = new Dictionary<string, UserFacts>();
            private readonly Dictionary<string, int> _ids;
            private ClientFacts _nullClient;
            private UserFacts _nullUser;

            /// <summary>Sized for a listing of that many sessions: as many clients at most.</summary>
            public PlanFacts(int sessions)
            {
                _clients = new Dictionary<string, ClientFacts>(sessions);
                _ids = new Dictionary<string, int>(sessions);
            }

            public int Id(string key)
            {
                if (key == null)
                    return -1;
                int id;
                if (!_ids.TryGetValue(key, out id))
                {
                    id = _ids.Count;
                    _ids[key] = id;
                }
                return id;
            }

            public ClientFacts Client(string name)
            {
                if (name == null)
                    return _nullClient ?? (_nullClient = new ClientFacts(null, this));
                ClientFacts facts;
                if (!_clients.TryGetValue(name, out facts))
                {
                    facts = new ClientFacts(name, this);
                    _clients[name] = facts;
                }
                return facts;
            }

            public UserFacts User(string name)
            {
                if (name == null)
                    return _nullUser ?? (_nullUser = new UserFacts(null, this));
                UserFacts facts;
                if (!_users.TryGetValue(name, out facts))
                {
                    facts = new UserFacts(name, this);
                    _users[name] = facts;
                }
                return facts;
            }
        }

        /// <summary>ClientName.Matches(client, selector) for one selector, read once.</summary>
        private sealed class ClientSelector
        {
            public readonly int Slot;
            private readonly string _selector;
            private readonly bool _malformed;
            private readonly ClientNetwork _network;
            private readonly string _key;
            private readonly string _zoneless;
            private readonly bool _zoned;

            public ClientSelector(string selector, int slot)
            {
                Slot = slot;
                _selector = selector;
                if (selector == null)
                    return;
                try
                {
                    _network = ClientName.ParseNetwork(selector);
                }
                catch (ArgumentException)
                {
                    _malformed = true;   // Matches throws when it meets a client, and so does this
                    return;
                }
                if (_network != null)
                    return;
                _key = ClientName.Key(selector);
                _zoneless = ClientName.WithoutZone(_key);
                _zoned = _key.IndexOf('%') >= 0;
            }

            public bool Matches(ClientFacts client)
            {
                if (client.Name == null || _selector == null)
                    return false;
                if (_malformed)
                    return ClientName.Matches(client.Name, _selector);
                if (_network != null)
                    return _network.ContainsAddress(client.Address());
                if (String.IsNullOrEmpty(client.Key) || String.IsNullOrEmpty(_key))
                    return false;
                if (client.Key == _key)
                    return true;
                // Only one of them zoned, the same address otherwise: Matches decides (IPv6 only).
                return client.Zoned != _zoned && client.Zoneless == _zoneless && ClientName.Matches(client.Name, _selector);
            }
        }

        /// <summary>The client lists of a selection, each selector read once.</summary>
        private sealed class ClientSelectors
        {
            public readonly ClientSelector[] Clients, Excluded, Own;
            private int _count;

            public ClientSelectors(CloseSelection sel)
            {
                Clients = Read(sel.Clients);
                Excluded = Read(sel.ExcludeClients);
                Own = Read(sel.OwnClients);
            }

            private ClientSelector[] Read(string[] selectors)
            {
                ClientSelector[] read = new ClientSelector[selectors == null ? 0 : selectors.Length];
                for (int i = 0; i < read.Length; i++)
                    read[i] = new ClientSelector(selectors[i], _count++);
                return read;
            }

            /// <summary>Any selector of the list matches (none: false), tried in order as ClientName.MatchesAny does.</summary>
            public bool MatchesAny(ClientSelector[] list, ClientFacts client)
            {
                foreach (ClientSelector selector in list)
                {
                    if (client.Matches(selector))
                        return true;
                }
                return false;
            }
        }

        /// <summary>A session during one plan: its facts, why it stays open (null: not skipped), and
        /// whether it is in the selection as the current step counts it.</summary>
        private sealed class Planned
        {
            public readonly SessionInfo Session;
            public readonly ClientFacts Client;
            public readonly UserFacts User;
            public string Reason;
            public bool InSelection;

            public Planned(SessionInfo session, PlanFacts facts)
            {
                Session = session;
                Client = facts.Client(session.Client);
                User = facts.User(session.UserName);
            }
        }

        private static string IndividualReason(Planned p, CloseSelection sel, ClientSelectors selectors, string[] ownUsername)
        {
            // Neither name: the only call that could reach it, NetSessionDel(NULL, NULL), ends everything.
            if (!p.Client.Named && p.User.IsNull)
                return "no_client_name";
            // Unknown own user (e.g. Kerberos without a name): every session from our address may be ours.
            // Empty counts as unknown: PowerShell stores $null in a string field as "".
            if (selectors.MatchesAny(selectors.Own, p.Client) &&
                (String.IsNullOrEmpty(sel.OwnUsername) || p.User.MatchesAny(OwnUsernameList, ownUsername)))
                return "own_session";
            if (selectors.MatchesAny(selectors.Excluded, p.Client))
                return "excluded_client";
            if (p.User.MatchesAny(ExcludedUsernameList, sel.ExcludeUsernames))
                return "excluded_username";
            if (p.User.IsMachine && !p.User.MatchesAny(UsernameList, sel.Usernames))
                return "machine_account";
            if (sel.MinIdleSeconds.HasValue)
            {
                if (!p.Session.IdleSeconds.HasValue)
                    return "idle_unknown";
                if (p.Session.IdleSeconds.Value < sel.MinIdleSeconds.Value)
                    return "idle_below_threshold";
            }
            return null;
        }

        /// <summary>For a session: is every session of its group that ClientName.Matches calls the same
        /// client in the selection? A group (its number holds the zoneless client key) gathers the spellings
        /// of one client; its sessions outside the selection are filed by client key once, so each answer is
        /// constant time. The selection is read when the groups are made, and must not change while they
        /// are asked (a step marks skipped sessions, WithoutSkipped takes them out after it).</summary>
        private sealed class SameClientGroups
        {
            /// <summary>A client key within a group.</summary>
            private struct GroupKey : IEquatable<GroupKey>
            {
                private readonly long _group;
                private readonly int _key;

                public GroupKey(long group, int key)
                {
                    _group = group;
                    _key = key;
                }

                public bool Equals(GroupKey other)
                {
                    return _group == other._group && _key == other._key;
                }

                public override bool Equals(object other)
                {
                    return other is GroupKey && Equals((GroupKey)other);
                }

                public override int GetHashCode()
                {
                    return _group.GetHashCode() * 31 + _key;
                }
            }

            private readonly IEnumerable<Planned> _sessions;
            private readonly Converter<Planned, long> _groupOf;
            // One session outside the selection for each client key of a group that has one.
            private readonly Dictionary<GroupKey, Planned> _unselected = new Dictionary<GroupKey, Planned>();
            // Per group, one such session for each zoned key (IPv6 zones are rare: made on first use).
            private Dictionary<long, List<Planned>> _unselectedZoned;
            private Dictionary<GroupKey, bool> _answers;
            // Per group, its sessions outside the selection, for client names in CIDR form only (made on first use).
            private Dictionary<long, List<Planned>> _unselectedMembers;

            public SameClientGroups(IEnumerable<Planned> sessions, Converter<Planned, long> groupOf)
            {
                _sessions = sessions;
                _groupOf = groupOf;
                foreach (Planned p in sessions)
                {
                    // An empty key is the same client as nothing (ClientName.Matches).
                    if (p.InSelection || String.IsNullOrEmpty(p.Client.Key))
                        continue;
                    long group = groupOf(p);
                    GroupKey slot = new GroupKey(group, p.Client.KeyId);
                    if (_unselected.ContainsKey(slot))
                        continue;
                    _unselected[slot] = p;
                    if (p.Client.Zoned)
                        Add(ref _unselectedZoned, group, p);
                }
            }

            private static void Add(ref Dictionary<long, List<Planned>> lists, long group, Planned p)
            {
                if (lists == null)
                    lists = new Dictionary<long, List<Planned>>();
                List<Planned> list;
                if (!lists.TryGetValue(group, out list))
                    lists[group] = list = new List<Planned>();
                list.Add(p);
            }

            public bool AllSelected(Planned p)
            {
                string client = p.Session.Client;
                if (ClientName.IsNetwork(client))
                    return AllSelectedForNetworkName(p);
                if (String.IsNullOrEmpty(p.Client.Key))
                    return true;
                long group = _groupOf(p);
                GroupKey slot = new GroupKey(group, p.Client.KeyId);
                if (_unselected.ContainsKey(slot))
                    return false;
                bool answer;
                if (_answers != null && _answers.TryGetValue(slot, out answer))
                    return answer;
                // Two zoned spellings are never one client: a zoned key can only be the group's zoneless
                // one, and a zoneless key any zoned one. Matches decides for one session of each key.
                answer = true;
                if (p.Client.Zoned)
                {
                    Planned other;
                    if (_unselected.TryGetValue(new GroupKey(group, p.Client.ZonelessId), out other))
                        answer = !ClientName.Matches(other.Session.Client, client);
                }
                else
                {
                    List<Planned> zoned;
                    if (_unselectedZoned != null && _unselectedZoned.TryGetValue(group, out zoned))
                        answer = !zoned.Exists(delegate(Planned other) { return ClientName.Matches(other.Session.Client, client); });
                }
                if (_answers == null)
                    _answers = new Dictionary<GroupKey, bool>();
                _answers[slot] = answer;
                return answer;
            }

            // A client name in CIDR form is read as a network, or refused as one (as Matches does on the
            // session itself): ask Matches about every session of the group outside the selection.
            private bool AllSelectedForNetworkName(Planned p)
            {
                string client = p.Session.Client;
                ClientName.ParseNetwork(client);
                if (_unselectedMembers == null)
                {
                    _unselectedMembers = new Dictionary<long, List<Planned>>();
                    foreach (Planned member in _sessions)
                    {
                        if (!member.InSelection)
                            Add(ref _unselectedMembers, _groupOf(member), member);
                    }
                }
                List<Planned> members;
                if (_unselectedMembers.TryGetValue(_groupOf(p), out members))
                {
                    foreach (Planned other in members)
                    {
                        if (ClientName.Matches(other.Session.Client, client))
                            return false;
                    }
                }
                return true;
            }
        }

        /// <summary>The selection without the sessions a step skipped; they leave the selection too.</summary>
        private static List<Planned> WithoutSkipped(List<Planned> selected)
        {
            foreach (Planned p in selected)
            {
                if (p.Reason != null)
                    p.InSelection = false;
            }
            return selected.FindAll(delegate(Planned p) { return p.Reason == null; });
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

            PlanFacts facts = new PlanFacts(sessions.Count);
            ClientSelectors selectors = new ClientSelectors(sel);
            string[] ownUsername = new string[] { sel.OwnUsername };
            // One Planned per session object: a session listed twice is one session.
            Dictionary<SessionInfo, Planned> byObject = new Dictionary<SessionInfo, Planned>(sessions.Count);
            List<Planned> all = new List<Planned>(sessions.Count);
            foreach (SessionInfo s in sessions)
            {
                Planned p;
                if (!byObject.TryGetValue(s, out p))
                    byObject[s] = p = new Planned(s, facts);
                all.Add(p);
            }

            ClosePlan plan = new ClosePlan();
            List<Planned> selected = new List<Planned>();
            foreach (Planned p in all)
            {
                if (!IsEmpty(sel.Clients) && !selectors.MatchesAny(selectors.Clients, p.Client))
                    continue;
                if (!IsEmpty(sel.Usernames) && !p.User.MatchesAny(UsernameList, sel.Usernames))
                    continue;
                plan.Candidates.Add(p.Session);
                string reason = IndividualReason(p, sel, selectors, ownUsername);
                if (reason != null)
                    p.Reason = reason;
                else
                {
                    p.InSelection = true;
                    selected.Add(p);
                }
            }
            List<Planned> named = all.FindAll(delegate(Planned p) { return p.Client.Named; });

            // A pair closes all of its sessions: close it only when every one of them is selected.
            // Spellings of one client (fe80::1 and fe80::1%3) count as one, whatever the server does.
            SameClientGroups pairs = new SameClientGroups(named.FindAll(delegate(Planned p) { return !p.User.IsNull; }),
                delegate(Planned p) { return ((long)p.Client.ZonelessId << 32) | (uint)p.User.KeyId; });
            foreach (Planned p in selected)
            {
                if (p.User.IsNull || !p.Client.Named)
                    continue;
                if (!pairs.AllSelected(p))
                    p.Reason = "pair_has_unselected_session";
            }
            selected = WithoutSkipped(selected);

            // No client name: only NetSessionDel(NULL, user) reaches it, and that ends every session
            // of the user from every client: allowed only when all of them are selected.
            Dictionary<int, bool> userHasUnselected = new Dictionary<int, bool>();
            foreach (Planned p in all)
            {
                if (!p.User.IsNull && !p.InSelection)
                    userHasUnselected[p.User.KeyId] = true;
            }
            Dictionary<int, bool> userWide = new Dictionary<int, bool>();
            foreach (Planned p in selected)
            {
                if (p.Client.Named)
                    continue;
                if (!userHasUnselected.ContainsKey(p.User.KeyId))
                    userWide[p.User.KeyId] = true;
                else
                    p.Reason = "no_client_name";
            }
            selected = WithoutSkipped(selected);

            // A null session can only go with a client-wide close, which takes every session of
            // that client: allowed only when all of them are selected and the client is not us.
            SameClientGroups byClient = new SameClientGroups(named, delegate(Planned p) { return p.Client.ZonelessId; });
            Dictionary<int, bool> clientWide = new Dictionary<int, bool>();
            foreach (Planned p in selected)
            {
                if (!p.User.IsNull)
                    continue;
                if (selectors.MatchesAny(selectors.Own, p.Client))
                    p.Reason = "own_client";
                else if (byClient.AllSelected(p))
                    clientWide[p.Client.KeyId] = true;
                else
                    p.Reason = "null_session_shares_client";
            }
            selected = WithoutSkipped(selected);

            // User-wide calls go first and take every session of their user, so each call's sessions
            // are exactly the sessions it ends (a later client-wide call ends what is left).
            Predicate<Planned> inUserWide = delegate(Planned p) { return !p.User.IsNull && userWide.ContainsKey(p.User.KeyId); };
            List<Planned> ordered = selected.FindAll(inUserWide);
            ordered.AddRange(selected.FindAll(delegate(Planned p) { return !inUserWide(p); }));
            // The three kinds of call never share a key: user-wide (-1, user), client-wide (client, -1), pair.
            Dictionary<long, CloseTarget> byKey = new Dictionary<long, CloseTarget>();
            foreach (Planned p in ordered)
            {
                bool byUserName = inUserWide(p);
                bool wholeClient = !byUserName && clientWide.ContainsKey(p.Client.KeyId);
                long key = ((long)(byUserName ? -1 : p.Client.KeyId) << 32) | (uint)(wholeClient ? -1 : p.User.KeyId);
                CloseTarget target;
                if (!byKey.TryGetValue(key, out target))
                {
                    target = new CloseTarget();
                    target.Client = byUserName ? null : p.Session.Client;
                    target.RawClient = byUserName ? null : p.Session.RawClient;
                    target.UserName = wholeClient ? null : p.Session.UserName;
                    byKey[key] = target;
                    plan.Targets.Add(target);
                }
                target.Sessions.Add(p.Session);
            }
            foreach (Planned p in all)
            {
                if (p.Reason != null)
                {
                    SkippedSession skipped = new SkippedSession();
                    skipped.Session = p.Session;
                    skipped.Reason = p.Reason;
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
        public static CloseRun Run(string server, ClosePlan plan, bool checkMode)
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
                    if (Close(server, target.RawClient, target.UserName) == CloseOutcome.Closed)
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

        /// <summary>Closes every session of (client, user); user null = every session of the client,
        /// client null = every session of the user. The client goes out as the server's own spelling
        /// with the \\ the API requires, the user as its account part, like every other call
        /// (sessions carry no domain).</summary>
        public static CloseOutcome Close(string server, string rawClient, string user)
        {
            string client = String.IsNullOrEmpty(rawClient) ? null :
                (rawClient.StartsWith("\\\\", StringComparison.Ordinal) ? rawClient : "\\\\" + rawClient);
            string apiUser = String.IsNullOrEmpty(user) ? null : AccountName.AccountPart(user);
            return NetSessionApi.Delete(LocalHost.ApiServer(server), client, apiUser);
        }

        /// <summary>A fresh listing still shows a session the call would end (or the listing fails:
        /// then the 5 stays a denial).</summary>
        private static bool TargetRemains(string server, CloseTarget target)
        {
            int level = target.Sessions.Count > 0 && target.Sessions[0].Level > 0 ? target.Sessions[0].Level : 1;
            try
            {
                foreach (SessionInfo s in SessionList.Enumerate(server, null, null, level))
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
