// What the two .ps1 modules call besides listing and closing: client resolution (an
// exclude_client that resolves to nothing must fail the module, a client must warn) and the
// texts the modules show. The modules stay thin; these rules are tested here.
using System;
using System.Collections.Generic;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;

internal static partial class Program
{
    static partial void ModuleGlueTests()
    {
        Run("ResolveClient: IP literals and CIDR networks pass unchanged and count as resolved", delegate
        {
            string[,] cases = new string[,] {
                { "10.1.0.0/16", "10.1.0.0/16" }, { "fd00::/8", "fd00::/8" }, { "10.0.0.5/32", "10.0.0.5/32" },
                { "10.0.0.5", "10.0.0.5" }, { "\\\\10.0.0.5", "10.0.0.5" }, { "[FE80::0:1]", "fe80::1" },
            };
            for (int i = 0; i < cases.GetLength(0); i++)
            {
                bool resolved;
                string[] result = NetSessionApi.ResolveClient(cases[i, 0], out resolved);
                Equal(cases[i, 1], String.Join(",", result), "selectors for " + cases[i, 0]);
                Check(resolved, cases[i, 0] + " counts as resolved");
            }
        });
        Run("ResolveClient: a name that resolves to nothing says so and is kept only as a name", delegate
        {
            bool resolved;
            string[] result = NetSessionApi.ResolveClient("backup01.example.invalid", out resolved);
            Check(!resolved, "not resolved");
            Equal("backup01.example.invalid", String.Join(",", result), "kept as a name");
            result = NetSessionApi.ResolveClient("10.0.0.5/33", out resolved);
            Check(!resolved, "an impossible prefix is not a network: looked up as a name, and fails");
            result = NetSessionApi.ResolveClient("localhost", out resolved);
            Check(resolved, "localhost resolves");
            Check(Array.IndexOf(result, "127.0.0.1") >= 0 || Array.IndexOf(result, "::1") >= 0, "to loopback: " + String.Join(",", result));
            Equal("localhost", result[0], "the name itself first");
        });
        Run("ResolveClients: selectors of every entry, the unresolved names, blanks ignored", delegate
        {
            ClientResolution r = NetSessionApi.ResolveClients(new string[] { "10.1.0.0/16", null, "", "x.example.invalid", "10.0.0.5", "10.0.0.5" });
            Equal("10.1.0.0/16,x.example.invalid,10.0.0.5", String.Join(",", r.Selectors.ToArray()), "selectors");
            Equal("x.example.invalid", String.Join(",", r.Unresolved.ToArray()), "unresolved");
            Equal(0, NetSessionApi.ResolveClients(null).Selectors.Count, "null option");
        });
        Run("the texts the modules show for unresolved names are the shared ones", delegate
        {
            Equal("exclude_client 'backup01' does not resolve to any address, so it would protect nothing; fix the name " +
                "or give its IP address.", ClientResolution.UnresolvedExcludeMessage("backup01"), "exclude");
            Equal("client 'x' does not resolve; matching it only as a name the server might report",
                ClientResolution.UnresolvedClientWarning("x"), "client");
            ClientResolution r = NetSessionApi.ResolveClients(new string[] { "a.example.invalid", "10.0.0.5", "b.example.invalid" });
            Equal(ClientResolution.UnresolvedExcludeMessage("a.example.invalid") + "|" + ClientResolution.UnresolvedExcludeMessage("b.example.invalid"),
                String.Join("|", r.ExclusionErrors().ToArray()), "one error per unresolved exclusion");
            Equal(ClientResolution.UnresolvedClientWarning("a.example.invalid") + "|" + ClientResolution.UnresolvedClientWarning("b.example.invalid"),
                String.Join("|", r.SelectorWarnings().ToArray()), "one warning per unresolved client");
            Equal(0, NetSessionApi.ResolveClients(new string[] { "10.0.0.5", "10.1.0.0/16" }).ExclusionErrors().Count, "none");
        });
        Run("ErrorText: the innermost message of what PowerShell wraps", delegate
        {
            NetSessionException inner = new NetSessionException(5, "NetSessionEnum", null, false);
            Exception wrapped = new InvalidOperationException("Exception calling \"ListSessions\" with \"5\" argument(s)",
                new InvalidOperationException("middle", inner));
            Equal(inner.Message, NetSessionApi.ErrorText(wrapped), "unwrapped");
            Equal("plain", NetSessionApi.ErrorText(new ArgumentException("plain")), "not wrapped");
        });
    }
}
