// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// The names of an SMB session for the lanman.smb Windows modules: one session with the
// contract's normalised fields (SessionInfo), client names and networks (ClientName,
// ClientNetwork), account names (AccountName) and the selector entries the modules refuse
// (SelectorCheck). Python twin: session_names.py.
// C# 5 only.
//
// Each `using ansible_collections...module_utils.<Name>;` line below is how this util requires
// another: ansible-core's PSModuleDepFinder (executor/powershell/module_manifest.py,
// _re_cs_module) reads them as its dependencies, and Add-CSharpType compiles every C# util a
// module needs into one assembly (tests/static/test_csharp_util_deps.py).
//TypeAccelerator -Name LanmanSessionInfo -TypeName SessionInfo
//TypeAccelerator -Name LanmanClientName -TypeName ClientName
//TypeAccelerator -Name LanmanAccountName -TypeName AccountName
//TypeAccelerator -Name LanmanSelectorCheck -TypeName SelectorCheck

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;

namespace ansible_collections.lanman.smb.plugins.module_utils.SessionNames
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

        /// <summary>Two clients as servers name them (never a selector: a / is not a network here) are
        /// one: the Matches rules for names (case, trailing dot, a missing %zone on one side).</summary>
        public static bool SameClient(string client, string other)
        {
            string a = Key(client), b = Key(other);
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
    /// listed (session_names.check_selector_entries and local_host_names.normalise_server in the
    /// Python twin; the shared table is tests/fixtures/selector_check_cases.json).</summary>
    public static class SelectorCheck
    {
        internal const string EmptyEntryMessage = "{0}[{1}] is empty ({2}): an empty entry selects nothing. Remove it, " +
            "or leave {0} unset; a template such as \"{{{{ user | default('') }}}}\" gives one: use default(omit).";

        private const string NotAShareNameMessage = "{0}[{1}] '{2}' is not a share name: give the name of one share " +
            "only, e.g. Data (not \\\\server\\Data).";

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
            if (!client && option != "username" && option != "exclude_username" && option != "share")
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
                // A qualifier starting with \\ names a computer: the server then lists share names, not users.
                if (problem == null && option == "share" && (entry.Contains("\\") || entry.Contains("/")))
                    problem = String.Format(CultureInfo.InvariantCulture, NotAShareNameMessage, option, i, entry);
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
}
