// What reaches netapi32: every native call the util makes, with all of its arguments, read
// back from the stand-in's call log (tests/csharp/standin). A NetSessionDel argument is what a
// user loses, so these tests assert the exact calls, not only the util's own report.
using System;
using System.Collections.Generic;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames;
using ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning;
using ansible_collections.lanman.smb.plugins.module_utils.ListAndClose;

internal static class CallLog
{
    [DllImport("netapi32.dll")] private static extern int standin_log_count();
    [DllImport("netapi32.dll")] private static extern int standin_log_dropped();
    [DllImport("netapi32.dll")] private static extern IntPtr standin_log_entry(int i);
    [DllImport("netapi32.dll")] public static extern void standin_log_clear();
    [DllImport("netapi32.dll")] public static extern void standin_deny_levels(int mask);
    [DllImport("netapi32.dll")] public static extern void standin_set_samba_delete(int on);
    [DllImport("netapi32.dll")] public static extern void standin_ignore_enum_filters(int on);

    // bit per level index, as standin_set_levels: 0, 1, 2, 10, 502
    public const int Level0 = 1, Level1 = 2, Level2 = 4, Level10 = 8, Level502 = 16;

    public static List<string> All()
    {
        if (standin_log_dropped() != 0)
            throw new TestFailure("the stand-in log overflowed");
        List<string> lines = new List<string>();
        for (int i = 0; i < standin_log_count(); i++)
            lines.Add(Marshal.PtrToStringUni(standin_log_entry(i)));
        return lines;
    }

    public static List<string> Of(string function)
    {
        return All().FindAll(delegate(string line) { return line.StartsWith(function + "(", StringComparison.Ordinal); });
    }

    public static string Joined(List<string> lines)
    {
        return String.Join(" | ", lines.ToArray());
    }

    /// <summary>The log line of one NetSessionDel call: server NULL = the local computer.</summary>
    public static string Del(string server, string client, string user, int status)
    {
        return String.Format("NetSessionDel(server={0}, client={1}, user={2}) = {3}", Q(server), Q(client), Q(user), status);
    }

    public static string Q(string value)
    {
        return value == null ? "NULL" : "\"" + value + "\"";
    }

    /// <summary>"level=10 ... = 0" parts of the NetSessionEnum lines, in call order.</summary>
    public static string EnumLevels()
    {
        List<string> parts = new List<string>();
        foreach (string line in Of("NetSessionEnum"))
        {
            int at = line.IndexOf("level=", StringComparison.Ordinal);
            string level = line.Substring(at + 6, line.IndexOf(',', at) - at - 6);
            parts.Add(level + "=" + line.Substring(line.LastIndexOf("= ", StringComparison.Ordinal) + 2));
        }
        return String.Join(",", parts.ToArray());
    }
}

internal static partial class Program
{
    // "all: true" and nothing else: every session is a candidate (the rules still protect some)
    private static CloseSelection SelectAll()
    {
        CloseSelection sel = new CloseSelection();
        sel.All = true;
        return sel;
    }

    private static CloseSelection SelectUsers(params string[] users)
    {
        CloseSelection sel = new CloseSelection();
        sel.Usernames = users;
        return sel;
    }

    private static CloseRun CloseFor(string server, CloseSelection sel)
    {
        List<SessionInfo> all = SessionList.Enumerate(server, null, null, 502);
        CallLog.standin_log_clear();
        return CloseExecutor.Run(server, ClosePlanner.Plan(all, sel), false);
    }

    private static string Keys(Dictionary<string, object> d)
    {
        return String.Join(",", new List<string>(d.Keys).ToArray());
    }

    static partial void NativeCallTests()
    {
        CallLogTests();
        CloseArgumentTests();
        LocalServerTests();
        AuthErrorTests();
        Level0UserFilterTests();
        Level502DeniedTests();
        PartialFailureTests();
        VanishedOrDeniedTests();
    }

    private static void CallLogTests()
    {
        Run("call log: every NetSessionEnum page with server, filters, level, prefmaxlen and resume in", delegate
        {
            Standin.Add("\\\\10.0.0.1", "ann");
            Standin.Add("\\\\10.0.0.2", "ann");
            Standin.Add("\\\\10.0.0.3", "ann");
            SessionList.Enumerate("fs01.example.invalid", "10.0.0.9", null, 1, 1);
            SessionList.Enumerate(null, null, "CORP\\ann", 502, 1);
            // 2312 for a filter proves nothing (the server's own spelling): listed again unfiltered
            Equal("NetSessionEnum(server=\"fs01.example.invalid\", client=\"\\\\10.0.0.9\", user=NULL, level=1, prefmaxlen=0x1, resume=0, read=0) = 2312" +
                " | NetSessionEnum(server=\"fs01.example.invalid\", client=NULL, user=NULL, level=1, prefmaxlen=0x1, resume=0, read=1) = 234" +
                " | NetSessionEnum(server=\"fs01.example.invalid\", client=NULL, user=NULL, level=1, prefmaxlen=0x1, resume=1, read=1) = 234" +
                " | NetSessionEnum(server=\"fs01.example.invalid\", client=NULL, user=NULL, level=1, prefmaxlen=0x1, resume=2, read=1) = 0" +
                " | NetSessionEnum(server=NULL, client=NULL, user=\"ann\", level=502, prefmaxlen=0x1, resume=0, read=1) = 234" +
                " | NetSessionEnum(server=NULL, client=NULL, user=\"ann\", level=502, prefmaxlen=0x1, resume=1, read=1) = 234" +
                " | NetSessionEnum(server=NULL, client=NULL, user=\"ann\", level=502, prefmaxlen=0x1, resume=2, read=1) = 0",
                CallLog.Joined(CallLog.All()), "log");
        });
        Run("call log: NetSessionDel with every argument; NULL differs from \"\"", delegate
        {
            Standin.Add("\\\\10.0.0.1", "ann");
            Standin.Add("\\\\10.0.0.2", "ann");
            CloseExecutor.Close(".", "10.0.0.1", "ann@corp.example");
            CloseExecutor.Close("", "10.0.0.2", null);
            Equal(CallLog.Del(null, "\\\\10.0.0.1", "ann", 0) + " | " + CallLog.Del(null, "\\\\10.0.0.2", null, 0),
                CallLog.Joined(CallLog.All()), "log");
        });
    }

    private static void CloseArgumentTests()
    {
        Run("close by user: NetSessionDel gets exactly the listed pairs, raw client and account name", delegate
        {
            Standin.Add("\\\\10.0.0.5", "bob");
            Standin.Add("\\\\10.0.0.5", "bob");
            Standin.Add("\\\\10.0.0.5", "alice");
            Standin.Add("\\\\[fe80::1]", "BOB");
            CloseRun run = CloseFor(null, SelectUsers("CORP\\bob"));
            Equal(CallLog.Del(null, "\\\\10.0.0.5", "bob", 0) + " | " + CallLog.Del(null, "\\\\[fe80::1]", "BOB", 0),
                CallLog.Joined(CallLog.Of("NetSessionDel")), "NetSessionDel calls");
            Equal(3, run.Closed.Count, "closed");
            Equal(1, Standin.standin_remaining_sessions(), "alice stays");
        });
        Run("close with exclusions: no NetSessionDel names an excluded client or user", delegate
        {
            Standin.Add("\\\\10.0.0.5", "alice");
            Standin.Add("\\\\10.0.0.6", "alice");
            Standin.Add("\\\\10.0.0.6", "carol");
            Standin.Add("\\\\10.0.0.7", "dave");
            CloseSelection sel = SelectAll();
            sel.ExcludeClients = new string[] { "10.0.0.5" };
            sel.ExcludeUsernames = new string[] { "carol" };
            CloseFor(null, sel);
            Equal(CallLog.Del(null, "\\\\10.0.0.6", "alice", 0) + " | " + CallLog.Del(null, "\\\\10.0.0.7", "dave", 0),
                CallLog.Joined(CallLog.Of("NetSessionDel")), "NetSessionDel calls");
            Equal(2, Standin.standin_remaining_sessions(), "alice@10.0.0.5 and carol stay");
        });
        // The worst bug: a call that ends a session the selection did not pick. The stand-in ends
        // what netapi32 would; every session it ended must be reported closed, none skipped.
        string[][][] scenarios = new string[][][] {
            // sessions (client, user) ; exclude_client
            new string[][] { new string[] { "", "alice" }, new string[] { "\\\\10.0.0.5", "alice" }, new string[] { "10.0.0.5" } },
            new string[][] { new string[] { "\\\\10.0.0.5", "" }, new string[] { "\\\\10.0.0.5", "bob" }, new string[] { "" } },
            new string[][] { new string[] { "\\\\10.0.0.5", "bob" }, new string[] { "\\\\10.0.0.6", "bob" }, new string[] { "10.0.0.6" } },
        };
        for (int n = 0; n < scenarios.Length; n++)
        {
            string[][] sc = scenarios[n];
            Run("every session NetSessionDel ended was selected and is reported (scenario " + n + ")", delegate
            {
                for (int k = 0; k < sc.Length - 1; k++)
                    Standin.standin_add_session(sc[k][0], sc[k][1], 1, 100, 10, 0, "", "\\Device\\Tcp");
                List<SessionInfo> all = SessionList.Enumerate(null, null, null, 502);
                CloseSelection sel = SelectAll();
                sel.ExcludeClients = sc[sc.Length - 1][0].Length > 0 ? new string[] { sc[sc.Length - 1][0] } : null;
                CloseRun run = CloseExecutor.Run(null, ClosePlanner.Plan(all, sel), false);
                List<SessionInfo> left = SessionList.Enumerate(null, null, null, 502);
                int ended = all.Count - left.Count;
                Equal(ended, run.Closed.Count + run.Vanished.Count, "sessions ended = sessions reported closed; calls " +
                    CallLog.Joined(CallLog.Of("NetSessionDel")));
                foreach (SkippedSession k in run.Skipped)
                {
                    bool stillThere = left.Exists(delegate(SessionInfo s) { return s.Client == k.Session.Client && s.UserName == k.Session.UserName; });
                    Check(stillThere, "skipped " + k.Session.DiffEntry() + " (" + k.Reason + ") was ended by " +
                        CallLog.Joined(CallLog.Of("NetSessionDel")));
                }
                Equal(0, Standin.standin_both_null_deletes(), "never NetSessionDel(NULL, NULL)");
            });
        }
        Run("public Close: CORP\\bob and bob@corp reach NetSessionDel as bob, like Enumerate", delegate
        {
            Standin.Add("\\\\10.0.0.5", "bob");
            Standin.Add("\\\\10.0.0.6", "bob");
            Equal(CloseOutcome.Closed, CloseExecutor.Close(null, "\\\\10.0.0.5", "CORP\\bob"), "domain form closes");
            Equal(CloseOutcome.Closed, CloseExecutor.Close(null, "10.0.0.6", "bob@corp.example"), "UPN form closes");
            Equal(CallLog.Del(null, "\\\\10.0.0.5", "bob", 0) + " | " + CallLog.Del(null, "\\\\10.0.0.6", "bob", 0),
                CallLog.Joined(CallLog.Of("NetSessionDel")), "calls");
            Equal(0, Standin.standin_remaining_sessions(), "both gone");
        });
    }

    private static List<string> LocalSpellings()
    {
        List<string> names = new List<string>(new string[] {
            null, "", " ", ".", "\\\\.", "localhost", "LOCALHOST", "localhost.", "127.0.0.1", "\\\\127.0.0.1", "::1", "[::1]",
            "\\\\[::1]", Environment.MachineName, Environment.MachineName + ".", Environment.MachineName.ToLowerInvariant(),
        });
        IPGlobalProperties props = IPGlobalProperties.GetIPGlobalProperties();
        if (!String.IsNullOrEmpty(props.DomainName))
        {
            names.Add(props.HostName + "." + props.DomainName);
            names.Add(props.HostName + "." + props.DomainName + ".");
        }
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
            foreach (UnicastIPAddressInformation a in nic.GetIPProperties().UnicastAddresses)
                names.Add(a.Address.ToString());
        return names;
    }

    private static void LocalServerTests()
    {
        Run("the host itself in every spelling is local: netapi32 gets server NULL", delegate
        {
            Standin.Add("\\\\10.0.0.5", "bob");
            foreach (string name in LocalSpellings())
            {
                Check(LocalHost.IsLocalServer(name), "IsLocalServer(" + CallLog.Q(name) + ")");
                CallLog.standin_log_clear();
                SessionList.Enumerate(name, null, null, 1);
                CloseExecutor.Close(name, "\\\\10.0.0.9", "nobody");
                foreach (string line in CallLog.All())
                    Check(line.Contains("(server=NULL,"), "server " + CallLog.Q(name) + " sent as: " + line);
                Equal(2, CallLog.All().Count, "two calls for " + CallLog.Q(name));
            }
        });
        Run("other servers are remote and reach netapi32 as given", delegate
        {
            foreach (string name in new string[] { "fs01.example.invalid", "\\\\fs01", "..", "10.255.0.1", "127-0-0-1.example.invalid" })
            {
                Check(!LocalHost.IsLocalServer(name), "IsLocalServer(" + name + ")");
                CallLog.standin_log_clear();
                SessionList.Enumerate(name, null, null, 1);
                Check(CallLog.All()[0].StartsWith("NetSessionEnum(server=\"" + name.Trim() + "\"", StringComparison.Ordinal),
                    "sent: " + CallLog.All()[0]);
            }
        });
    }

    private static void AuthErrorTests()
    {
        Run("auth errors: the double-hop hint only for a remote server; 1312 has its own text", delegate
        {
            foreach (int status in new int[] { 5, 1244, 1312, 1326 })
            {
                Standin.standin_inject(Standin.Enum, (uint)status, 0, -1);
                NetSessionException local = Throws(delegate { SessionList.Enumerate(".", null, null, 1); }, "local " + status);
                Check(!local.RemoteServer && !local.Message.Contains("double hop"), "no hint for '.': " + local.Message);
                Check(local.Message.Contains("the local computer"), local.Message);
                NetSessionException remote = Throws(delegate { SessionList.Enumerate("fs01", null, null, 1); }, "remote " + status);
                Check(remote.RemoteServer && remote.Message.Contains("double hop"), "hint for fs01: " + remote.Message);
                Check(remote.Message.Contains("become_password") && remote.Message.Contains("S4U") &&
                    remote.Message.Contains("new_credentials"), "become needs a password or new_credentials: " + remote.Message);
                // ansible.builtin.runas's spelling ("Become and Windows"): netcredentials_only goes with new_credentials
                Check(remote.Message.Contains("become: true with become_method: runas, become_flags: " +
                    "logon_type=new_credentials logon_flags=netcredentials_only and an explicit become_user and " +
                    "become_password"), "the runas become flags as documented: " + remote.Message);
                Standin.standin_reset();
            }
            Check(NetSessionException.Describe(1312).Contains("logon session"), NetSessionException.Describe(1312));
            Check(new NetSessionException(1312, "NetSessionEnum", "fs01", true).Message.Contains("status 1312"), "status in text");
            Check(!new NetSessionException(2312, "NetSessionDel", "fs01", true).Message.Contains("double hop"), "not an auth error");
        });
    }

    private static void Level0UserFilterTests()
    {
        Run("level 0 + username: listed at level 10, filtered, projected to level 0", delegate
        {
            Standin.Add("\\\\10.0.0.1", "alice");
            Standin.Add("\\\\10.0.0.2", "ALICE");
            Standin.Add("\\\\10.0.0.3", "bob");
            List<SessionInfo> list = SessionList.Enumerate(null, null, "CORP\\alice", 0);
            Equal(2, list.Count, "alice's sessions");
            Equal("10.0.0.1,10.0.0.2", String.Join(",", list.ConvertAll(delegate(SessionInfo s) { return s.Client; }).ToArray()), "clients");
            foreach (SessionInfo s in list)
            {
                Equal(0, s.Level, "level");
                foreach (KeyValuePair<string, object> kv in s.ToResult())
                    Check(kv.Key == "client" || kv.Value == null, kv.Key + " is null at level 0");
            }
            Equal("10=0", CallLog.EnumLevels(), "one call at level 10");
            Check(CallLog.All()[0].Contains("user=\"alice\""), CallLog.All()[0]);
            int used;
            Equal(3, Listed(null, null, new string[] { "alice", "bob" }, 0, out used).Count, "two users");
            Equal(0, used, "reported level");
            Equal(0, Listed(null, null, new string[] { "eve" }, 0, out used).Count, "nobody");
            Equal(3, Listed(null, null, null, 0, out used).Count, "no user filter: level 0 itself");
        });
        Run("level 0 + username on a server that ignores filters (Samba: 0 and 1): level 1, only matches", delegate
        {
            Standin.Add("\\\\10.0.0.1", "alice");
            Standin.Add("\\\\10.0.0.2", "bob");
            Standin.standin_set_levels(CallLog.Level0 | CallLog.Level1);
            CallLog.standin_ignore_enum_filters(1);
            int used;
            List<SessionInfo> list = Listed(null, null, new string[] { "alice" }, 0, out used);
            Equal(1, list.Count, "only alice");
            Equal("10.0.0.1", list[0].Client, "alice's client");
            Equal(null, list[0].UserName, "projected");
            Equal("10=124,1=0", CallLog.EnumLevels(), "10 then 1");
            Equal(1, SessionList.Enumerate(null, null, "alice", 0).Count, "Enumerate too");
        });
        Run("level 0 + username where neither 10 nor 1 is served: a message that says what to do", delegate
        {
            Standin.Add("\\\\10.0.0.1", "alice");
            Standin.standin_set_levels(CallLog.Level0);
            int used;
            NetSessionException e = Throws(delegate { Listed(null, null, new string[] { "alice" }, 0, out used); }, "refused");
            Equal(124, e.Status, "status");
            Check(e.Message.Contains("Level 0 carries no user name") && e.Message.Contains("use level 1 or drop the username filter"), e.Message);
        });
    }

    private static void Level502DeniedTests()
    {
        Run("level unset and 502 denied: level 10, the warning, level-10 fields", delegate
        {
            Standin.Add("\\\\10.0.0.1", "alice");
            CallLog.standin_deny_levels(CallLog.Level502);
            SessionListing listing = SessionList.ListSessions(null, null, null, -1);
            Equal(10, listing.Level, "level");
            Equal(SessionList.Level10Warning, String.Join("|", listing.Warnings.ToArray()), "warning");
            Equal("Access to level 502 was denied; listed at level 10 (user-info right only): num_opens, user_flags, " +
                "is_guest, cleartext_password, client_type and transport are null.", SessionList.Level10Warning, "the shared text");
            Equal("502=5,10=0", CallLog.EnumLevels(), "calls");
            SessionInfo s = listing.Sessions[0];
            Check(s.UserName == "alice" && s.IdleSeconds == 10 && s.NumOpens == null && s.Transport == null, "level-10 fields");
        });
        Run("no level-10 fallback for an explicit level, on 124, or when 10 is denied too", delegate
        {
            Standin.Add("\\\\10.0.0.1", "alice");
            CallLog.standin_deny_levels(CallLog.Level502);
            Equal(5, Throws(delegate { SessionList.ListSessions(null, null, null, 502); }, "explicit").Status, "explicit 502");
            Equal("502=5", CallLog.EnumLevels(), "one call");
            CallLog.standin_log_clear();
            CallLog.standin_deny_levels(CallLog.Level502 | CallLog.Level10);
            Equal(5, Throws(delegate { SessionList.ListSessions(null, null, null, -1); }, "10 denied").Status, "denied");
            Equal("502=5,10=5", CallLog.EnumLevels(), "tried 10");
            CallLog.standin_log_clear();
            CallLog.standin_deny_levels(0);
            Standin.standin_set_levels(CallLog.Level0 | CallLog.Level1);
            SessionListing samba = SessionList.ListSessions(null, null, null, -1);
            Equal(1, samba.Level, "samba level");
            Equal(0, samba.Warnings.Count, "no warning");
            Equal("502=124,2=124,1=0", CallLog.EnumLevels(), "10 is not in the 124 chain");
        });
    }

    private static void PartialFailureTests()
    {
        Run("a failure midway: stop at the failing call, report what was closed, the failure and the untried calls", delegate
        {
            Standin.Add("\\\\10.0.0.1", "ann");
            Standin.Add("\\\\10.0.0.2", "bob");
            Standin.Add("\\\\10.0.0.2", "bob");
            Standin.Add("\\\\10.0.0.3", "cy");
            Standin.standin_inject(Standin.Del, 5, 1, 1);   // the second NetSessionDel is denied
            CloseSelection sel = SelectAll();
            CloseRun run = CloseFor(null, sel);
            Equal(CallLog.Del(null, "\\\\10.0.0.1", "ann", 0) + " | " + CallLog.Del(null, "\\\\10.0.0.2", "bob", 5),
                CallLog.Joined(CallLog.Of("NetSessionDel")), "two calls, the third not made");
            Equal(1, CallLog.Of("NetSessionEnum").Count, "one fresh listing to tell denied from vanished");
            Check(run.Changed, "changed: ann was closed");
            Equal("ann", run.Closed[0].UserName, "closed so far");
            Equal(1, run.Closed.Count, "closed count");
            Equal(2, run.Calls.Count, "close_calls has the failed call");
            Dictionary<string, object> r = run.ToResult();
            Equal("changed,closed_sessions,skipped_sessions,vanished_sessions,close_calls,failed_call,untried_calls", Keys(r), "keys");
            Dictionary<string, object> failed = (Dictionary<string, object>)r["failed_call"];
            Equal("client,username,status,message,sessions", Keys(failed), "failed_call keys");
            Equal("10.0.0.2", failed["client"], "failed client");
            Equal("bob", failed["username"], "failed user");
            Equal(5, failed["status"], "failed status");
            Check(((string)failed["message"]).Contains("status 5"), (string)failed["message"]);
            Equal(2, ((List<Dictionary<string, object>>)failed["sessions"]).Count, "failed call's sessions");
            List<Dictionary<string, object>> untried = (List<Dictionary<string, object>>)r["untried_calls"];
            Equal(1, untried.Count, "untried");
            Equal("client,username,sessions", Keys(untried[0]), "untried keys");
            Equal("cy", untried[0]["username"], "untried user");
            string msg = run.FailureMessage();
            Check(msg.Contains("'bob'") && msg.Contains("10.0.0.2") && msg.Contains("Access is denied") &&
                msg.Contains("1 session(s) were closed") && msg.Contains("1 planned call(s)"), msg);
            Equal("bob@10.0.0.2,bob@10.0.0.2,cy@10.0.0.3", String.Join(",", ((List<string>)run.DiffAfter()["sessions"]).ToArray()),
                "diff after keeps the sessions still open");
            Equal(3, Standin.standin_remaining_sessions(), "host: bob and cy still there");
        });
        Run("a first call failing with another error: nothing changed, no re-listing, all else untried", delegate
        {
            Standin.Add("\\\\10.0.0.1", "ann");
            Standin.Add("\\\\10.0.0.2", "bob");
            Standin.standin_inject(Standin.Del, 8, 0, 1);
            CloseSelection sel = SelectAll();
            CloseRun run = CloseFor("fs01", sel);
            Check(!run.Changed, "not changed");
            Equal(8, run.FailedCall.Status, "status");
            Equal(1, run.UntriedCalls.Count, "untried");
            Equal(0, CallLog.Of("NetSessionEnum").Count, "only 5 is re-checked");
            Equal(1, CallLog.Of("NetSessionDel").Count, "one call");
        });
        Run("a run without failure: failed_call null, untried_calls empty, FailureMessage null", delegate
        {
            Standin.Add("\\\\10.0.0.1", "ann");
            CloseRun run = CloseFor(null, SelectUsers("ann"));
            Dictionary<string, object> r = run.ToResult();
            Equal(null, r["failed_call"], "failed_call");
            Equal(0, ((System.Collections.ICollection)r["untried_calls"]).Count, "untried_calls");
            Equal(null, run.FailureMessage(), "message");
        });
    }

    private static void VanishedOrDeniedTests()
    {
        Run("5 from NetSessionDel and the target is gone on a fresh listing: vanished (Samba)", delegate
        {
            Standin.Add("\\\\10.0.0.1", "ann");
            Standin.Add("\\\\10.0.0.2", "bob");
            CallLog.standin_set_samba_delete(1);
            List<SessionInfo> all = SessionList.Enumerate(null, null, null, 1);
            CloseSelection sel = SelectAll();
            ClosePlan plan = ClosePlanner.Plan(all, sel);
            CloseExecutor.Close(null, "\\\\10.0.0.1", "ann");   // ann logs off meanwhile
            CallLog.standin_log_clear();
            CloseRun run = CloseExecutor.Run(null, plan, false);
            Equal(null, run.FailedCall, "no failure");
            Equal("ann", run.Vanished[0].UserName, "vanished");
            Equal("bob", run.Closed[0].UserName, "closed");
            Equal(CallLog.Del(null, "\\\\10.0.0.1", "ann", 5) + " | " + CallLog.Del(null, "\\\\10.0.0.2", "bob", 0),
                CallLog.Joined(CallLog.Of("NetSessionDel")), "calls");
            Equal("1=0", CallLog.EnumLevels(), "re-listed at the listing's level");
        });
        Run("5 from NetSessionDel while a session of the target remains: a failure (access denied)", delegate
        {
            Standin.Add("\\\\10.0.0.1", "ann");
            Standin.Add("\\\\10.0.0.1", "");
            Standin.standin_inject(Standin.Del, 5, 0, -1);
            CloseRun run = CloseFor(null, SelectUsers("ann"));
            Equal(5, run.FailedCall.Status, "denied");
            Equal(0, run.Vanished.Count, "not vanished");
            Check(!run.Changed, "nothing closed");
        });
        Run("5 on a client-wide call: any session left from that client means denied", delegate
        {
            Standin.Add("\\\\10.0.0.1", "");
            Standin.standin_inject(Standin.Del, 5, 0, -1);
            CloseSelection sel = SelectAll();
            CloseRun run = CloseFor(null, sel);
            Equal(CallLog.Del(null, "\\\\10.0.0.1", null, 5), CallLog.Joined(CallLog.Of("NetSessionDel")), "client-wide call");
            Equal(5, run.FailedCall == null ? 0 : run.FailedCall.Status, "denied");
        });
        Run("5 and the fresh listing fails too: a failure, never assumed vanished", delegate
        {
            Standin.Add("\\\\10.0.0.1", "ann");
            List<SessionInfo> all = SessionList.Enumerate(null, null, null, 1);
            ClosePlan plan = ClosePlanner.Plan(all, SelectUsers("ann"));
            Standin.standin_inject(Standin.Del, 5, 0, -1);
            Standin.standin_inject(Standin.Enum, 5, 0, -1);
            CloseRun run = CloseExecutor.Run(null, plan, false);
            Equal(5, run.FailedCall.Status, "denied");
            Equal(0, run.Vanished.Count, "not vanished");
        });
    }
}
