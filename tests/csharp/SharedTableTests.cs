// The shared tables of issue 16 item 4, on the Windows twin, each row read back from the
// stand-in netapi32's call log (the Python twin runs the same rows over fake srvsvc clients):
// - tests/fixtures/level_choice_cases.json: levels served, denied or not served; the calls in
//   order, the level used, the warnings and the error (LANMAN_LEVEL_CHOICE_CASES);
// - tests/fixtures/resolution_cases.json: ClientResolution with a controlled resolver
//   (LANMAN_RESOLUTION_CASES);
// - tests/fixtures/close_outcome_cases.json: CloseExecutor.Run over scripted NetSessionDel
//   answers (LANMAN_CLOSE_OUTCOME_CASES).
// The tables reach this program as tab-separated lines written by tests/csharp/test_netsession_cs.py.
using System;
using System.Collections.Generic;
using System.Net;
using System.Text.RegularExpressions;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.ClientResolver;
using ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning;
using ansible_collections.lanman.smb.plugins.module_utils.ListAndClose;

internal static partial class Program
{
    static partial void SharedTableTests();

    static partial void SharedTableTests()
    {
        TableCases("LANMAN_LEVEL_CHOICE_CASES", "level choice case: ", RunLevelChoiceCase);
        TableCases("LANMAN_RESOLUTION_CASES", "resolution case: ", RunResolutionCase);
        TableCases("LANMAN_CLOSE_OUTCOME_CASES", "close outcome case: ", RunCloseOutcomeCase);
    }

    /// <summary>Runs each CASE ... END block of a shared table as one test named prefix + case name.</summary>
    private static void TableCases(string variable, string prefix, Action<List<string[]>> runCase)
    {
        string[] lines;
        try
        {
            lines = SharedTable(variable);
        }
        catch (TestFailure e)
        {
            Run(prefix + "the shared table is there", delegate { throw e; });
            return;
        }
        int i = 0;
        while (i < lines.Length)
        {
            string name = lines[i].Substring(5);
            List<string[]> block = new List<string[]>();
            for (i++; lines[i] != "END"; i++)
                block.Add(lines[i].Split('\t'));
            i++;
            List<string[]> caseLines = block;
            Run(prefix + name, delegate { runCase(caseLines); });
        }
    }

    private static string Joined(List<string> items)
    {
        return String.Join(" | ", items.ToArray());
    }

    private static int LevelBit(int level)
    {
        switch (level)
        {
            case 0: return CallLog.Level0;
            case 1: return CallLog.Level1;
            case 2: return CallLog.Level2;
            case 10: return CallLog.Level10;
            case 502: return CallLog.Level502;
        }
        throw new TestFailure("not a level: " + level);
    }

    // LEVELS level status .. / SESSION cname user / LEVEL n / CLIENT .. / USER .. /
    // CALL level client user status / LEVELUSED n / WARNING text / ERROR status / RESULT client|user
    private static void RunLevelChoiceCase(List<string[]> block)
    {
        string[] clients = null, users = null;
        int level = -1, served = CallLog.Level0 | CallLog.Level1 | CallLog.Level2 | CallLog.Level10 | CallLog.Level502, denied = 0;
        List<string> expectedCalls = new List<string>(), expectedWarnings = new List<string>(), expectedSessions = new List<string>();
        string expectedLevel = "<null>", expectedError = "<null>";
        foreach (string[] p in block)
        {
            switch (p[0])
            {
                case "LEVELS":
                    for (int k = 1; k < p.Length; k += 2)
                    {
                        int bit = LevelBit(Int32.Parse(p[k])), status = Int32.Parse(p[k + 1]);
                        if (status == 124)
                            served &= ~bit;
                        else if (status == 5)
                            denied |= bit;
                        else if (status != 0)
                            throw new TestFailure("the stand-in answers 124, 5 or 0 per level, not " + status);
                    }
                    break;
                case "SESSION": Standin.standin_add_session(Cell(p[1]), Cell(p[2]), 1, 100, 10, 0, "", "\\Device\\Tcp"); break;
                case "LEVEL": level = p[1] == "<null>" ? -1 : Int32.Parse(p[1]); break;
                case "CLIENT": clients = Rest(p); break;
                case "USER": users = Rest(p); break;
                case "CALL": expectedCalls.Add(String.Join(" ", Rest(p))); break;
                case "LEVELUSED": expectedLevel = p[1]; break;
                case "WARNING": expectedWarnings.Add(p[1]); break;
                case "ERROR": expectedError = p[1]; break;
                case "RESULT": expectedSessions.Add(p[1]); break;
            }
        }
        Standin.standin_set_levels(served);
        CallLog.standin_deny_levels(denied);
        CallLog.standin_log_clear();
        SessionListing listing = null;
        string error = "<null>";
        try
        {
            listing = SessionList.ListSessions(null, clients, users, level);
        }
        catch (NetSessionException e)
        {
            error = e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        List<string> calls = new List<string>();
        foreach (string line in CallLog.Of("NetSessionEnum"))
            calls.Add(String.Join(" ", new string[] { Argument(line, "level"), Argument(line, "client"), Argument(line, "user"),
                line.Substring(line.LastIndexOf("= ", StringComparison.Ordinal) + 2) }));
        Equal(Joined(expectedCalls), Joined(calls), "calls (level client user status)");
        Equal(expectedError, error, "error status");
        Equal(expectedLevel, listing == null ? "<null>" : listing.Level.ToString(System.Globalization.CultureInfo.InvariantCulture), "level used");
        Equal(Joined(expectedWarnings), listing == null ? "" : Joined(listing.Warnings), "warnings");
        List<string> shown = listing == null ? new List<string>() : listing.Sessions.ConvertAll(delegate(SessionInfo s)
        {
            return s.Client + "|" + (s.UserName ?? "<null>");
        });
        Equal(Joined(expectedSessions), Joined(shown), "sessions");
    }

    private static List<string> Once(IEnumerable<string> items)
    {
        List<string> once = new List<string>();
        foreach (string item in items)
        {
            if (!once.Contains(item))
                once.Add(item);
        }
        return once;
    }

    // OPTION name / ENTRY text .. / RESOLVE name address .. / LOOKUP name / SELECTOR s / WARNING w / ERROR text
    private static void RunResolutionCase(List<string[]> block)
    {
        string option = null;
        List<string> entries = new List<string>(), lookups = new List<string>(), selectors = new List<string>(),
            warnings = new List<string>();
        Dictionary<string, string[]> answers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        string expectedError = "<null>";
        foreach (string[] p in block)
        {
            switch (p[0])
            {
                case "OPTION": option = p[1]; break;
                case "ENTRY": entries.Add(Cell(p[1])); break;
                case "RESOLVE": answers[p[1]] = Rest(Rest(p)); break;
                case "LOOKUP": lookups.Add(p[1]); break;
                case "SELECTOR": selectors.Add(p[1]); break;
                case "WARNING": warnings.Add(p[1]); break;
                case "ERROR": expectedError = p[1]; break;
            }
        }
        List<string> asked = new List<string>();
        HostLookup().SetValue(null, new Func<string, IPAddress[]>(delegate(string host)
        {
            asked.Add(host);
            string[] addresses;
            if (!answers.TryGetValue(host, out addresses))
                return new IPAddress[0];
            return Array.ConvertAll(addresses, delegate(string a) { return IPAddress.Parse(a); });
        }));
        ClientResolution resolution = null;
        string error = "<null>";
        try
        {
            resolution = ClientResolution.ResolveClients(option, entries.ToArray());
            // what the modules do: exclude_client fails with ExclusionErrors(), client warns SelectorWarnings()
            if (option == "exclude_client" && resolution.Unresolved.Count > 0)
            {
                error = resolution.ExclusionErrors()[0];
                resolution = null;
            }
        }
        catch (ArgumentException e)
        {
            error = e.Message;
        }
        finally
        {
            RestoreLookups();
        }
        Equal(expectedError, error, "error");
        Equal(Joined(lookups), Joined(Once(asked)), "names looked up");
        List<string> got = resolution == null ? new List<string>() :
            Once(resolution.Selectors.ConvertAll(delegate(string s) { return ClientName.Normalize(s); }));
        Equal(Joined(selectors), Joined(got), "selectors");
        List<string> warned = resolution == null || option != "client" ? new List<string>() : resolution.SelectorWarnings();
        Equal(Joined(warnings), Joined(warned), "warnings");
    }

    private static readonly Regex DelLine = new Regex(
        "^NetSessionDel\\(server=(?:NULL|\"[^\"]*\"), client=(NULL|\"[^\"]*\"), user=(NULL|\"[^\"]*\")\\) = (\\d+)$");

    private static string Unquoted(string logged)
    {
        return logged == "NULL" ? "<null>" : logged.Substring(1, logged.Length - 2);
    }

    private static string IndexOf<T>(List<T> items, T item) where T : class
    {
        for (int k = 0; k < items.Count; k++)
        {
            if (Object.ReferenceEquals(items[k], item))
                return k.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return "?";
    }

    // SESSION raw user / LIVE i .. / SAMBA 0|1 / RELIST status / CHECK 0|1 / CALL raw user i,j / ANSWER a /
    // DEL client user status / CLOSED i .. / VANISHED i .. / FAILED call status / UNTRIED i .. / CHANGED bool
    private static void RunCloseOutcomeCase(List<string[]> block)
    {
        List<string[]> listed = new List<string[]>();
        List<SessionInfo> sessions = new List<SessionInfo>();
        ClosePlan plan = new ClosePlan();
        bool checkMode = false;
        string closed = "", vanished = "", failed = "<null>", untried = "", changed = "";
        List<string> expectedDeletes = new List<string>();
        int forcedCall = -1;
        foreach (string[] p in block)
        {
            switch (p[0])
            {
                case "SESSION":
                    listed.Add(p);
                    sessions.Add(new SessionInfo(Cell(p[1]), Cell(p[2]), 10));
                    break;
                case "LIVE":
                    foreach (string index in Rest(p))
                    {
                        string[] s = listed[Int32.Parse(index)];
                        Standin.Add(Cell(s[1]), Cell(s[2]));
                    }
                    break;
                case "SAMBA": CallLog.standin_set_samba_delete(Int32.Parse(p[1])); break;
                case "RELIST":
                    if (p[1] != "0")
                        Standin.standin_inject(Standin.Enum, UInt32.Parse(p[1]), 0, -1);
                    break;
                case "CHECK": checkMode = p[1] == "1"; break;
                case "CALL":
                    CloseTarget target = new CloseTarget();
                    target.RawClient = Cell(p[1]);
                    target.Client = ClientName.Normalize(target.RawClient);
                    target.UserName = Cell(p[2]);
                    foreach (string index in p[3].Split(','))
                        target.Sessions.Add(sessions[Int32.Parse(index)]);
                    plan.Targets.Add(target);
                    break;
                case "FORCE":   // this call's answer is scripted: the stand-in answers it without ending anything
                    if (forcedCall >= 0)
                        throw new TestFailure("the stand-in scripts one NetSessionDel answer a row");
                    forcedCall = Int32.Parse(p[1]);
                    Standin.standin_inject(Standin.Del, UInt32.Parse(p[2]), forcedCall, 1);
                    break;
                case "DEL": expectedDeletes.Add(String.Join(" ", Rest(p))); break;
                case "CLOSED": closed = String.Join(",", Rest(p)); break;
                case "VANISHED": vanished = String.Join(",", Rest(p)); break;
                case "FAILED": failed = p[1] + " " + p[2]; break;
                case "UNTRIED": untried = String.Join(",", Rest(p)); break;
                case "CHANGED": changed = p[1]; break;
            }
        }
        plan.Candidates.AddRange(sessions);
        CallLog.standin_log_clear();
        CloseRun run = CloseExecutor.Run(null, plan, checkMode);
        List<string> deletes = new List<string>();
        foreach (string line in CallLog.Of("NetSessionDel"))
        {
            Match m = DelLine.Match(line);
            Check(m.Success, "unexpected log line: " + line);
            deletes.Add(Unquoted(m.Groups[1].Value).TrimStart('\\') + " " + Unquoted(m.Groups[2].Value) + " " + m.Groups[3].Value);
        }
        Equal(Joined(expectedDeletes), Joined(deletes), "NetSessionDel calls (client user status)");
        Equal(closed, String.Join(",", run.Closed.ConvertAll(delegate(SessionInfo s) { return IndexOf(sessions, s); }).ToArray()), "closed");
        Equal(vanished, String.Join(",", run.Vanished.ConvertAll(delegate(SessionInfo s) { return IndexOf(sessions, s); }).ToArray()), "vanished");
        Equal(failed, run.FailedCall == null ? "<null>" :
            IndexOf(plan.Targets, run.FailedCall.Call) + " " + run.FailedCall.Status, "failed call");
        if (run.FailedCall != null)
            Check(!String.IsNullOrEmpty(run.FailureMessage()), "a failure message");
        Equal(untried, String.Join(",", run.UntriedCalls.ConvertAll(delegate(CloseTarget t) { return IndexOf(plan.Targets, t); }).ToArray()), "untried");
        Equal(changed, run.Changed ? "true" : "false", "changed");
    }
}
