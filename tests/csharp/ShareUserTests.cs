// The share selector of the session modules through the C# twin (issue 17 item 3):
// - the shared table tests/fixtures/share_user_cases.json (written as tab-separated lines by
//   tests/csharp/share_users_tsv.py; path in LANMAN_SHARE_USER_CASES), which the Python twin runs
//   too: which sessions a share's connections list and close, the share errors, Samba's
//   placeholder answer, the share entry checks and the listing limits;
// - NetConnection.cs against the stand-in NetConnectionEnum (standin/netconnection_standin.c):
//   the Win64 layout, paging at every buffer size, the qualifier and level that reach the call,
//   2310, hostile paging, every buffer freed;
// - the module path: ShareUserList.ListShareUsers, SessionList.ListSessions and a close run.
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.NetConnection;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning;
using ansible_collections.lanman.smb.plugins.module_utils.ListAndClose;
using ansible_collections.lanman.smb.plugins.module_utils.ShareSelector;

internal static class ConnStandin
{
    [DllImport("netapi32.dll")] public static extern void standin_conn_reset();
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)] public static extern void standin_conn_add_share(string name);
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
    public static extern void standin_conn_add(string share, string client, string user, uint numOpens, uint time);
    [DllImport("netapi32.dll")] public static extern void standin_conn_inject(uint status, int times);
    [DllImport("netapi32.dll")] public static extern void standin_conn_set_hostile(int mode, int perRound, int allocEmpty);
    [DllImport("netapi32.dll")] public static extern int standin_conn_log_count();
    [DllImport("netapi32.dll")] public static extern IntPtr standin_conn_log_entry(int i);
    [DllImport("netapi32.dll")] public static extern int standin_conn_sizeof(int level);
    [DllImport("netapi32.dll")] public static extern int standin_conn_offsetof(int field);
    // The stand-in's own entry point, to hold it to Windows semantics the util never asks for.
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
    public static extern uint NetConnectionEnum(string server, string qualifier, uint level, out IntPtr buf,
        uint prefmaxlen, out uint read, out uint total, ref uint resume);
    [DllImport("netapi32.dll")] public static extern uint NetApiBufferFree(IntPtr buf);
    [DllImport("netapi32.dll")] public static extern int standin_allocations();
    [DllImport("netapi32.dll")] public static extern int standin_frees();

    public static List<string> Log()
    {
        List<string> lines = new List<string>();
        for (int i = 0; i < standin_conn_log_count(); i++)
            lines.Add(Marshal.PtrToStringUni(standin_conn_log_entry(i)));
        return lines;
    }
}

internal static partial class Program
{
    static partial void ShareUserTests();

    private static string[] shareTable;

    private static string[] ShareTable()
    {
        if (shareTable != null)
            return shareTable;
        string path = Environment.GetEnvironmentVariable("LANMAN_SHARE_USER_CASES");
        if (String.IsNullOrEmpty(path) || !File.Exists(path))
            throw new TestFailure("LANMAN_SHARE_USER_CASES does not name the share user table");
        shareTable = File.ReadAllLines(path, Encoding.UTF8);
        return shareTable;
    }

    private static string ShareCell(string cell)
    {
        return cell == "<null>" ? null : cell;
    }

    private static string ShareB64(string cell)
    {
        return cell == "<null>" ? null : Encoding.UTF8.GetString(Convert.FromBase64String(cell));
    }

    private static string ShareLimit(string key)
    {
        foreach (string line in ShareTable())
        {
            string[] cells = line.Split('\t');
            if (cells[0] == "LIMIT" && cells[1] == key)
                return cells[2];
        }
        throw new TestFailure("no listing limit " + key + " in the share user table");
    }

    private static void RunConn(string name, Action test)
    {
        Run(name, delegate
        {
            ConnStandin.standin_conn_reset();
            test();
        });
    }

    private static string Indices(List<SessionInfo> chosen, List<SessionInfo> sessions)
    {
        List<int> found = new List<int>();
        foreach (SessionInfo s in chosen)
            found.Add(sessions.IndexOf(s));
        found.Sort();
        return String.Join(",", found.ConvertAll(delegate(int i) { return i.ToString(); }).ToArray());
    }

    private static void RunShareCase(List<string[]> block)
    {
        List<SessionInfo> sessions = new List<SessionInfo>();
        List<ShareConnection> connections = new List<ShareConnection>();
        CloseSelection sel = new CloseSelection();
        string listed = null, closed = null;
        List<string> skipped = new List<string>();
        List<string> warnings = new List<string>();
        foreach (string[] c in block)
        {
            switch (c[0])
            {
                case "SESSION":
                    sessions.Add(new SessionInfo(ShareCell(c[1]) ?? "", ShareCell(c[2]), Int64.Parse(c[3])));
                    break;
                case "CONN":
                    connections.Add(new ShareConnection(c[1], ShareCell(c[2]), ShareCell(c[3])));
                    break;
                case "SEL":
                    string[] values = new string[c.Length - 2];
                    Array.Copy(c, 2, values, 0, values.Length);
                    switch (c[1])
                    {
                        case "client": sel.Clients = values; break;
                        case "username": sel.Usernames = values; break;
                        case "exclude_client": sel.ExcludeClients = values; break;
                        case "exclude_username": sel.ExcludeUsernames = values; break;
                        case "own_client": sel.OwnClients = values; break;
                        case "own_username": sel.OwnUsername = ShareCell(values[0]); break;
                        case "all": sel.All = values[0] == "true"; break;
                        case "min_idle_seconds":
                            sel.MinIdleSeconds = ShareCell(values[0]) == null ? (long?)null : Int64.Parse(values[0]);
                            break;
                        default: throw new TestFailure("unknown selection key " + c[1]);
                    }
                    break;
                case "LISTED": listed = String.Join(",", c, 1, c.Length - 1); break;
                case "CLOSED": closed = String.Join(",", c, 1, c.Length - 1); break;
                case "SKIP": skipped.Add(c[1] + " " + c[2]); break;
                case "WARNING": warnings.Add(c[1]); break;
                default: throw new TestFailure("unknown line " + c[0]);
            }
        }
        // The info modules: client/username filters AND the share (SessionList.ListSessions filters so).
        List<SessionInfo> filtered = sessions.FindAll(delegate(SessionInfo s)
        {
            return (sel.Clients == null || sel.Clients.Length == 0 || ClientName.MatchesAny(s.Client, sel.Clients)) &&
                (sel.Usernames == null || sel.Usernames.Length == 0 || AccountName.MatchesAny(s.UserName, sel.Usernames)) &&
                ShareUsers.UsesShare(s, connections);
        });
        Equal(listed, Indices(filtered, sessions), "listed sessions");
        Equal(String.Join(" | ", warnings.ToArray()), String.Join(" | ",
            ShareUserList.Warnings(sessions, connections, sel.Clients, sel.Usernames).ToArray()), "warnings");
        sel.ShareConnections = connections;
        ClosePlan plan = ClosePlanner.Plan(sessions, sel);
        List<SessionInfo> ended = new List<SessionInfo>();
        foreach (CloseTarget t in plan.Targets)
        {
            Check(t.Client != null && t.UserName != null, "a share selects users, never a whole client or user");
            ended.AddRange(t.Sessions);
        }
        Equal(closed, Indices(ended, sessions), "closed sessions");
        List<string> gotSkipped = plan.Skipped.ConvertAll(delegate(SkippedSession k)
        {
            return sessions.IndexOf(k.Session) + " " + k.Reason;
        });
        Equal(String.Join(" | ", skipped.ToArray()), String.Join(" | ", gotSkipped.ToArray()), "skipped sessions");
        Equal(Indices(filtered, sessions), Indices(plan.Candidates, sessions), "the diff's candidates are the listed ones");
    }

    private static void ShareTableTests()
    {
        string[] lines;
        try
        {
            lines = ShareTable();
        }
        catch (TestFailure e)
        {
            Run("share user case: the shared table is there", delegate { throw e; });
            return;
        }
        int i = 0;
        while (i < lines.Length)
        {
            string[] cells = lines[i].Split('\t');
            if (lines[i].StartsWith("CASE "))
            {
                string name = lines[i].Substring(5);
                List<string[]> block = new List<string[]>();
                for (i++; lines[i] != "END"; i++)
                    block.Add(lines[i].Split('\t'));
                i++;
                List<string[]> caseLines = block;
                Run("share user case: " + name, delegate { RunShareCase(caseLines); });
                continue;
            }
            i++;
            if (cells[0] == "SHAREERROR")
            {
                Run("share error: " + cells[2], delegate
                {
                    Equal(ShareCell(cells[3]), ShareUserList.ShareListingError(cells[1], Int32.Parse(cells[2])), "message");
                });
            }
            else if (cells[0] == "PLACEHOLDER")
            {
                Run("share placeholder: " + cells[2], delegate
                {
                    RawConnection raw = new RawConnection();
                    raw.NetName = cells[2];
                    raw.UserName = cells[3];
                    string message = ShareCell(cells[4]);
                    try
                    {
                        List<ShareConnection> found = ShareUserList.ShareConnections(cells[1], new RawConnection[] { raw });
                        Equal(null, message, "no error");
                        Equal(cells[2] + "/" + cells[3], found[0].Client + "/" + found[0].UserName, "the connection");
                    }
                    catch (ShareUsersException e)
                    {
                        Equal(message, e.Message, "message");
                    }
                });
            }
            else if (cells[0] == "ENTRY")
            {
                string[] entries = new string[cells.Length - 2];
                for (int k = 2; k < cells.Length; k++)
                    entries[k - 2] = ShareB64(cells[k]);
                Run("share entries: " + String.Join(" ", cells, 2, cells.Length - 2), delegate
                {
                    string message = ShareB64(cells[1]);
                    try
                    {
                        string[] kept = SelectorCheck.Entries("share", entries);
                        Equal(null, message, "no error");
                        Equal(String.Join("|", entries), String.Join("|", kept), "entries");
                    }
                    catch (ArgumentException e)
                    {
                        Equal(message, e.Message, "message");
                    }
                });
            }
        }
    }

    private static string ConnNoProgress(string server, uint handle)
    {
        return ShareLimit("no_progress").Replace("{server}", server).Replace("{handle}", handle.ToString());
    }

    static partial void ShareUserTests()
    {
        ShareTableTests();

        RunConn("share: CONNECTION_INFO_1 has the C compiler's Win64 layout", delegate
        {
            Type type = typeof(NetConnectionApi).Assembly.GetType(
                "ansible_collections.lanman.smb.plugins.module_utils.NetConnection.ConnectionNative+CONNECTION_INFO_1", true);
            Equal(ConnStandin.standin_conn_sizeof(1), Marshal.SizeOf(type), "sizeof");
            string[] fields = { "coni1_id", "coni1_type", "coni1_num_opens", "coni1_num_users", "coni1_time",
                                "coni1_username", "coni1_netname" };
            for (int f = 0; f < fields.Length; f++)
                Equal(ConnStandin.standin_conn_offsetof(f), (int)Marshal.OffsetOf(type, fields[f]), fields[f]);
            Equal(40, Marshal.SizeOf(type), "five DWORDs, padding, two pointers");
        });

        RunConn("share: every connection once, in order, at every buffer size from 1 to 400 and MAX", delegate
        {
            for (int k = 0; k < 23; k++)
                ConnStandin.standin_conn_add("Data", "10.0.0." + k, "user" + k, (uint)k, 60);
            ConnStandin.standin_conn_add("Other", "10.0.1.1", "nobody", 0, 1);
            List<uint> sizes = new List<uint>();
            for (uint size = 1; size <= 400; size++)
                sizes.Add(size);
            sizes.Add(NetApiStatus.MaxPreferredLength);
            foreach (uint size in sizes)
            {
                List<RawConnection> found = NetConnectionApi.Enumerate(null, "Data", size);
                Equal(23, found.Count, "count at " + size);
                for (int k = 0; k < 23; k++)
                {
                    Equal("10.0.0." + k, found[k].NetName, "client " + k + " at " + size);
                    Equal("user" + k, found[k].UserName, "user " + k + " at " + size);
                    Equal((uint)k, found[k].NumOpens, "opens " + k);
                }
            }
        });

        RunConn("share: the qualifier, level 1 and a NULL server reach NetConnectionEnum, the resume handle pages", delegate
        {
            ConnStandin.standin_conn_add("Data", "10.0.0.5", "alice", 1, 5);
            ConnStandin.standin_conn_add("Data", "10.0.0.6", "bob", 1, 5);
            NetConnectionApi.Enumerate(null, "Data", 50);
            Equal(2310, Throws(delegate
            {
                NetConnectionApi.Enumerate("\\\\files01", "Projekte 2026", NetApiStatus.MaxPreferredLength);
            }, "unknown share").Status, "unknown share");
            List<string> log = ConnStandin.Log();
            Equal("NetConnectionEnum(server=NULL, qualifier=\"Data\", level=1, prefmaxlen=0x32, resume=0, read=1) = 234",
                log[0], "first round");
            Equal("NetConnectionEnum(server=NULL, qualifier=\"Data\", level=1, prefmaxlen=0x32, resume=1, read=1) = 0",
                log[1], "second round");
            Equal("NetConnectionEnum(server=\"\\\\files01\", qualifier=\"Projekte 2026\", level=1, " +
                "prefmaxlen=0xFFFFFFFF, resume=0, read=0) = 2310", log[2], "unknown share");
            Equal(3, log.Count, "calls");
        });

        RunConn("share: the stand-in answers as Windows: 124 for level 2, 87 for a NULL or empty qualifier, shares for \\\\computer", delegate
        {
            ConnStandin.standin_conn_add("Data", "10.0.0.5", "alice", 1, 5);
            ConnStandin.standin_conn_add("Projects", "10.0.0.5", "alice", 1, 5);
            IntPtr buf;
            uint read, total, resume = 0;
            Equal(124u, ConnStandin.NetConnectionEnum(null, "Data", 2, out buf, 0xFFFFFFFF, out read, out total, ref resume), "level 2");
            Equal(87u, ConnStandin.NetConnectionEnum(null, null, 1, out buf, 0xFFFFFFFF, out read, out total, ref resume), "NULL");
            Equal(87u, ConnStandin.NetConnectionEnum(null, "", 1, out buf, 0xFFFFFFFF, out read, out total, ref resume), "empty");
            Equal(0u, ConnStandin.NetConnectionEnum(null, "Data", 0, out buf, 0xFFFFFFFF, out read, out total, ref resume), "level 0");
            Equal(1u, read, "level 0 entries");
            ConnStandin.NetApiBufferFree(buf);
            List<RawConnection> byComputer = NetConnectionApi.Enumerate(null, "\\\\10.0.0.5", NetApiStatus.MaxPreferredLength);
            Equal("Data Projects", String.Join(" ", byComputer.ConvertAll(delegate(RawConnection c) { return c.NetName; }).ToArray()),
                "a computer qualifier lists its shares");
        });

        RunConn("share: an unknown share fails with the contract text; another status is raised as it is", delegate
        {
            ConnStandin.standin_conn_add("Data", "10.0.0.5", "alice", 1, 5);
            try
            {
                ShareUserList.ListShareUsers(null, new string[] { "Data", "Nope" });
                throw new TestFailure("no ShareUsersException");
            }
            catch (ShareUsersException e)
            {
                Equal("share 'Nope' does not exist on the server.", e.Message, "message");
            }
            ConnStandin.standin_conn_inject(5, 1);
            NetSessionException denied = Throws(delegate { ShareUserList.ListShareUsers(null, new string[] { "Data" }); },
                "access denied");
            Equal(5, denied.Status, "status");
            Check(denied.Message.StartsWith("NetConnectionEnum on the local computer failed: Access is denied."), denied.Message);
            Equal(null, ShareUserList.ListShareUsers(null, new string[0]), "no share: no selector");
            Equal(null, ShareUserList.ListShareUsers(null, null), "unset: no selector");
        });

        RunConn("share: Samba's placeholder answer fails instead of selecting nothing", delegate
        {
            ConnStandin.standin_conn_add("data", "IPC$", "dummy_user", 1, 3);
            try
            {
                ShareUserList.ListShareUsers(null, new string[] { "data" });
                throw new TestFailure("no ShareUsersException");
            }
            catch (ShareUsersException e)
            {
                Check(e.Message.StartsWith("share 'data': the server does not say who uses its shares"), e.Message);
            }
        });

        foreach (int mode in new int[] { 1, 2, 3 })
        {
            int handleMode = mode;
            RunConn("share: a hostile listing (handle mode " + mode + ") stops with the shared text, buffers freed", delegate
            {
                ConnStandin.standin_conn_set_hostile(handleMode, handleMode == 3 ? 1000 : 2, 0);
                try
                {
                    NetConnectionApi.Enumerate(null, "Data", NetApiStatus.MaxPreferredLength);
                    throw new TestFailure("no ConnectionListingLimitException");
                }
                catch (ConnectionListingLimitException e)
                {
                    if (handleMode == 1)
                        Equal(ConnNoProgress("(local)", 7), e.Message, "repeated handle");
                    else if (handleMode == 2)
                        Equal(ConnNoProgress("(local)", 0), e.Message, "zero handle");
                    else
                        Equal(ShareLimit("too_many").Replace("{server}", "(local)").Replace("{max}",
                            ShareLimit("max_connections")), e.Message, "too many");
                }
                Equal(ConnStandin.standin_allocations(), ConnStandin.standin_frees(), "every buffer freed");
            });
        }

        RunConn("share: a round with more data and no entry stops the listing", delegate
        {
            ConnStandin.standin_conn_set_hostile(3, 0, 1);
            try
            {
                NetConnectionApi.Enumerate("\\\\files01", "Data", NetApiStatus.MaxPreferredLength);
                throw new TestFailure("no ConnectionListingLimitException");
            }
            catch (ConnectionListingLimitException e)
            {
                Equal(ConnNoProgress("\\\\files01", 1), e.Message, "no entries");
            }
            Equal(Int32.Parse(ShareLimit("max_connections")), NetConnectionApi.MaxConnections, "MAX_CONNECTIONS");
        });

        RunConn("share: the info listing keeps only the share users' sessions", delegate
        {
            Standin.Add("\\\\10.0.0.5", "alice");
            Standin.Add("\\\\10.0.0.6", "alice");
            Standin.Add("\\\\10.0.0.6", "bob");
            Standin.Add("\\\\10.0.0.5", "carol");
            ConnStandin.standin_conn_add("Data", "10.0.0.5", "CONTOSO\\Alice", 1, 5);
            ConnStandin.standin_conn_add("Projects", "10.0.0.6", "bob", 1, 5);
            List<ShareConnection> connections = ShareUserList.ListShareUsers(null, new string[] { "Data", "DATA" });
            Equal(1, ConnStandin.standin_conn_log_count(), "a share named twice is listed once");
            Equal(1, connections.Count, "its connection once");
            SessionListing listing = SessionList.ListSessions(null, null, null, -1, connections);
            Equal("alice@10.0.0.5", String.Join(" ", listing.Sessions.ConvertAll(delegate(SessionInfo s)
            {
                return s.UserName + "@" + s.Client;
            }).ToArray()), "sessions");
            try
            {
                SessionList.ListSessions(null, null, null, 0, connections);
                throw new TestFailure("level 0 with a share was listed");
            }
            catch (ArgumentException e)
            {
                Equal(ShareUserList.Level0Message, e.Message, "level 0");
            }
        });

        RunConn("share: check mode closes nothing; the real run ends exactly the share users' pairs", delegate
        {
            Standin.Add("\\\\10.0.0.5", "alice");
            Standin.Add("\\\\10.0.0.6", "alice");
            Standin.Add("\\\\10.0.0.6", "bob");
            Standin.Add("\\\\10.0.0.5", "carol");
            ConnStandin.standin_conn_add("Data", "10.0.0.5", "alice", 1, 5);
            ConnStandin.standin_conn_add("Data", "10.0.0.6", "bob", 1, 5);
            CloseSelection sel = new CloseSelection();
            sel.ShareConnections = ShareUserList.ListShareUsers(null, new string[] { "Data" });
            ClosePlan plan = ClosePlanner.Plan(SessionList.ListSessions(null, null, null, -1).Sessions, sel);
            CloseRun dry = CloseExecutor.Run(null, plan, true);
            Equal(2, dry.Closed.Count, "planned");
            Equal(0, Standin.standin_calls(Standin.Del), "check mode deletes nothing");
            CloseExecutor.Run(null, plan, false);
            Equal(2, Standin.standin_remaining_sessions(), "alice from 10.0.0.6 and carol stay");
            Equal(2, Standin.standin_calls(Standin.Del), "two pair calls");
            List<SessionInfo> left = SessionList.ListSessions(null, null, null, -1).Sessions;
            Equal("alice@10.0.0.6 carol@10.0.0.5", String.Join(" ", left.ConvertAll(delegate(SessionInfo s)
            {
                return s.UserName + "@" + s.Client;
            }).ToArray()), "what is left");
        });
    }
}
