// What the two .ps1 modules call besides listing and closing: client resolution (an
// exclude_client that resolves to nothing must fail the module, a client must warn, a malformed
// network fails as one), the server option (a network is not a server) and the texts the
// modules show. The modules stay thin; these rules are tested here.
using System;
using System.Collections.Generic;
using System.Net;
using System.Reflection;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames;
using ansible_collections.lanman.smb.plugins.module_utils.ClientResolver;
using ansible_collections.lanman.smb.plugins.module_utils.ListAndClose;

internal static partial class Program
{
    private static readonly string[] BlankClients = new string[] {
        null, "", "  ", "\\", "\\\\", "[]", "\\[]", ".", "\\.", " [ ] ", "\u00a0" };

    // ClientResolution's resolver (Dns.GetHostAddresses) swapped for one that logs every name it
    // is asked and resolves none; RestoreLookups puts the real one back.
    private static FieldInfo HostLookup()
    {
        FieldInfo field = typeof(ClientResolution).GetField("hostLookup", BindingFlags.NonPublic | BindingFlags.Static);
        if (field == null)
            throw new TestFailure("ClientResolution.hostLookup (the resolver seam) is missing");
        return field;
    }

    private static List<string> LogLookups()
    {
        List<string> asked = new List<string>();
        HostLookup().SetValue(null, new Func<string, IPAddress[]>(delegate(string host)
        {
            asked.Add(host);
            return new IPAddress[0];
        }));
        return asked;
    }

    private static void RestoreLookups()
    {
        HostLookup().SetValue(null, new Func<string, IPAddress[]>(Dns.GetHostAddresses));
    }

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
                string[] result = ClientResolution.ResolveClient(cases[i, 0], out resolved);
                Equal(cases[i, 1], String.Join(",", result), "selectors for " + cases[i, 0]);
                Check(resolved, cases[i, 0] + " counts as resolved");
            }
        });
        Run("a blank client entry fails ResolveClient(s), naming the option and position, and nothing is looked up", delegate
        {
            // Dns.GetHostAddresses("") answers this host's own addresses: `client: ['\\'], all: true`
            // closed the host's own session (issue 14). Every entry is checked before any lookup.
            List<string> lookups = LogLookups();
            try
            {
                foreach (string blank in BlankClients)
                {
                    foreach (string option in new string[] { "client", "exclude_client" })
                    {
                        string message = ArgumentMessage(delegate { ClientResolution.ResolveClients(option, new string[] { "pc01", blank }); });
                        Check(message != null && message.StartsWith(option + "[1] is empty ("), option + " with " + Printable(blank) + ": " + message);
                    }
                    bool resolved;
                    string single = ArgumentMessage(delegate { ClientResolution.ResolveClient(blank, out resolved); });
                    Check(single != null && single.Contains("empty"), "ResolveClient(" + Printable(blank) + "): " + single);
                }
                Equal("", String.Join(",", lookups.ToArray()), "names looked up");
            }
            finally
            {
                RestoreLookups();
            }
        });
        Run("the resolver itself refuses a blank name (the last guard before Dns.GetHostAddresses)", delegate
        {
            List<string> lookups = LogLookups();
            try
            {
                MethodInfo lookUp = typeof(ClientResolution).GetMethod("LookUp", BindingFlags.NonPublic | BindingFlags.Static);
                foreach (string blank in new string[] { null, "", "  " })
                {
                    Exception thrown = null;
                    try { lookUp.Invoke(null, new object[] { blank }); }
                    catch (TargetInvocationException e) { thrown = e.InnerException; }
                    Check(thrown is InvalidOperationException, "LookUp(" + Printable(blank) + "): " + thrown);
                }
                Equal("", String.Join(",", lookups.ToArray()), "names looked up");
            }
            finally
            {
                RestoreLookups();
            }
        });
        Run("names that are not blank still reach the resolver (the log sees lookups)", delegate
        {
            List<string> lookups = LogLookups();
            try
            {
                bool resolved;
                ClientResolution.ResolveClient("pc01.", out resolved);
                Check(!resolved, "the logging resolver answers nothing");
                ClientResolution r = ClientResolution.ResolveClients("exclude_client", new string[] { "ws42", "10.0.0.5" });
                Equal("pc01,ws42", String.Join(",", lookups.ToArray()), "names looked up (an IP literal never is)");
                Equal("ws42", String.Join(",", r.Unresolved.ToArray()), "unresolved");
            }
            finally
            {
                RestoreLookups();
            }
        });
        Run("a bad server is refused before netapi32 is called: wildcard, unspecified, numeric shorthand, control character", delegate
        {
            Standin.Add("\\10.0.0.5", "bob");
            foreach (string bad in new string[] { "*", "0.0.0.0", "[::]", "127.1", "ff02::1", "fs\u0001" })
            {
                string expected = ArgumentMessage(delegate { LocalHost.CheckServer(bad); });
                Check(expected != null, "CheckServer(" + Printable(bad) + ") refuses it");
                Equal(expected, ArgumentMessage(delegate { LocalHost.IsLocalServer(bad); }), "IsLocalServer(" + Printable(bad) + ")");
                Equal(expected, ArgumentMessage(delegate { SessionList.ListSessions(bad, null, null, -1); }), "ListSessions(" + Printable(bad) + ")");
                Equal(expected, ArgumentMessage(delegate { CloseExecutor.Close(bad, "\\10.0.0.5", "bob"); }), "Close(" + Printable(bad) + ")");
            }
            Equal(0, CallLog.All().Count, "no native call: " + CallLog.Joined(CallLog.All()));
            Equal(1, Standin.standin_remaining_sessions(), "bob's session stays");
            LocalHost.CheckServer(null);   // unset: this host
            LocalHost.CheckServer("");
            LocalHost.CheckServer(".");
        });
        Run("this host's own addresses carry no IPv6 %zone: the server numbers its interfaces itself", delegate
        {
            // A zone is this host's interface number; the server reports our link-local address with
            // its own number, so a zoned own address would never match and protect nothing.
            foreach (string own in LocalHost.LocalAddresses())
                Check(own.IndexOf('%') < 0, "own address with a zone: " + own);
            Equal("fe80::1", ClientName.WithoutZone("fe80::1%12"), "zone dropped");
            Equal("10.0.0.5", ClientName.WithoutZone("10.0.0.5"), "no zone, unchanged");
        });
        Run("ResolveClient: a name that resolves to nothing says so and is kept only as a name", delegate
        {
            bool resolved;
            string[] result = ClientResolution.ResolveClient("backup01.example.invalid", out resolved);
            Check(!resolved, "not resolved");
            Equal("backup01.example.invalid", String.Join(",", result), "kept as a name");
            result = ClientResolution.ResolveClient("localhost", out resolved);
            Check(resolved, "localhost resolves");
            Check(Array.IndexOf(result, "127.0.0.1") >= 0 || Array.IndexOf(result, "::1") >= 0, "to loopback: " + String.Join(",", result));
            Equal("localhost", result[0], "the name itself first");
        });
        Run("ResolveClient(s): a malformed network is refused as one, naming the option, before any lookup", delegate
        {
            foreach (string bad in new string[] { "10.0.0.5/33", "10.1.0.0/16/2", "pc01/24", "fd00::/129" })
            {
                bool resolved = true;
                string single = null;
                try { ClientResolution.ResolveClient(bad, out resolved); }
                catch (ArgumentException e) { single = e.Message; }
                Check(single != null && single.StartsWith("'" + bad + "' is not a valid network"), "ResolveClient(" + bad + "): " + single);
                string named = null;
                try { ClientResolution.ResolveClients("exclude_client", new string[] { "10.0.0.5", bad, "x.example.invalid" }); }
                catch (ArgumentException e) { named = e.Message; }
                Check(named != null && named.StartsWith("exclude_client '" + bad + "' is not a valid network") &&
                    !named.Contains("does not resolve"), "ResolveClients(" + bad + "): " + named);
            }
            string client = null;
            try { ClientResolution.ResolveClients("client", new string[] { "10.1.0.0/33" }); }
            catch (ArgumentException e) { client = e.Message; }
            Check(client != null && client.StartsWith("client '10.1.0.0/33' is not a valid network"), "client option: " + client);
        });
        Run("ResolveClients: selectors of every entry, the unresolved names", delegate
        {
            ClientResolution r = ClientResolution.ResolveClients("client", new string[] { "10.1.0.0/16", "x.example.invalid", "10.0.0.5", "10.0.0.5" });
            Equal("10.1.0.0/16,x.example.invalid,10.0.0.5", String.Join(",", r.Selectors.ToArray()), "selectors");
            Equal("x.example.invalid", String.Join(",", r.Unresolved.ToArray()), "unresolved");
            Equal(0, ClientResolution.ResolveClients("client", null).Selectors.Count, "null option");
        });
        Run("the texts the modules show for unresolved names are the shared ones", delegate
        {
            Equal("exclude_client 'backup01' does not resolve to any address, so it would protect nothing; fix the name " +
                "or give its IP address.", ClientResolution.UnresolvedExcludeMessage("backup01"), "exclude");
            Equal("client 'x' does not resolve; matching it only as a name the server might report",
                ClientResolution.UnresolvedClientWarning("x"), "client");
            ClientResolution r = ClientResolution.ResolveClients("client", new string[] { "a.example.invalid", "10.0.0.5", "b.example.invalid" });
            Equal(ClientResolution.UnresolvedExcludeMessage("a.example.invalid") + "|" + ClientResolution.UnresolvedExcludeMessage("b.example.invalid"),
                String.Join("|", r.ExclusionErrors().ToArray()), "one error per unresolved exclusion");
            Equal(ClientResolution.UnresolvedClientWarning("a.example.invalid") + "|" + ClientResolution.UnresolvedClientWarning("b.example.invalid"),
                String.Join("|", r.SelectorWarnings().ToArray()), "one warning per unresolved client");
            Equal(0, ClientResolution.ResolveClients("client", new string[] { "10.0.0.5", "10.1.0.0/16" }).ExclusionErrors().Count, "none");
        });
        Run("server: a network (or anything with '/') is refused before netapi32 is called", delegate
        {
            Standin.Add("\\\\10.0.0.5", "bob");
            foreach (string bad in new string[] { "10.0.0.0/8", "fd00::/8", "\\\\fs01/share", "127.0.0.1/32" })
            {
                string message = null;
                try { LocalHost.IsLocalServer(bad); }
                catch (ArgumentException e) { message = e.Message; }
                Check(message != null && message.Contains("'" + bad + "'") && message.Contains("not a server"), "IsLocalServer(" + bad + "): " + message);
                message = null;
                try { SessionList.ListSessions(bad, null, null, -1); }
                catch (ArgumentException e) { message = e.Message; }
                Check(message != null && message.Contains("not a server"), "ListSessions(" + bad + "): " + message);
                message = null;
                try { CloseExecutor.Close(bad, "\\\\10.0.0.5", "bob"); }
                catch (ArgumentException e) { message = e.Message; }
                Check(message != null && message.Contains("not a server"), "Close(" + bad + "): " + message);
            }
            Equal(0, CallLog.All().Count, "no native call: " + CallLog.Joined(CallLog.All()));
            Equal(1, Standin.standin_remaining_sessions(), "bob's session stays");
        });
        Run("a null-session username is never a wire filter: the \"\" sessions it names are listed", delegate
        {
            Standin.Add("\\\\10.0.0.1", "");
            Standin.Add("\\\\10.0.0.2", "bob");
            foreach (string anonymous in new string[] { "ANONYMOUS LOGON", "nt authority\\anonymous logon" })
            {
                foreach (int level in new int[] { -1, 1, 0 })
                {
                    CallLog.standin_log_clear();
                    SessionListing listing = SessionList.ListSessions(null, null, new string[] { anonymous }, level);
                    Equal(1, listing.Sessions.Count, anonymous + " at level " + level + ": sessions");
                    Equal("10.0.0.1", listing.Sessions[0].Client, anonymous + " at level " + level + ": the \"\" session");
                    foreach (string line in CallLog.Of("NetSessionEnum"))
                        Check(line.Contains("user=NULL"), "no user on the wire: " + line);
                }
            }
            CallLog.standin_log_clear();
            Equal(1, SessionList.ListSessions(null, null, new string[] { "bob" }, 1).Sessions.Count, "bob");
            Check(CallLog.Of("NetSessionEnum")[0].Contains("user=\"bob\""), "a named user still goes on the wire");
        });
        Run("ErrorText: the innermost message of what PowerShell wraps", delegate
        {
            NetSessionException inner = new NetSessionException(5, "NetSessionEnum", null, false);
            Exception wrapped = new InvalidOperationException("Exception calling \"ListSessions\" with \"5\" argument(s)",
                new InvalidOperationException("middle", inner));
            Equal(inner.Message, SessionErrors.ErrorText(wrapped), "unwrapped");
            Equal("plain", SessionErrors.ErrorText(new ArgumentException("plain")), "not wrapped");
        });
    }
}
