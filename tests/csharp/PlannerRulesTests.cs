// Name and planning rules (SessionNames.cs, ClosePlanning.cs) that are not planning vectors: client name forms,
// IPv6 zones, ANONYMOUS LOGON, CIDR selectors (also through SessionList.ListSessions) and a user-wide
// close run against the stand-in. The tables are tests/fixtures/name_rule_cases.json, which
// tests/unit/plugins/module_utils/test_name_rule_tables.py runs through the Python twin.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames;
using ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning;
using ansible_collections.lanman.smb.plugins.module_utils.ListAndClose;

internal static partial class Program
{
    // The name-rule tables of tests/fixtures/name_rule_cases.json, which the Python twin runs too,
    // by table name: one row is the arguments and then the expected result (the driver's cells).
    private static readonly Dictionary<string, List<string[]>> NameRules = new Dictionary<string, List<string[]>>();

    private static void LoadNameRules(string path)
    {
        foreach (string line in File.ReadAllLines(path, Encoding.UTF8))
        {
            string[] parts = line.Split('\t');
            string[] row = new string[parts.Length - 1];
            for (int k = 1; k < parts.Length; k++)
                row[k - 1] = Cell(parts[k]);
            if (!NameRules.ContainsKey(parts[0]))
                NameRules[parts[0]] = new List<string[]>();
            NameRules[parts[0]].Add(row);
        }
    }

    // A table that is missing fails the test that needs it, so no rule passes unchecked.
    private static List<string[]> Rows(string table)
    {
        if (!NameRules.ContainsKey(table) || NameRules[table].Count == 0)
            throw new InvalidOperationException("name rule table '" + table + "' missing: pass name_rule_cases as the second argument");
        return NameRules[table];
    }

    // tests/fixtures/selector_check_cases.json (the Python twin runs it too): selector rows are
    // option, expected error (null: accepted) and the entries (null: the option unset); server rows
    // are the server and the expected error. Cells are base64 (entries hold tabs and newlines).
    private sealed class SelectorRow
    {
        public string Option, Error;
        public string[] Entries;
    }

    private static readonly List<SelectorRow> SelectorRows = new List<SelectorRow>();
    private static readonly List<string[]> ServerRows = new List<string[]>();

    private static string CheckCell(string cell)
    {
        return cell == "<null>" ? null : Encoding.UTF8.GetString(Convert.FromBase64String(cell));
    }

    private static void LoadSelectorChecks(string path)
    {
        foreach (string line in File.ReadAllLines(path, Encoding.UTF8))
        {
            string[] parts = line.Split('\t');
            if (parts[0] == "SERVER")
            {
                ServerRows.Add(new string[] { CheckCell(parts[1]), CheckCell(parts[2]) });
                continue;
            }
            SelectorRow row = new SelectorRow();
            row.Option = parts[1];
            row.Error = CheckCell(parts[2]);
            int count = Int32.Parse(parts[3]);
            if (count >= 0)
            {
                row.Entries = new string[count];
                for (int k = 0; k < count; k++)
                    row.Entries[k] = CheckCell(parts[4 + k]);
            }
            SelectorRows.Add(row);
        }
    }

    // Control characters as \uXXXX: a row's name stays on one output line.
    private static string Printable(string text)
    {
        if (text == null)
            return "null";
        StringBuilder shown = new StringBuilder();
        foreach (char c in text)
            shown.Append(c < 0x20 || (c >= 0x7F && c <= 0x9F) ? "\\u" + ((int)c).ToString("x4") : c.ToString());
        return shown.ToString();
    }

    private static string ArgumentMessage(Action action)
    {
        try
        {
            action();
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
        return null;
    }

    private static void SelectorCheckTests()
    {
        Run("rules: the selector-check table was loaded", delegate
        {
            Check(SelectorRows.Count > 0 && ServerRows.Count > 0, "pass selector_check_cases as the third argument");
        });
        foreach (SelectorRow row in SelectorRows)
        {
            SelectorRow r = row;
            string entries = r.Entries == null ? "unset" : String.Join(", ", Array.ConvertAll(r.Entries, Printable));
            Run("check: " + r.Option + " [" + entries + "]", delegate
            {
                string[] accepted = null;
                string message = ArgumentMessage(delegate { accepted = SelectorCheck.Entries(r.Option, r.Entries); });
                Equal(r.Error, message, "error");
                if (r.Error == null)
                    Equal(r.Entries == null ? "" : String.Join("|", r.Entries), String.Join("|", accepted), "the entries back");
            });
        }
        foreach (string[] row in ServerRows)
        {
            string[] r = row;
            Run("check: server " + Printable(r[0]), delegate
            {
                Equal(r[1], ArgumentMessage(delegate { LocalHost.CheckServer(r[0]); }), "error");
            });
        }
    }

    static partial void PlannerRuleTests()
    {
        SelectorCheckTests();
        Run("rules: client and account names take the forms of the shared table (no octal, RFC 5952 IPv6)", delegate
        {
            foreach (string[] row in Rows("normalise_client"))
                Equal(row[1], ClientName.Normalize(row[0]), "normalise " + row[0]);
            foreach (string[] row in Rows("client_api_filter"))
                Equal(row[1], ClientName.ToApiFilter(row[0]), "API filter " + row[0]);
            foreach (string[] row in Rows("account_part"))
                Equal(row[1], AccountName.AccountPart(row[0]), "account part " + row[0]);
            Check(!ClientName.IsIpLiteral("010.1.0.5") && ClientName.IsIpLiteral("10.1.0.5"), "octal is not an IP literal");
        });
        Run("rules: client matching with zones and networks", delegate
        {
            foreach (string[] row in Rows("clients_match"))
                Equal(row[2] == "true", ClientName.Matches(row[0], row[1]), "Matches(" + row[0] + ", " + row[1] + ")");
            Check(!ClientName.Matches(null, "10.0.0.0/8") && !ClientName.Matches("10.0.0.1", null), "null");
        });
        Run("rules: a malformed network is an ArgumentException that names it and the right form", delegate
        {
            foreach (string[] row in Rows("malformed_networks"))
            {
                string bad = row[0];
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
            foreach (string[] row in Rows("is_null_session"))
                Equal(row[1] == "true", AccountName.IsNullSession(row[0]), "null session " + (row[0] ?? "NULL"));
            Check(!AccountName.IsMachineAccount("ANONYMOUS LOGON"), "not a machine");
            foreach (string[] row in Rows("usernames_match"))
                Equal(row[2] == "true", AccountName.Matches(row[0], row[1]), "Matches(" + row[0] + ", " + row[1] + ")");
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
            List<SessionInfo> found = Listed(null, new string[] { "10.1.0.0/16" }, null, 1, out used);
            Equal(1, found.Count, "one IPv4 network");
            Equal("bob", found[0].UserName, "bob");
            Equal("", Standin.LastClient(), "a network never goes on the wire");
            found = Listed(null, new string[] { "fd00::/8", "fe80::1" }, null, 1, out used);
            Equal("dave,eve", String.Join(",", found.ConvertAll(delegate(SessionInfo s) { return s.UserName; }).ToArray()),
                "IPv6 network and a zone-less link-local");
            bool threw = false;
            try { Listed(null, new string[] { "10.1.0.0/33" }, null, 1, out used); }
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
            CloseSelection sel = SelectAll();
            sel.ExcludeClients = new string[] { "10.0.0.5" };
            CloseRun run = CloseExecutor.Run(null, ClosePlanner.Plan(all, sel), false);
            Equal(0, Standin.standin_calls(Standin.Del), "no NetSessionDel");
            Equal(2, Standin.standin_remaining_sessions(), "both alice sessions stay");
            Equal("no_client_name,excluded_client", String.Join(",", run.Skipped.ConvertAll(delegate(SkippedSession k) { return k.Reason; }).ToArray()), "reasons");
        });
        Run("rules: a malformed network in the selection fails the plan with its option named", delegate
        {
            CloseSelection sel = SelectAll();
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
