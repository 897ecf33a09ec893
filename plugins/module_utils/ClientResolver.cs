// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// Client selectors turned into the addresses servers report, and the names that resolve to
// nothing (a warning for client, a failure for exclude_client). Python twin: client_resolver.py.
// C# 5 only.
//
// Each `using ansible_collections...module_utils.<Name>;` line below is how this util requires
// another: ansible-core's PSModuleDepFinder (executor/powershell/module_manifest.py,
// _re_cs_module) reads them as its dependencies, and Add-CSharpType compiles every C# util a
// module needs into one assembly (tests/static/test_csharp_util_deps.py).
//TypeAccelerator -Name LanmanClientResolution -TypeName ClientResolution

using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;

namespace ansible_collections.lanman.smb.plugins.module_utils.ClientResolver
{
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
}
