// Name and planning rules of SessionRules.cs that are not planning vectors: client name forms,
// IPv6 zones, ANONYMOUS LOGON, CIDR selectors (also through SessionList.ListSessions) and a user-wide
// close run against the stand-in. tests/unit/plugins/module_utils/test_session_rules_tables.py
// holds the same tables for the Python twin.
using System;
using System.Collections.Generic;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.SessionRules;

internal static partial class Program
{
    private static readonly string[,] NormalizeCases = new string[,] {
        { "010.1.0.5", "010.1.0.5" }, { "::a01:203", "::a01:203" }, { "::10.1.2.3", "::a01:203" },
        { "1:0:0:1:0:0:0:1", "1:0:0:1::1" }, { "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0" }, { "FD00::", "fd00::" },
        { "::ffff:0:1.2.3.4", "::ffff:0:102:304" }, { "0:0:0:0:0:0:0:0", "::" }, { "::ffff:010.1.0.5", "::ffff:010.1.0.5" },
        { "10.0.0.5%3", "10.0.0.5%3" }, { "\\\\[fe80::1%]", "fe80::1%" }, { "  ", "" }, { "\\\\", "" },
        { "[FE80::1%eth0]", "fe80::1%eth0" }, { "2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
    };

    // client, selector, "1" when they match
    private static readonly string[,] MatchCases = new string[,] {
        { "fe80::1%3", "fe80::1", "1" }, { "fe80::1", "\\\\[FE80::0:1%3]", "1" }, { "fe80::1%3", "fe80::1%4", "" },
        { "fe80::1%3", "FE80::0:1%3", "1" }, { "fe80::1%3", "fe80::2", "" }, { "host%3", "host", "" },
        { "10.0.0.5%3", "10.0.0.5", "" }, { "", "", "" }, { "", "10.0.0.0/8", "" }, { "10.1.2.3", "10.1.0.0/16", "1" },
        { "::ffff:10.1.2.3", "10.1.0.0/16", "1" }, { "10.1.2.3", "::ffff:10.1.0.0/112", "1" }, { "10.1.2.3", "::/0", "1" },
        { "fd00::1", "0.0.0.0/0", "" }, { "pc01", "0.0.0.0/0", "" }, { "fe80::1%3", "fe80::/10", "1" },
        { "10.1.2.3", "10.1.2.3/32", "1" }, { "10.1.2.4", "10.1.2.3/32", "" }, { "\\\\[fd00::1]", "[fd00::]/8", "1" },
        { "10.1.2.3", "\\\\10.1.0.0/16", "1" }, { "10.1.0.0/16", "10.1.0.0/16", "" }, { "010.1.2.3", "10.0.0.0/8", "" },
        { "10.255.255.255", "10.0.0.0/8", "1" }, { "11.0.0.0", "10.0.0.0/8", "" }, { "fc00::1", "fd00::/8", "" },
    };

    private static readonly string[] MalformedNetworks = new string[] {
        "10.1.0.0/33", "10.1.0.0/16/2", "fd00::/129", "pc01/24", "010.1.0.0/16", "10.1.0.0/255.255.0.0",
        "10.1.0.0/", "/16", "fe80::%3/64", "10.1.0.0/-1", "10.1.0.0/ 16", "10.1.0.0/1e1", "10.1.0.0/\u0663", "10.1/16",
    };

    // user, "1" when a null session
    private static readonly string[,] NullSessionCases = new string[,] {
        { "", "1" }, { " ", "1" }, { "ANONYMOUS LOGON", "1" }, { "anonymous logon", "1" },
        { "NT AUTHORITY\\ANONYMOUS LOGON", "1" }, { "nt authority\\Anonymous Logon", "1" }, { "CORP\\ANONYMOUS LOGON", "" },
        { "ANONYMOUS", "" }, { "ANONYMOUS LOGON$", "" }, { "bob", "" },
    };

    // session user, selector, "1" when they match
    private static readonly string[,] UserMatchCases = new string[,] {
        { "", "ANONYMOUS LOGON", "1" }, { "ANONYMOUS LOGON", "nt authority\\anonymous logon", "1" }, { "bob", "", "" },
        { "", "", "" }, { "ANONYMOUS LOGON", "anonymous", "" }, { "bob", "ANONYMOUS LOGON", "" },
        { "ANONYMOUS LOGON", "bob", "" }, { "Bob", "CORP\\BOB", "1" }, { "bob", " ", "" },
    };

    static partial void PlannerRuleTests()
    {
        Run("rules: client names normalise like Python's ipaddress (no octal, RFC 5952 IPv6)", delegate
        {
            for (int i = 0; i < NormalizeCases.GetLength(0); i++)
                Equal(NormalizeCases[i, 1], ClientName.Normalize(NormalizeCases[i, 0]), "normalise " + NormalizeCases[i, 0]);
            Check(!ClientName.IsIpLiteral("010.1.0.5") && ClientName.IsIpLiteral("10.1.0.5"), "octal is not an IP literal");
        });
        Run("rules: client matching with zones and networks", delegate
        {
            for (int i = 0; i < MatchCases.GetLength(0); i++)
                Equal(MatchCases[i, 2] == "1", ClientName.Matches(MatchCases[i, 0], MatchCases[i, 1]),
                    "Matches(" + MatchCases[i, 0] + ", " + MatchCases[i, 1] + ")");
            Check(!ClientName.Matches(null, "10.0.0.0/8") && !ClientName.Matches("10.0.0.1", null), "null");
        });
        Run("rules: a malformed network is an ArgumentException that names it and the right form", delegate
        {
            foreach (string bad in MalformedNetworks)
            {
                string message = null;
                try { ClientName.Matches("10.1.0.5", bad); }
                catch (ArgumentException e) { message = e.Message; }
                Check(message != null, "no ArgumentException for " + bad);
                Check(message.Contains("'" + bad + "'") && message.Contains("10.1.0.0/16"), "message for " + bad + ": " + message);
            }
            string named = null;
            try { ClientName.ValidateSelectors("exclude_client", new string[] { "pc01", "10.1.0.0/33" }); }
            catch (ArgumentException e) { named = e.Message; }
            Check(named != null && named.StartsWith("exclude_client '10.1.0.0/33' is not a valid network"), "option named: " + named);
            ClientName.ValidateSelectors("client", new string[] { "pc01", "10.1.2.3/16", "fd00::/8", "::ffff:10.0.0.0/104" });
        });
        Run("rules: a network ignores host bits and is never an IP literal", delegate
        {
            Equal("10.1.0.0/16", ClientName.ParseNetwork("10.1.2.3/16").ToString(), "host bits");
            Equal("fd00::/8", ClientName.ParseNetwork("\\\\[fdff::1]/8").ToString(), "ipv6 host bits");
            Equal("0.0.0.0/0", ClientName.ParseNetwork("10.1.2.3/0").ToString(), "/0");
            Equal(null, ClientName.ParseNetwork("10.1.2.3"), "an address is not a network");
            Check(ClientName.IsNetwork("10.1.0.0/16") && !ClientName.IsIpLiteral("10.1.0.0/16"), "network, not literal");
            // the one-entry cache must not hand an earlier selector's network to a later one
            Check(ClientName.Matches("10.1.0.5", "10.1.0.0/16") && !ClientName.Matches("10.1.0.5", "10.2.0.0/16")
                && ClientName.Matches("10.1.0.5", "10.1.0.0/16"), "cache");
        });
        Run("rules: ANONYMOUS LOGON is a null session; selectors that name it name every null session", delegate
        {
            for (int i = 0; i < NullSessionCases.GetLength(0); i++)
                Equal(NullSessionCases[i, 1] == "1", AccountName.IsNullSession(NullSessionCases[i, 0]), "null session " + NullSessionCases[i, 0]);
            Check(AccountName.IsNullSession(null), "NULL");
            Check(!AccountName.IsMachineAccount("ANONYMOUS LOGON"), "not a machine");
            for (int i = 0; i < UserMatchCases.GetLength(0); i++)
                Equal(UserMatchCases[i, 2] == "1", AccountName.Matches(UserMatchCases[i, 0], UserMatchCases[i, 1]),
                    "Matches(" + UserMatchCases[i, 0] + ", " + UserMatchCases[i, 1] + ")");
            Equal("(anonymous)@10.0.0.5", new SessionInfo("\\\\10.0.0.5", "NT AUTHORITY\\ANONYMOUS LOGON", 1).DiffEntry(), "diff");
            Equal("alice@(no client)", new SessionInfo(null, "alice", 1).DiffEntry(), "diff without client");
            Equal("alice@(no client)", new SessionInfo("", "alice", 1).DiffEntry(), "diff with empty client");
        });
        Run("rules: List matches CIDR filters locally and never sends one on the wire", delegate
        {
            Standin.Add("\\\\10.1.0.5", "bob");
            Standin.Add("\\\\10.2.0.5", "carol");
            Standin.Add("\\\\[fd00::5]", "dave");
            Standin.Add("\\\\[fe80::1%3]", "eve");
            int used;
            List<SessionInfo> found = Listed(null, new string[] { "10.1.0.0/16" }, null, 1, 1, out used);
            Equal(1, found.Count, "one IPv4 network");
            Equal("bob", found[0].UserName, "bob");
            Equal("", Standin.LastClient(), "a network never goes on the wire");
            found = Listed(null, new string[] { "fd00::/8", "fe80::1" }, null, 1, 1, out used);
            Equal("dave,eve", String.Join(",", found.ConvertAll(delegate(SessionInfo s) { return s.UserName; }).ToArray()),
                "IPv6 network and a zone-less link-local");
            bool threw = false;
            try { Listed(null, new string[] { "10.1.0.0/33" }, null, 1, 1, out used); }
            catch (ArgumentException) { threw = true; }
            Check(threw, "malformed network");
        });
        Run("rules: a user-wide close is NetSessionDel(NULL, user) and reports every session it ends", delegate
        {
            Standin.Add("", "alice");
            Standin.Add("\\\\10.0.0.5", "alice");
            Standin.Add("\\\\10.0.0.6", "bob");
            List<SessionInfo> all = SessionList.Enumerate(null, null, null, 502);
            CloseSelection sel = new CloseSelection();
            sel.Usernames = new string[] { "alice" };
            ClosePlan plan = ClosePlanner.Plan(all, sel);
            Equal(1, plan.Targets.Count, "one call");
            Equal(null, plan.Targets[0].Client, "no client");
            CloseRun run = CloseExecutor.Run(null, plan, false);
            Equal(1, Standin.standin_calls(Standin.Del), "one NetSessionDel");
            Equal("", Standin.LastClient(), "NULL client sent");
            Equal("alice", Standin.LastUser(), "user sent");
            Equal(1, Standin.standin_remaining_sessions(), "bob stays");
            Equal(2, run.Closed.Count, "both alice sessions reported closed");
            Equal(0, Standin.standin_both_null_deletes(), "never both NULL");
        });
        Run("rules: the audit case closes nothing and makes no call", delegate
        {
            Standin.Add("", "alice");
            Standin.Add("\\\\10.0.0.5", "alice");
            List<SessionInfo> all = SessionList.Enumerate(null, null, null, 502);
            CloseSelection sel = new CloseSelection();
            sel.All = true;
            sel.ExcludeClients = new string[] { "10.0.0.5" };
            CloseRun run = CloseExecutor.Run(null, ClosePlanner.Plan(all, sel), false);
            Equal(0, Standin.standin_calls(Standin.Del), "no NetSessionDel");
            Equal(2, Standin.standin_remaining_sessions(), "both alice sessions stay");
            Equal("no_client_name,excluded_client", String.Join(",", run.Skipped.ConvertAll(delegate(SkippedSession k) { return k.Reason; }).ToArray()), "reasons");
        });
        Run("rules: a malformed network in the selection fails the plan with its option named", delegate
        {
            CloseSelection sel = new CloseSelection();
            sel.All = true;
            sel.ExcludeClients = new string[] { "10.1.0.0/16/2" };
            CloseSelectionException error = null;
            try { ClosePlanner.Plan(new List<SessionInfo>(), sel); }
            catch (CloseSelectionException e) { error = e; }
            Check(error != null, "no exception");
            Equal("bad_client_selector", error.Code, "code");
            Check(error.Message.StartsWith("exclude_client '10.1.0.0/16/2' is not a valid network"), error.Message);
            Check(error is ArgumentException, "an ArgumentException, as the modules expect");
        });
    }
}
