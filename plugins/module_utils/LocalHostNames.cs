// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// Whether a server option names this host, the UNC name netapi32 gets, and this host's own
// names and addresses (the caller's own session). Python twin: local_host_names.py.
// C# 5 only.
//
// Each `using ansible_collections...module_utils.<Name>;` line below is how this util requires
// another: ansible-core's PSModuleDepFinder (executor/powershell/module_manifest.py,
// _re_cs_module) reads them as its dependencies, and Add-CSharpType compiles every C# util a
// module needs into one assembly (tests/static/test_csharp_util_deps.py).
//TypeAccelerator -Name LanmanLocalHost -TypeName LocalHost

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;

namespace ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames
{
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
}
