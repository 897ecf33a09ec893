// Issue 14 item 11 on the Windows twin, read back from the stand-in's call log:
// - an IPv6 literal server reaches netapi32 as its ipv6-literal.net name, never raw;
// - a wire-filtered listing that finds nothing is listed again unfiltered and matched here
//   (tests/fixtures/listing_cases.json, the rows the Python twin runs too; LANMAN_LISTING_CASES);
// - the NERR codes have readable texts, the same as the Python twin's
//   (tests/fixtures/status_texts.json; LANMAN_STATUS_TEXTS).
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames;
using ansible_collections.lanman.smb.plugins.module_utils.ListAndClose;

internal static partial class Program
{
    [DllImport("netapi32.dll")] private static extern void standin_set_notfound_empty(int on);

    static partial void WindowsSpecificsTests()
    {
        Ipv6ServerTests();
        StatusTextTests();
        ListingCaseTests();
    }

    private static string[] SharedTable(string variable)
    {
        string path = Environment.GetEnvironmentVariable(variable);
        if (String.IsNullOrEmpty(path) || !File.Exists(path))
            throw new TestFailure(variable + " does not name a table written by tests/csharp/test_netsession_cs.py");
        return File.ReadAllLines(path, Encoding.UTF8);
    }

    /// <summary>The server argument of every call in the log, as the log writes it.</summary>
    private static List<string> ServersCalled()
    {
        List<string> servers = new List<string>();
        foreach (string line in CallLog.All())
        {
            int at = line.IndexOf("(server=", StringComparison.Ordinal) + 8;
            servers.Add(line.Substring(at, line.IndexOf(", client=", StringComparison.Ordinal) - at));
        }
        return servers;
    }

    private static void Ipv6ServerTests()
    {
        string[,] cases = new string[,] {
            { "fd00::5", "fd00--5.ipv6-literal.net" },
            { "[fd00::5]", "fd00--5.ipv6-literal.net" },
            { "\\\\[fd00::5]", "fd00--5.ipv6-literal.net" },
            { " FD00:0:0::5 ", "fd00--5.ipv6-literal.net" },
            { "fe80::1%4", "fe80--1s4.ipv6-literal.net" },
            { "[fe80::1%4]", "fe80--1s4.ipv6-literal.net" },
            { "2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001-db8-85a3-8d3-1319-8a2e-370-7348.ipv6-literal.net" },
            { "::ffff:10.255.0.9", "10.255.0.9" },
            { "\\\\10.255.0.9", "10.255.0.9" },
        };
        for (int i = 0; i < cases.GetLength(0); i++)
        {
            string given = cases[i, 0], sent = cases[i, 1];
            Run("IPv6 server " + given + " reaches NetSessionEnum and NetSessionDel as " + sent, delegate
            {
                Standin.Add("\\\\10.0.0.5", "bob");
                Check(!LocalHost.IsLocalServer(given), "not this host: " + given);
                SessionList.Enumerate(given, null, null, 1);
                CloseExecutor.Close(given, "\\\\10.0.0.5", "bob");
                Equal("\"" + sent + "\",\"" + sent + "\"", String.Join(",", ServersCalled().ToArray()),
                    "server arguments; log " + CallLog.Joined(CallLog.All()));
            });
        }
        Run("IPv6 server: errors name the server as netapi32 got it, with the double-hop hint", delegate
        {
            Standin.standin_inject(Standin.Enum, 5, 0, -1);
            NetSessionException e = Throws(delegate { SessionList.Enumerate("fd00::5", null, null, 1); }, "denied");
            Check(e.Message.StartsWith("NetSessionEnum on fd00--5.ipv6-literal.net failed:", StringComparison.Ordinal), e.Message);
            Check(e.Message.Contains("double hop"), e.Message);
        });
        Run("IPv6 server with a zone that is not an interface number fails before any call", delegate
        {
            foreach (string bad in new string[] { "fe80::1%eth0", "fe80::1%" })
            {
                string server = bad;
                bool threw = false;
                try
                {
                    SessionList.Enumerate(server, null, null, 1);
                }
                catch (ArgumentException e)
                {
                    threw = true;
                    Check(e.Message.Contains("'" + server + "'") && e.Message.Contains("interface"), e.Message);
                }
                Check(threw, "refused: " + server);
            }
            Equal(0, CallLog.All().Count, "no call");
        });
        Run("IPv6 server: the host's own IPv6 loopback stays local (server NULL)", delegate
        {
            foreach (string local in new string[] { "::1", "[::1]", "\\\\[::1]", "0:0::1" })
            {
                CallLog.standin_log_clear();
                SessionList.Enumerate(local, null, null, 1);
                Equal("NULL", ServersCalled()[0], "server for " + local);
            }
        });
    }

    private static void StatusTextTests()
    {
        string[] rows;
        try
        {
            rows = SharedTable("LANMAN_STATUS_TEXTS");
        }
        catch (TestFailure e)
        {
            Run("status texts: the shared table is there", delegate { throw e; });
            return;
        }
        Run("status texts: every NERR code of the shared table has its text in NetSessionException", delegate
        {
            Check(rows.Length >= 10, "rows: " + rows.Length);
            foreach (string row in rows)
            {
                string[] cells = row.Split('\t');
                int code = Int32.Parse(cells[0]);
                Equal(cells[1], NetSessionException.Describe(code), "text of " + code);
            }
        });
        Run("status texts: 2114 from NetSessionEnum is readable, never \"Unknown error\"", delegate
        {
            Standin.standin_inject(Standin.Enum, 2114, 0, -1);
            NetSessionException e = Throws(delegate { SessionList.Enumerate("fs01", null, null, 1); }, "2114");
            Check(e.Message.Contains("The Server service is not started") && e.Message.Contains("status 2114"), e.Message);
            Standin.standin_inject(Standin.Del, 2114, 0, -1);
            NetSessionException d = Throws(delegate { CloseExecutor.Close("fs01", "10.0.0.5", "bob"); }, "2114 del");
            Check(d.Message.StartsWith("NetSessionDel on fs01 failed: The Server service", StringComparison.Ordinal), d.Message);
        });
        Run("status texts: a NERR code without a text of its own still says what it is", delegate
        {
            string text = NetSessionException.Describe(2105);
            Check(text.Contains("2105") && text.Contains("NERR") && !text.Contains("Unknown error"), text);
        });
    }

    // TSV from the driver: CASE name / FILTERS f / SESSION cname user / LEVEL n / CLIENT a b .. /
    // USER u .. / CALL client user level status / RESULT client|user / END; <null> is null.
    private static void ListingCaseTests()
    {
        string[] lines;
        try
        {
            lines = SharedTable("LANMAN_LISTING_CASES");
        }
        catch (TestFailure e)
        {
            Run("listing cases: the shared table is there", delegate { throw e; });
            return;
        }
        int i = 0;
        while (i < lines.Length)
        {
            string name = lines[i].Substring(5);
            List<string> block = new List<string>();
            i++;
            while (lines[i] != "END")
                block.Add(lines[i++]);
            i++;
            List<string> caseLines = block;
            Run("listing case: " + name, delegate { RunListingCase(caseLines); });
        }
    }

    private static string[] Rest(string[] parts)
    {
        List<string> values = new List<string>();
        for (int k = 1; k < parts.Length; k++)
            values.Add(parts[k]);
        return values.ToArray();
    }

    private static void RunListingCase(List<string> block)
    {
        string[] clients = null, users = null;
        int level = -1;
        List<string> expectedCalls = new List<string>(), expectedSessions = new List<string>();
        foreach (string line in block)
        {
            string[] p = line.Split('\t');
            switch (p[0])
            {
                case "FILTERS":
                    CallLog.standin_ignore_enum_filters(p[1] == "ignored" ? 1 : 0);
                    standin_set_notfound_empty(p[1] == "empty" ? 1 : 0);
                    break;
                case "SESSION": Standin.standin_add_session(Cell(p[1]), Cell(p[2]), 1, 100, 10, 0, "", "\\Device\\Tcp"); break;
                case "LEVEL": level = p[1] == "<null>" ? -1 : Int32.Parse(p[1]); break;
                case "CLIENT": clients = Rest(p); break;
                case "USER": users = Rest(p); break;
                case "CALL": expectedCalls.Add(String.Join(" ", Rest(p))); break;
                case "RESULT": expectedSessions.Add(p[1]); break;
            }
        }
        CallLog.standin_log_clear();
        SessionListing listing = SessionList.ListSessions(null, clients, users, level);
        List<string> calls = new List<string>();
        foreach (string line in CallLog.Of("NetSessionEnum"))
            calls.Add(String.Join(" ", new string[] { Argument(line, "client"), Argument(line, "user"),
                Argument(line, "level"), line.Substring(line.LastIndexOf("= ", StringComparison.Ordinal) + 2) }));
        Equal(String.Join(" | ", expectedCalls.ToArray()), String.Join(" | ", calls.ToArray()), "calls");
        List<string> shown = listing.Sessions.ConvertAll(delegate(SessionInfo s)
        {
            return s.Client + "|" + (s.UserName ?? "<null>");
        });
        Equal(String.Join(" , ", expectedSessions.ToArray()), String.Join(" , ", shown.ToArray()), "sessions");
    }

    /// <summary>One argument of a NetSessionEnum log line: a string without its quotes, NULL as &lt;null&gt;.</summary>
    private static string Argument(string line, string name)
    {
        int at = line.IndexOf(name + "=", StringComparison.Ordinal) + name.Length + 1;
        if (line[at] == '"')
            return line.Substring(at + 1, line.IndexOf('"', at + 1) - at - 1);
        int end = line.IndexOf(',', at);
        string value = line.Substring(at, end - at);
        return value == "NULL" ? "<null>" : value;
    }
}
