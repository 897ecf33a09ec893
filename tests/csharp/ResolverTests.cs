// What the utils make of the runtime's resolver. Runtimes answer differently (Mono and CoreCLR
// differ on Dns.GetHostAddresses(""), on canonical host names and on IPv6 spellings), so every
// answer must be normalised before it becomes a selector, and a name with nothing to look up must
// never reach the resolver. The names resolve through the table tests/csharp/conftest.py gives
// nss_wrapper (RESOLVER_HOSTS); this program runs on Mono and on CoreCLR.
using System;
using System.Collections.Generic;
using System.Net;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames;
using ansible_collections.lanman.smb.plugins.module_utils.ClientResolver;
using ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning;

internal static partial class Program
{
    // The name, then the addresses in order of the text (a runtime may order them differently).
    private static string Resolved(string[] selectors)
    {
        List<string> addresses = new List<string>(selectors);
        addresses.RemoveAt(0);
        addresses.Sort(StringComparer.Ordinal);
        return selectors[0] + "|" + String.Join(",", addresses.ToArray());
    }

    // A test this runtime cannot run, with the reason; conftest.py (SKIPS) pins which ones.
    private static void Skip(string name, string why)
    {
        Console.WriteLine("SKIP " + name + ": " + why);
    }

    static partial void ResolverTests()
    {
        Run("ResolveClient: a resolver's answer becomes a selector normalised, once, never as the canonical name", delegate
        {
            string[,] cases = new string[,] {
                { "mapped.lanman.test", "mapped.lanman.test|10.1.2.3" },          // answered ::ffff:10.1.2.3
                { "v6.lanman.test", "v6.lanman.test|fd00::7" },                   // answered FD00:0:0:0:0:0:0:7
                { "V6.Lanman.Test.", "V6.Lanman.Test.|fd00::7" },                 // the root dot is not looked up
                { "\\\\linklocal.lanman.test", "linklocal.lanman.test|fe80::5" }, // never with a %zone
                { "alias.lanman.test", "alias.lanman.test|10.9.8.7" },            // not canon.lanman.test
                { "pair.lanman.test", "pair.lanman.test|10.9.8.8,fd00::8" },
                { "samepair.lanman.test", "samepair.lanman.test|10.9.8.8" },      // answered twice
            };
            for (int i = 0; i < cases.GetLength(0); i++)
            {
                bool resolved;
                string[] result = ClientResolution.ResolveClient(cases[i, 0], out resolved);
                Check(resolved, cases[i, 0] + " resolves (is the controlled resolver in place?)");
                Equal(cases[i, 1], Resolved(result), "selectors for " + cases[i, 0]);
            }
        });
        Run("a name with nothing to look up (\\\\, ., [], ..) is refused before the resolver: never looked up, closes nothing", delegate
        {
            // Dns.GetHostAddresses("") answers this host's own addresses (Mono: an interface's,
            // CoreCLR: its name's): client '.' would close this host's sessions, exclude_client '.'
            // would protect them instead of failing. Issue 14 (R1): such an entry fails the module.
            List<string> own = new List<string>();
            foreach (IPAddress ip in Dns.GetHostAddresses(""))
                own.Add(ClientName.Normalize(ip.ToString()));
            Check(own.Count > 0, "this runtime answers the empty name (else this test shows nothing)");
            foreach (string name in new string[] { "\\\\", ".", "\\\\.", "..", "[]", "\\\\[]", " . ", "\\\\ " })
            {
                bool resolved;
                string single = null;
                try { ClientResolution.ResolveClient(name, out resolved); }
                catch (ArgumentException e) { single = e.Message; }
                Check(single != null, "ResolveClient('" + name + "') is refused");
                foreach (string option in new string[] { "client", "exclude_client" })
                {
                    string message = null;
                    try { ClientResolution.ResolveClients(option, new string[] { "files01", name }); }
                    catch (ArgumentException e) { message = e.Message; }
                    Check(message != null && message.StartsWith(option + "[1] is empty"),
                        option + " '" + name + "' fails naming the entry, got: " + message);
                }
                // The planner itself, handed such a selector anyway, closes none of bob's sessions
                // from the addresses the empty name resolves to.
                Standin.standin_reset();
                foreach (string address in own)
                    Standin.Add("\\\\" + address, "bob");
                CloseSelection sel = SelectUsers("bob");
                sel.Clients = new string[] { name };
                Equal(0, CloseFor(null, sel).Closed.Count, "client '" + name + "' closes bob's sessions from " +
                    String.Join(",", own.ToArray()));
            }
        });
        string canonical = "this host's canonical name from the resolver is local";
        if (Type.GetType("Mono.Runtime") != null)
            Skip(canonical, "Mono answers this host's own name from its interfaces, without the canonical name");
        else
        {
            Run(canonical, delegate
            {
                string fqdn = Environment.GetEnvironmentVariable("LANMAN_HOST_FQDN");
                Check(!String.IsNullOrEmpty(fqdn), "LANMAN_HOST_FQDN (set by tests/csharp/conftest.py) is missing");
                foreach (string name in new string[] { fqdn, fqdn + ".", fqdn.ToUpperInvariant(), "\\\\" + fqdn })
                    Check(LocalHost.IsLocalServer(name), "IsLocalServer(" + name + ")");
                Check(!LocalHost.IsLocalServer("other." + fqdn), "a name under it is another host");
            });
        }
    }
}
