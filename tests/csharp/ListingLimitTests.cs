// The listing limits both twins share (R4, docs/developer/contract.md "Listing limits"), against
// hostile stand-in servers: ERROR_MORE_DATA (234) or NERR_BufTooSmall (2123) with entries and a
// repeated resume handle, with a zero handle, with no entries, and a listing that never ends. The
// texts and MAX_SESSIONS come from tests/fixtures/listing_limits.json (written as key<TAB>value
// lines by tests/csharp/test_netsession_cs.py; path in LANMAN_LISTING_LIMITS), the file the Python
// twin's tests read too. Every buffer a round returned is freed, on the error path as well.
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.ListAndClose;

internal static class Hostile
{
    // standin_set_hostile handle modes
    public const int RepeatHandle = 1, ZeroHandle = 2, AdvanceHandle = 3;

    [DllImport("netapi32.dll")] public static extern void standin_set_hostile(int handleMode, int perRound, uint status, int allocEmpty);
    [DllImport("netapi32.dll")] public static extern void standin_set_more_status(uint status);
    [DllImport("netapi32.dll")] public static extern int standin_allocations();
    [DllImport("netapi32.dll")] public static extern int standin_frees();

    private static Dictionary<string, string> limits;

    /// <summary>tests/fixtures/listing_limits.json, as the driver wrote it.</summary>
    public static Dictionary<string, string> Limits()
    {
        if (limits != null)
            return limits;
        string path = Environment.GetEnvironmentVariable("LANMAN_LISTING_LIMITS");
        if (String.IsNullOrEmpty(path) || !File.Exists(path))
            throw new TestFailure("LANMAN_LISTING_LIMITS does not name the listing limits table");
        Dictionary<string, string> read = new Dictionary<string, string>();
        foreach (string line in File.ReadAllLines(path, Encoding.UTF8))
        {
            int tab = line.IndexOf('\t');
            read[line.Substring(0, tab)] = line.Substring(tab + 1);
        }
        limits = read;
        return limits;
    }

    /// <summary>The shared no-progress text for this server and handle.</summary>
    public static string NoProgress(string server, uint handle)
    {
        return Limits()["no_progress"].Replace("{server}", server).Replace("{handle}", handle.ToString());
    }

    public static string TooMany(string server)
    {
        return Limits()["too_many"].Replace("{server}", server).Replace("{max}", Limits()["max_sessions"]);
    }

    public static int MaxSessions()
    {
        return Int32.Parse(Limits()["max_sessions"]);
    }

    /// <summary>Every buffer the stand-in handed out was freed once (NoLeaks checks none is left).</summary>
    public static void AllFreed(int buffers, string what)
    {
        if (standin_allocations() != buffers || standin_frees() != buffers)
            throw new TestFailure(String.Format("{0}: {1} buffers expected, {2} allocated, {3} freed", what, buffers,
                standin_allocations(), standin_frees()));
    }
}

internal static partial class Program
{
    private static readonly uint[] MoreDataStatuses = new uint[] { 234, 2123 };

    static partial void ListingLimitTests()
    {
        Run("listing limits: MAX_SESSIONS and both texts are the shared table's", delegate
        {
            Equal(Hostile.MaxSessions(), NetSessionApi.MaxSessions, "MAX_SESSIONS");
            Equal(100000, Hostile.MaxSessions(), "the table says 100000");
        });
        foreach (uint more in MoreDataStatuses)
        {
            uint status = more;
            Run("listing limits: " + status + " with entries and a repeated resume handle stops, buffers freed", delegate
            {
                Hostile.standin_set_hostile(Hostile.RepeatHandle, 3, status, 0);
                NetSessionException e = Throws(delegate { SessionList.Enumerate(null, null, null, 1); }, "repeated handle");
                Equal(Hostile.NoProgress("(local)", 7), e.Message, "text");
                Check(e is ListingLimitException, "a ListingLimitException");
                Equal((int)status, e.Status, "status");
                Equal(2, Standin.standin_calls(Standin.Enum), "the second round repeats handle 7: stop there");
                Hostile.AllFreed(2, "repeated handle");
            });
            Run("listing limits: " + status + " with entries and resume handle 0 stops", delegate
            {
                Hostile.standin_set_hostile(Hostile.ZeroHandle, 3, status, 0);
                NetSessionException e = Throws(delegate { SessionList.Enumerate("fs01.example.invalid", null, null, 502); }, "zero");
                Equal(Hostile.NoProgress("fs01.example.invalid", 0), e.Message, "text names the remote server");
                Equal(1, Standin.standin_calls(Standin.Enum), "one round");
                Hostile.AllFreed(1, "zero handle");
            });
            Run("listing limits: " + status + " with zero entries stops, the empty buffer is freed", delegate
            {
                Hostile.standin_set_hostile(Hostile.AdvanceHandle, 0, status, 1);
                NetSessionException e = Throws(delegate { SessionList.Enumerate(null, null, null, 10); }, "empty");
                Equal(Hostile.NoProgress("(local)", 1), e.Message, "text");
                Equal(1, Standin.standin_calls(Standin.Enum), "one round");
                Hostile.AllFreed(1, "empty round with a buffer");
            });
            Run("listing limits: " + status + " with zero entries and no buffer stops after one round", delegate
            {
                Hostile.standin_set_hostile(Hostile.AdvanceHandle, 0, status, 0);
                Throws(delegate { SessionList.Enumerate(null, null, null, 1); }, "empty");
                Equal(1, Standin.standin_calls(Standin.Enum), "one round");
                Hostile.AllFreed(0, "no buffer");
            });
            Run("listing limits: an endless " + status + " listing stops past MAX_SESSIONS, every buffer freed", delegate
            {
                Hostile.standin_set_hostile(Hostile.AdvanceHandle, 1000, status, 0);
                NetSessionException e = Throws(delegate { SessionList.Enumerate(null, null, null, 1); }, "endless");
                Equal(Hostile.TooMany("(local)"), e.Message, "text");
                Check(e is ListingLimitException, "a ListingLimitException");
                // 100 rounds hold exactly MAX_SESSIONS; the 101st would pass it and is not read
                Equal(Hostile.MaxSessions() / 1000 + 1, Standin.standin_calls(Standin.Enum), "rounds");
                Hostile.AllFreed(Hostile.MaxSessions() / 1000 + 1, "endless");
            });
        }
        Run("listing limits: a repeated handle stops the module's listing: no other level, no restart", delegate
        {
            Hostile.standin_set_hostile(Hostile.RepeatHandle, 2, 234, 0);
            NetSessionException e = Throws(delegate { SessionList.ListSessions(null, null, null, -1); }, "info module");
            Equal(Hostile.NoProgress("(local)", 7), e.Message, "text");
            Equal("502=234,502=234", CallLog.EnumLevels(), "two rounds at 502, nothing after");
            Hostile.AllFreed(2, "module listing");
        });
        Run("listing limits: exactly MAX_SESSIONS sessions list; one more stops before anything is read", delegate
        {
            Standin.standin_add_many(Hostile.MaxSessions());
            Equal(Hostile.MaxSessions(), SessionList.Enumerate(null, null, null, 10).Count, "MAX_SESSIONS is allowed");
            Standin.standin_add_session("\\\\10.255.255.255", "one-more", 0, 0, 0, 0, null, null);
            NetSessionException e = Throws(delegate { SessionList.Enumerate(null, null, null, 10); }, "MAX + 1");
            Equal(Hostile.TooMany("(local)"), e.Message, "text");
            Hostile.AllFreed(2, "both listings");
        });
        Run("listing limits: 2123 with entries pages exactly like 234", delegate
        {
            for (int i = 0; i < 40; i++)
                Standin.Add("\\\\10.0.0." + i, "user" + i);
            Hostile.standin_set_more_status(2123);
            List<SessionInfo> list = SessionList.Enumerate(null, null, null, 1, 200);
            Equal(40, list.Count, "every session once");
            for (int i = 0; i < 40; i++)
                Equal("user" + i, list[i].UserName, "order");
            Check(Standin.standin_calls(Standin.Enum) > 2, "several rounds");
            Check(CallLog.All()[0].EndsWith(") = 2123", StringComparison.Ordinal), "the stand-in answered 2123: " + CallLog.All()[0]);
        });
    }
}
