// Tests of the shipped plugins/module_utils/NetSession.cs (the Win32 wrapper) and the rules
// utils over it, compiled together as Add-CSharpType does, against the stand-in netapi32
// (tests/csharp/standin). Built with mcs -langversion:5 -sdk:4.5-api -warnaserror+ and run by
// tests/csharp/test_netsession_cs.py in a subprocess, so a crash is a failed test.
// Output: one "PASS name" / "FAIL name: why" line per test, then "N passed, M failed".
using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames;
using ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning;
using ansible_collections.lanman.smb.plugins.module_utils.ListAndClose;

internal static class Standin
{
    public const int Enum = 0, Del = 1;

    [DllImport("netapi32.dll")] public static extern void standin_reset();
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
    public static extern void standin_add_session(string cname, string user, uint numOpens, uint time, uint idle,
        uint flags, string cltype, string transport);
    [DllImport("netapi32.dll")] public static extern void standin_add_many(int n);
    [DllImport("netapi32.dll")] public static extern void standin_inject(int fn, uint status, int fromCall, int times);
    [DllImport("netapi32.dll")] public static extern void standin_set_levels(int mask);
    [DllImport("netapi32.dll")] public static extern void standin_set_paging_mode(int mode);
    [DllImport("netapi32.dll")] public static extern int standin_calls(int fn);
    [DllImport("netapi32.dll")] public static extern int standin_outstanding_buffers();
    [DllImport("netapi32.dll")] public static extern int standin_double_frees();
    [DllImport("netapi32.dll")] public static extern int standin_bad_frees();
    [DllImport("netapi32.dll")] public static extern int standin_both_null_deletes();
    [DllImport("netapi32.dll")] public static extern int standin_remaining_sessions();
    [DllImport("netapi32.dll")] public static extern IntPtr standin_last_client();
    [DllImport("netapi32.dll")] public static extern IntPtr standin_last_user();
    [DllImport("netapi32.dll")] public static extern int standin_sizeof(int level);
    [DllImport("netapi32.dll")] public static extern int standin_offsetof(int level, int field);

    public static string LastClient() { return Marshal.PtrToStringUni(standin_last_client()); }
    public static string LastUser() { return Marshal.PtrToStringUni(standin_last_user()); }

    public static void Add(string cname, string user)
    {
        standin_add_session(cname, user, 1, 100, 10, 0, "Windows 10", "\\Device\\Tcp");
    }

    public static void Add(string cname, string user, uint idle)
    {
        standin_add_session(cname, user, 1, 100, idle, 0, "Windows 10", "\\Device\\Tcp");
    }
}

internal class TestFailure : Exception
{
    public TestFailure(string message) : base(message) { }
}

internal static partial class Program
{
    // Test groups that live in their own files (tests/csharp/*Tests.cs); each file implements one.
    static partial void PlannerRuleTests();
    static partial void NativeCallTests();
    static partial void ModuleGlueTests();
    static partial void ListingLimitTests();
    static partial void WindowsSpecificsTests();
    static partial void ResolverTests();

    private static int passed, failed;

    private static void Check(bool condition, string what)
    {
        if (!condition)
            throw new TestFailure(what);
    }

    private static void Equal(object expected, object actual, string what)
    {
        if (!Object.Equals(expected, actual))
            throw new TestFailure(String.Format("{0}: expected <{1}>, got <{2}>", what, expected ?? "null", actual ?? "null"));
    }

    private static NetSessionException Throws(Action action, string what)
    {
        try
        {
            action();
        }
        catch (NetSessionException e)
        {
            return e;
        }
        throw new TestFailure(what + ": no NetSessionException");
    }

    private static void NoLeaks(string what)
    {
        Equal(0, Standin.standin_outstanding_buffers(), what + ": buffers not freed");
        Equal(0, Standin.standin_double_frees(), what + ": double frees");
        Equal(0, Standin.standin_bad_frees(), what + ": frees of unknown pointers");
    }

    private static void Run(string name, Action test)
    {
        Standin.standin_reset();
        try
        {
            test();
            NoLeaks(name);
            Console.WriteLine("PASS " + name);
            passed++;
        }
        catch (Exception e)
        {
            string why = e is TestFailure ? e.Message : e.GetType().Name + ": " + e.Message;
            Console.WriteLine("FAIL " + name + ": " + why.Replace("\n", " | "));
            failed++;
        }
    }

    // What the modules get from ListSessions, with the level used as an out parameter.
    private static List<SessionInfo> Listed(string server, string[] clients, string[] usernames, int level,
        out int levelUsed)
    {
        SessionListing listing = SessionList.ListSessions(server, clients, usernames, level);
        levelUsed = listing.Level;
        return listing.Sessions;
    }

    private static Type Native(string name)
    {
        Assembly util = typeof(NetSessionApi).Assembly;
        return util.GetType("ansible_collections.lanman.smb.plugins.module_utils.NetSession.NativeHelpers+" + name, true);
    }

    private static readonly string[][] Fields = new string[][] {
        new string[] { "sesi0_cname" },
        new string[] { "sesi1_cname", "sesi1_username", "sesi1_num_opens", "sesi1_time", "sesi1_idle_time", "sesi1_user_flags" },
        new string[] { "sesi2_cname", "sesi2_username", "sesi2_num_opens", "sesi2_time", "sesi2_idle_time", "sesi2_user_flags", "sesi2_cltype_name" },
        new string[] { "sesi10_cname", "sesi10_username", "sesi10_time", "sesi10_idle_time" },
        new string[] { "sesi502_cname", "sesi502_username", "sesi502_num_opens", "sesi502_time", "sesi502_idle_time", "sesi502_user_flags", "sesi502_cltype_name", "sesi502_transport" },
    };
    private static readonly int[] Levels = new int[] { 0, 1, 2, 10, 502 };

    private static void LayoutTests()
    {
        Run("struct sizes and offsets match the C compiler's Win64 layout", delegate
        {
            for (int i = 0; i < Levels.Length; i++)
            {
                Type t = Native("SESSION_INFO_" + Levels[i]);
                Equal(Standin.standin_sizeof(Levels[i]), Marshal.SizeOf(t), "sizeof level " + Levels[i]);
                for (int f = 0; f < Fields[i].Length; f++)
                    Equal(Standin.standin_offsetof(Levels[i], f), (int)Marshal.OffsetOf(t, Fields[i][f]),
                        "offset of " + Fields[i][f]);
            }
        });
    }

    private static void FieldTests()
    {
        Run("every level returns its own fields and null for the others", delegate
        {
            Standin.standin_add_session("\\\\10.0.0.5", "jdoe", 7, 3600, 120, 3, "Windows 10 Enterprise", "\\Device\\NetbiosSmb");
            foreach (int level in Levels)
            {
                List<SessionInfo> list = SessionList.Enumerate(null, null, null, level);
                Equal(1, list.Count, "count at level " + level);
                SessionInfo s = list[0];
                Equal("10.0.0.5", s.Client, "client at " + level);
                Equal("\\\\10.0.0.5", s.RawClient, "raw client at " + level);
                Equal(level, s.Level, "level");
                bool hasUser = level != 0, hasOpens = level == 1 || level == 2 || level == 502;
                Equal(hasUser ? "jdoe" : null, s.UserName, "user at " + level);
                Equal(hasOpens ? (int?)7 : null, s.NumOpens, "num_opens at " + level);
                Equal(hasUser ? (long?)3600 : null, s.ActiveSeconds, "time at " + level);
                Equal(hasUser ? (long?)120 : null, s.IdleSeconds, "idle at " + level);
                Equal(hasOpens ? (uint?)3 : null, s.UserFlags, "flags at " + level);
                Equal(hasOpens ? (bool?)true : null, s.IsGuest, "guest at " + level);
                Equal(hasOpens ? (bool?)true : null, s.CleartextPassword, "cleartext at " + level);
                Equal(level == 2 || level == 502 ? "Windows 10 Enterprise" : null, s.ClientType, "cltype at " + level);
                Equal(level == 502 ? "\\Device\\NetbiosSmb" : null, s.Transport, "transport at " + level);
            }
        });
        Run("ToResult has exactly the contract keys in order", delegate
        {
            Standin.Add("\\\\[FE80::0:1]", "bob");
            Dictionary<string, object> r = SessionList.Enumerate(null, null, null, 10)[0].ToResult();
            Equal("client,username,num_opens,active_seconds,idle_seconds,user_flags,is_guest,cleartext_password,client_type,transport",
                String.Join(",", new List<string>(r.Keys).ToArray()), "keys");
            Equal("fe80::1", r["client"], "client");
            Equal(null, r["num_opens"], "num_opens at level 10 is null, not 0");
        });
        Run("wrapped -1 time is clamped and a NULL user is a null session", delegate
        {
            Standin.standin_add_session("\\\\127.0.0.1", null, 0, 0xFFFFFFFF, 0xFFFFFFFF, 0, null, null);
            SessionInfo s = SessionList.Enumerate(null, null, null, 1)[0];
            Equal((long?)0, s.ActiveSeconds, "time");
            Equal((long?)0, s.IdleSeconds, "idle");
            Equal("", s.UserName, "null user");
            RawSession raw = NetSessionApi.Enumerate(null, null, null, 502, NetApiStatus.MaxPreferredLength)[0];
            Check(raw.Username == null && raw.CltypeName == null && raw.Transport == null, "the wrapper keeps NULL as null");
            Equal(null, SessionInfo.FromRaw(raw).ClientType, "a NULL client type stays null");
        });
        Run("unicode and surrogate-pair names survive the round trip", delegate
        {
            string user = "J\u00fcrgen\U0001D11E\u4e2d";
            Standin.Add("\\\\\u00e9t\u00e9-pc", user);
            SessionInfo s = SessionList.Enumerate(null, null, null, 502)[0];
            Equal(user, s.UserName, "user");
            Equal("\u00e9t\u00e9-pc", s.Client, "client");
            Equal(1, SessionList.Enumerate(null, null, user, 1).Count, "filter by astral name");
            Equal(user, Standin.LastUser(), "user sent to the API");
        });
    }

    private static void PagingTests()
    {
        Run("paging returns every session once at every prefmaxlen from 1 to 700 and MAX", delegate
        {
            for (int i = 0; i < 40; i++)
                Standin.Add("\\\\10.0.0." + i, "user" + new String('x', i % 9) + i);
            for (int len = 1; len <= 700; len++)
            {
                foreach (int level in new int[] { 1, 502 })
                {
                    List<SessionInfo> list = SessionList.Enumerate(null, null, null, level, len);
                    Equal(40, list.Count, "count at prefmaxlen " + len);
                    for (int i = 0; i < 40; i++)
                        Equal("10.0.0." + i, list[i].Client, "order at prefmaxlen " + len);
                }
            }
            int before = Standin.standin_calls(Standin.Enum);
            Equal(40, SessionList.Enumerate(null, null, null, 1).Count, "MAX");
            Equal(before + 1, Standin.standin_calls(Standin.Enum), "MAX is one call");
            before = Standin.standin_calls(Standin.Enum);
            SessionList.Enumerate(null, null, null, 1, 1);
            Equal(before + 40, Standin.standin_calls(Standin.Enum), "prefmaxlen 1 pages one entry a call");
        });
        Run("10,000 sessions at a 4 KB buffer", delegate
        {
            Standin.standin_add_many(10000);
            List<SessionInfo> list = SessionList.Enumerate(null, null, null, 502, 4096);
            Equal(10000, list.Count, "count");
            Dictionary<string, bool> users = new Dictionary<string, bool>();
            foreach (SessionInfo s in list)
                users[s.UserName] = true;
            Equal(10000, users.Count, "distinct users");
            Equal("user9999", list[9999].UserName, "last");
        });
        Run("a round that brings no entry ends the listing, even at a small buffer (R4: no progress)", delegate
        {
            for (int i = 0; i < 5; i++)
                Standin.Add("\\\\10.0.0." + i, "u" + i);
            Standin.standin_set_paging_mode(1);
            NetSessionException e = Throws(delegate { SessionList.Enumerate(null, null, null, 502, 1); }, "empty page");
            Check(e is ListingLimitException && e.Message.Contains("without making progress (resume handle 0)"), e.Message);
            Equal(1, Standin.standin_calls(Standin.Enum), "one round");
        });
        Run("a server that always says more data with nothing is not followed forever", delegate
        {
            Standin.Add("\\\\10.0.0.1", "u");
            Standin.standin_set_paging_mode(2);
            NetSessionException e = Throws(delegate { SessionList.Enumerate(null, null, null, 1, 1); }, "endless 234");
            Equal(234, e.Status, "status");
            Check(Standin.standin_calls(Standin.Enum) < 100, "bounded number of calls");
        });
        Run("an error after the first page restarts from 0 without duplicates", delegate
        {
            for (int i = 0; i < 10; i++)
                Standin.Add("\\\\10.0.0." + i, "u" + i);
            Standin.standin_inject(Standin.Enum, 8, 3, 1);
            List<SessionInfo> list = SessionList.Enumerate(null, null, null, 1, 1);
            Equal(10, list.Count, "count after restart");
            Equal("u9", list[9].UserName, "complete");
        });
        Run("an error that persists mid-way is raised, not a half list", delegate
        {
            for (int i = 0; i < 10; i++)
                Standin.Add("\\\\10.0.0." + i, "u" + i);
            Standin.standin_inject(Standin.Enum, 8, 3, -1);
            NetSessionException e = Throws(delegate { SessionList.Enumerate(null, null, null, 1, 1); }, "persistent");
            Equal(8, e.Status, "status");
        });
    }

    private static void ErrorTests()
    {
        int[] codes = new int[] { 5, 8, 87, 124, 2351 };
        foreach (int code in codes)
        {
            int c = code;
            Run("status " + c + " becomes NetSessionException with text", delegate
            {
                Standin.Add("\\\\10.0.0.1", "u");
                Standin.standin_inject(Standin.Enum, (uint)c, 0, -1);
                NetSessionException e = Throws(delegate { SessionList.Enumerate(null, null, null, 1); }, "enum");
                Equal(c, e.Status, "Status");
                Equal(c, e.NativeErrorCode, "NativeErrorCode");
                Check(e is System.ComponentModel.Win32Exception, "derives from Win32Exception");
                Check(e.Message.Contains("status " + c), "message has the status: " + e.Message);
                Check(e.Message.Contains(NetSessionException.Describe(c)), "message has the text");
                Check(!NetSessionException.Describe(c).Contains("mono-io-layer"), "own text, not Mono's");
            });
        }
        Run("access denied names who may call and SrvsvcSessionInfo; remote adds the double hop", delegate
        {
            Standin.standin_inject(Standin.Enum, 5, 0, -1);
            NetSessionException local = Throws(delegate { SessionList.Enumerate(null, null, null, 1); }, "local");
            Check(local.Message.Contains("Administrators") && local.Message.Contains("Server Operators"), local.Message);
            Check(local.Message.Contains("SrvsvcSessionInfo"), local.Message);
            Check(!local.Message.Contains("double hop"), "no double hop hint for the local computer");
            NetSessionException remote = Throws(delegate { SessionList.Enumerate("fs01.example.invalid", null, null, 1); }, "remote");
            Check(remote.Message.Contains("double hop") && remote.Message.Contains("CredSSP"), remote.Message);
            Check(remote.Message.Contains("fs01.example.invalid"), "names the server");
        });
        Run("every documented code has its own text", delegate
        {
            foreach (int c in new int[] { 0, 5, 8, 87, 124, 234, 2221, 2312, 2351 })
                Check(!NetSessionException.Describe(c).Contains("mono") && NetSessionException.Describe(c).Length > 10, "text for " + c);
        });
        Run("an unsupported level is refused before calling", delegate
        {
            NetSessionException e = Throws(delegate { SessionList.Enumerate(null, null, null, 3); }, "level 3");
            Equal(124, e.Status, "status");
            Equal(0, Standin.standin_calls(Standin.Enum), "no call");
        });
        Run("filters that match nothing are an empty list", delegate
        {
            Standin.Add("\\\\10.0.0.1", "alice");
            Equal(0, SessionList.Enumerate(null, "10.9.9.9", null, 1).Count, "2312");
            Equal(0, SessionList.Enumerate(null, null, "nobody", 1).Count, "2221");
            NetSessionException e = Throws(delegate
            {
                Standin.standin_inject(Standin.Enum, 2312, 0, -1);
                SessionList.Enumerate(null, null, null, 1);
            }, "unfiltered 2312 is an error");
            Equal(2312, e.Status, "status");
        });
    }

    private static void FilterAndBestLevelTests()
    {
        Run("client filters reach the API with exactly one \\\\ and IPv6 in brackets", delegate
        {
            Standin.Add("\\\\10.0.0.5", "bob");
            Standin.Add("\\\\[fe80::1]", "bob");
            foreach (string given in new string[] { "10.0.0.5", "\\\\10.0.0.5", "\\\\\\\\10.0.0.5" })
            {
                Equal(1, SessionList.Enumerate(null, given, null, 1).Count, "match for " + given);
                Equal("\\\\10.0.0.5", Standin.LastClient(), "sent for " + given);
            }
            Equal(1, SessionList.Enumerate(null, "FE80:0::1", "CONTOSO\\Bob", 1).Count, "ipv6");
            Equal("\\\\[fe80::1]", Standin.LastClient(), "ipv6 sent");
            Equal("Bob", Standin.LastUser(), "domain stripped");
        });
        Run("EnumerateBest falls back 502 -> 2 -> 1 only on 124", delegate
        {
            Standin.Add("\\\\10.0.0.5", "bob");
            int used;
            SessionList.EnumerateBest(null, null, null, out used);
            Equal(502, used, "windows");
            Standin.standin_set_levels(1 | 2);   // levels 0 and 1, like Samba
            List<SessionInfo> list = SessionList.EnumerateBest(null, null, null, out used);
            Equal(1, used, "samba");
            Equal("bob", list[0].UserName, "data");
            Standin.standin_set_levels(1);       // level 0 only
            Equal(124, Throws(delegate { SessionList.EnumerateBest(null, null, null, out used); }, "level 0 only").Status, "no level >= 1");
            // as in the Python twin: level 0 (no user name) is never chosen; the info module fails
            Equal(124, Throws(delegate { SessionList.ListSessions(null, null, new string[] { "a", "b" }, -1); }, "info").Status, "info too");
            Standin.standin_set_levels(-1);
            Standin.standin_inject(Standin.Enum, 5, 0, -1);
            Equal(5, Throws(delegate { SessionList.EnumerateBest(null, null, null, out used); }, "5").Status, "no fallback on 5");
        });
        Run("List filters by any client and any user, sends only safe filters, picks the level", delegate
        {
            Standin.Add("\\\\10.0.0.5", "bob");
            Standin.Add("\\\\10.0.0.6", "alice");
            Standin.Add("\\\\[fe80::1]", "carol");
            int used;
            List<SessionInfo> two = Listed(null, new string[] { "10.0.0.5", "fe80::1" }, null, -1, out used);
            Equal(2, two.Count, "two clients");
            Equal(502, used, "best level");
            Equal("", Standin.LastClient(), "several clients: no wire filter");
            List<SessionInfo> one = Listed(null, new string[] { "10.0.0.6" }, new string[] { "ALICE", "eve" }, 1, out used);
            Equal(1, one.Count, "client and any user");
            Equal("\\\\10.0.0.6", Standin.LastClient(), "one IPv4 client goes on the wire");
            Equal(1, used, "explicit level");
            Equal(3, Listed(null, null, new string[0], -1, out used).Count, "no filters");
            Standin.standin_set_levels(1 | 2);
            Equal(124, Throws(delegate { Listed(null, null, null, 502, out used); }, "explicit 502 on samba").Status, "124");
        });
    }

    private static void CloseTests()
    {
        Run("Close ends the pair and reports NotFound when it is gone", delegate
        {
            Standin.Add("\\\\10.0.0.5", "bob");
            Standin.Add("\\\\10.0.0.5", "bob");
            Standin.Add("\\\\10.0.0.5", "alice");
            Equal(CloseOutcome.Closed, CloseExecutor.Close(null, "\\\\10.0.0.5", "bob"), "closed");
            Equal("\\\\10.0.0.5", Standin.LastClient(), "raw client sent");
            Equal(1, Standin.standin_remaining_sessions(), "both bob sessions gone, alice stays");
            Equal(CloseOutcome.NotFound, CloseExecutor.Close(null, "10.0.0.5", "bob"), "2221");
            Equal(CloseOutcome.NotFound, CloseExecutor.Close(null, "10.0.0.9", "bob"), "2312");
            Standin.standin_inject(Standin.Del, 5, 0, -1);
            Equal(5, Throws(delegate { CloseExecutor.Close(null, "10.0.0.5", "alice"); }, "5").Status, "denied");
        });
        Run("Close never sends both names NULL", delegate
        {
            bool threw = false;
            try { CloseExecutor.Close(null, null, null); } catch (ArgumentException) { threw = true; }
            Check(threw, "ArgumentException");
            Equal(0, Standin.standin_calls(Standin.Del), "no call");
        });
        Run("check mode plans and calls nothing; a real run closes; a vanished pair is not an error", delegate
        {
            Standin.Add("\\\\10.0.0.5", "bob");
            Standin.Add("\\\\10.0.0.6", "alice");
            List<SessionInfo> all = SessionList.Enumerate(null, null, null, 502);
            CloseSelection sel = SelectAll();
            ClosePlan plan = ClosePlanner.Plan(all, sel);
            CloseRun dry = CloseExecutor.Run(null, plan, true);
            Equal(0, Standin.standin_calls(Standin.Del), "check mode made no NetSessionDel call");
            Equal(2, dry.Closed.Count, "would close");
            Check(dry.Changed, "changed in check mode");
            CloseExecutor.Close(null, "\\\\10.0.0.6", "alice");   // alice logs off meanwhile
            CloseRun real = CloseExecutor.Run(null, plan, false);
            Equal(1, real.Closed.Count, "closed");
            Equal("alice", real.Vanished[0].UserName, "vanished");
            Equal(0, Standin.standin_remaining_sessions(), "host state");
            Dictionary<string, object> r = real.ToResult();
            Equal("changed,closed_sessions,skipped_sessions,vanished_sessions,close_calls,failed_call,untried_calls",
                String.Join(",", new List<string>(r.Keys).ToArray()), "result keys");
            Equal(String.Join(",", ((List<string>)dry.DiffAfter()["sessions"]).ToArray()),
                String.Join(",", ((List<string>)real.DiffAfter()["sessions"]).ToArray()), "check diff == real diff");
            Equal("alice@10.0.0.6,bob@10.0.0.5", String.Join(",", ((List<string>)real.DiffBefore()["sessions"]).ToArray()), "before");
            CloseRun again = CloseExecutor.Run(null, ClosePlanner.Plan(SessionList.Enumerate(null, null, null, 502), sel), false);
            Check(!again.Changed, "second run unchanged");
        });
    }

    private static void NameTests()
    {
        string[,] cases = new string[,] {
            { "\\\\10.0.0.5", "10.0.0.5" }, { "10.0.0.5", "10.0.0.5" }, { "\\\\[::1]", "::1" }, { "::1", "::1" },
            { "\\\\[FE80:0:0:0:0:0:0:1%12]", "fe80::1%12" }, { "::ffff:127.0.0.1", "127.0.0.1" },
            { "\\\\FILESRV1", "FILESRV1" }, { "\\\\filesrv1.corp.example.", "filesrv1.corp.example." },
            { "  \\\\10.0.0.5 ", "10.0.0.5" }, { "10.5", "10.5" }, { "10.0.0.256", "10.0.0.256" },
            { "1.2.3.4.5", "1.2.3.4.5" }, { "\\\\0.0.0.0", "0.0.0.0" },
        };
        Run("client names normalise like the Python side", delegate
        {
            for (int i = 0; i < cases.GetLength(0); i++)
                Equal(cases[i, 1], ClientName.Normalize(cases[i, 0]), "normalise " + cases[i, 0]);
            Equal("\\\\[fe80::1%3]", ClientName.ToApiFilter("fe80::1%3"), "filter zone");
            Check(ClientName.Matches("\\\\FILESRV1.corp.", "filesrv1.CORP"), "host match");
            Check(!ClientName.Matches("10.0.0.5", "10.0.0.50"), "no prefix match");
            Equal("bob", AccountName.AccountPart("CORP\\bob"), "domain");
            Equal("bob", AccountName.AccountPart("bob@corp.example"), "upn");
            Check(AccountName.IsMachineAccount("HOST1$") && !AccountName.IsMachineAccount(""), "machine");
            Check(LocalHost.IsLocalServer(null) && LocalHost.IsLocalServer("localhost") &&
                LocalHost.IsLocalServer("\\\\127.0.0.1") && !LocalHost.IsLocalServer("fs01.example.invalid"), "local");
        });
    }

    // Vectors shared with the Python planner, written by the pytest driver as tab-separated lines.
    private static void VectorTests(string path)
    {
        string[] lines = File.ReadAllLines(path, Encoding.UTF8);
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
            Run("vector: " + name, delegate { RunVector(caseLines); });
        }
    }

    private static string Cell(string value)
    {
        return value == "<null>" ? null : value;
    }

    private static string[] List(string[] parts)
    {
        List<string> values = new List<string>();
        for (int k = 2; k < parts.Length; k++)
            values.Add(parts[k]);
        return values.ToArray();
    }

    private static void RunVector(List<string> block)
    {
        List<SessionInfo> sessions = new List<SessionInfo>();
        CloseSelection sel = new CloseSelection();
        string error = null, errorText = null;
        List<string> expected = new List<string>();
        foreach (string line in block)
        {
            string[] p = line.Split('\t');
            if (p[0] == "SESSION")
                sessions.Add(new SessionInfo(Cell(p[1]), Cell(p[2]), p[3] == "<null>" ? (long?)null : Int64.Parse(p[3])));
            else if (p[0] == "SEL")
            {
                switch (p[1])
                {
                    case "client": sel.Clients = List(p); break;
                    case "username": sel.Usernames = List(p); break;
                    case "exclude_client": sel.ExcludeClients = List(p); break;
                    case "exclude_username": sel.ExcludeUsernames = List(p); break;
                    case "own_client": sel.OwnClients = List(p); break;
                    case "own_username": sel.OwnUsername = Cell(p[2]); break;
                    case "all": sel.All = p[2] == "true"; break;
                    case "min_idle_seconds": sel.MinIdleSeconds = p[2] == "<null>" ? (long?)null : Int64.Parse(p[2]); break;
                }
            }
            else if (p[0] == "ERROR")
            {
                error = p[1];
                errorText = p[2];
            }
            else
                expected.Add(line);
        }
        ClosePlan plan;
        try
        {
            plan = ClosePlanner.Plan(sessions, sel);
        }
        catch (CloseSelectionException e)
        {
            Equal(error, e.Code, "error code");
            Check(e.Message.Contains(errorText), "message names '" + errorText + "': " + e.Message);
            return;
        }
        Equal(error, null, "expected an error");
        List<string> actual = new List<string>();
        foreach (CloseTarget t in plan.Targets)
        {
            // Which sessions each call ends, by their index in the vector.
            List<string> ended = t.Sessions.ConvertAll(delegate(SessionInfo s) { return sessions.IndexOf(s).ToString(); });
            actual.Add(String.Join("\t", new string[] { "CLOSE", t.Client ?? "<null>", t.RawClient ?? "<null>",
                t.UserName ?? "<null>", t.Sessions.Count.ToString(), String.Join(",", ended.ToArray()) }));
        }
        foreach (SkippedSession k in plan.Skipped)
            actual.Add(String.Join("\t", new string[] { "SKIP", k.Session.Client ?? "<null>", k.Session.UserName ?? "<null>", k.Reason }));
        Equal(String.Join(" | ", expected.ToArray()), String.Join(" | ", actual.ToArray()), "plan");
    }

    // args: [planning vectors [name-rule tables [selector checks]]], all written by tests/csharp/test_netsession_cs.py
    private static int Main(string[] args)
    {
        if (args.Length > 1)
            LoadNameRules(args[1]);
        if (args.Length > 2)
            LoadSelectorChecks(args[2]);
        LayoutTests();
        FieldTests();
        PagingTests();
        ErrorTests();
        FilterAndBestLevelTests();
        CloseTests();
        NameTests();
        PlannerRuleTests();
        NativeCallTests();
        ModuleGlueTests();
        ListingLimitTests();
        WindowsSpecificsTests();
        ResolverTests();
        SharedTableTests();
        ShareUserTests();
        if (args.Length > 0)
            VectorTests(args[0]);
        Console.WriteLine(String.Format("{0} passed, {1} failed", passed, failed));
        return failed == 0 ? 0 : 1;
    }
}
