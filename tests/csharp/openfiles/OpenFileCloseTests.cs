// The list/join/plan/re-read/close path of the Windows open-file modules against the stand-in:
// what reaches NetFileClose is what a user loses, so the argument log is asserted exactly.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.NetFile;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.OpenFileRules;
using ansible_collections.lanman.smb.plugins.module_utils.OpenFileListAndClose;

internal static partial class Program
{
    [DllImport("netapi32.dll")] private static extern void standin_inject(int fn, uint status, int fromCall, int times);

    private static readonly string[] None = new string[0];

    // The fixture most close tests use: three files under D:\Data (one of them the folder itself),
    // one elsewhere, the module's own pipe.
    private static void AddFiles()
    {
        FileStandin.standin_add_file(1, 1, 0, "D:\\Data\\a.txt", "bob");
        FileStandin.standin_add_file(2, 3, 1, "D:\\Data\\sub\\b.txt", "alice");
        FileStandin.standin_add_file(3, 1, 0, "D:\\Other\\c.txt", "bob");
        FileStandin.standin_add_file(4, 1, 0, "\\PIPE\\srvsvc", "admin");
        FileStandin.standin_add_file(5, 1, 0, "D:\\Data", "carol");
        FileStandin.standin_add_file(6, 1, 0, "D:\\Data\\z.txt", "carol");
    }

    private static OpenFileRun CloseUnder(string[] paths, bool checkMode)
    {
        OpenFileListing listing = OpenFileList.List(null, 3);
        OpenFileSelection selection = OpenFileSelection.Check(paths, None, None, None, None, None, false, true);
        return OpenFileCloser.Run(null, OpenFilePlanner.Plan(listing.Files, selection), checkMode);
    }

    private static OpenFileInfo Listed(long id, string path, string user)
    {
        RawFile raw = new RawFile();
        raw.Level = 3;
        raw.Id = (uint)id;
        raw.PathName = path;
        raw.UserName = user;
        raw.Permissions = 1;
        raw.NumLocks = 0;
        return OpenFileInfo.FromRaw(raw);
    }

    private static string Ids(List<OpenFileInfo> files)
    {
        return String.Join(",", files.ConvertAll(delegate(OpenFileInfo f) { return f.Id.ToString(); }).ToArray());
    }

    private static string Calls()
    {
        List<string> lines = FileStandin.Log().FindAll(delegate(string l) { return !l.StartsWith("NetFileEnum(", StringComparison.Ordinal); });
        return String.Join(" | ", lines.ToArray());
    }

    static partial void CloseTests()
    {
        Run("check mode re-reads nothing and closes nothing, and returns the plan", delegate
        {
            AddFiles();
            OpenFileRun run = CloseUnder(new string[] { "D:\\Data\\" }, true);
            Equal("", Calls(), "calls other than the listing");
            Equal(0, FileStandin.standin_file_calls(FileStandin.Close), "NetFileClose calls");
            Equal(0, FileStandin.standin_file_calls(FileStandin.GetInfo), "NetFileGetInfo calls");
            for (uint id = 1; id <= 6; id++)
                Equal(1, FileStandin.standin_file_is_open(id), "file " + id + " open");
            Equal("1,2,6", Ids(run.Closed), "would close");
            Check(run.Changed, "changed in check mode");
            Equal("1 D:\\Data\\a.txt,2 D:\\Data\\sub\\b.txt,6 D:\\Data\\z.txt",
                String.Join(",", ((List<string>)run.DiffBefore()["open_files"]).ToArray()), "diff before");
            Equal(0, ((List<string>)run.DiffAfter()["open_files"]).Count, "diff after");
        });
        Run("a real close re-reads and closes exactly the selected ids, in ascending order", delegate
        {
            AddFiles();
            OpenFileRun run = CloseUnder(new string[] { "D:\\Data\\" }, false);
            Equal("NetFileGetInfo(server=NULL, id=1, level=3) = 0 | NetFileClose(server=NULL, id=1) = 0 | " +
                "NetFileGetInfo(server=NULL, id=2, level=3) = 0 | NetFileClose(server=NULL, id=2) = 0 | " +
                "NetFileGetInfo(server=NULL, id=6, level=3) = 0 | NetFileClose(server=NULL, id=6) = 0", Calls(), "calls");
            Equal("1,2,6", Ids(run.Closed), "closed");
            foreach (uint id in new uint[] { 3, 4, 5 })
                Equal(1, FileStandin.standin_file_is_open(id), "file " + id + " still open");
            Check(run.Changed && run.FailedCall == null, "changed, no failure");
            foreach (string call in FileStandin.Log("NetFileEnum"))
                Check(call.Contains("basepath=NULL, username=NULL, level=3,"), "no wire filter, level 3: " + call);
            Dictionary<string, object> result = run.ToResult();
            Equal("changed,closed_files,skipped_files,vanished_files,failed_call,untried_files",
                String.Join(",", new List<string>(result.Keys).ToArray()), "result keys");
        });
        Run("an id the server reused for another file is kept (id_reused), never closed", delegate
        {
            AddFiles();
            FileStandin.standin_file_reuse(2, "D:\\Payroll\\salaries.xlsx", "carol");
            OpenFileRun run = CloseUnder(new string[] { "D:\\Data\\" }, false);
            Equal(0, FileStandin.Log("NetFileClose").FindAll(delegate(string l) { return l.Contains("id=2)"); }).Count,
                "NetFileClose of the reused id");
            Equal(1, FileStandin.standin_file_is_open(2), "the other file stays open");
            Equal("1,6", Ids(run.Closed), "closed");
            Equal(1, run.Skipped.Count, "skipped");
            Equal("id_reused", run.Skipped[0].Reason, "reason");
            Equal(2L, run.Skipped[0].File.Id, "skipped id");
            Equal("2 D:\\Data\\sub\\b.txt", String.Join(",", ((List<string>)run.DiffAfter()["open_files"]).ToArray()), "diff after");
        });
        Run("a file gone before the re-read or before the close is vanished, not an error", delegate
        {
            AddFiles();
            FileStandin.standin_file_vanish_before_getinfo(1);
            FileStandin.standin_file_vanish_before_close(2);
            OpenFileRun run = CloseUnder(new string[] { "D:\\Data\\" }, false);
            Equal("1,2", Ids(run.Vanished), "vanished");
            Equal("6", Ids(run.Closed), "closed");
            Check(run.FailedCall == null, "no failure");
            Equal(0, FileStandin.Log("NetFileClose").FindAll(delegate(string l) { return l.Contains("id=1)"); }).Count,
                "no NetFileClose for a file the re-read did not find");
        });
        Run("a re-read answered with success but no buffer is vanished, never closed", delegate
        {
            AddFiles();
            FileStandin.standin_file_getinfo_empty(2);
            OpenFileRun run = CloseUnder(new string[] { "D:\\Data\\" }, false);
            Equal("2", Ids(run.Vanished), "vanished");
            Equal("1,6", Ids(run.Closed), "closed");
            Equal(1, FileStandin.standin_file_is_open(2), "still open on the server: the module could not see it");
        });
        Run("a close that fails midway stops: failed_call, what was closed, the untried rest", delegate
        {
            AddFiles();
            FileStandin.standin_file_inject(FileStandin.Close, 5, 1, -1);
            OpenFileRun run = CloseUnder(new string[] { "D:\\Data\\" }, false);
            Equal("1", Ids(run.Closed), "closed");
            Equal(2L, run.FailedCall.File.Id, "failed id");
            Equal(5, run.FailedCall.Status, "status");
            Equal("6", Ids(run.Untried), "untried");
            Equal(0, FileStandin.Log().FindAll(delegate(string l) { return l.Contains("id=6,") || l.Contains("id=6)"); }).Count,
                "nothing called for an untried file");
            Equal(1, FileStandin.standin_file_is_open(6), "untried still open");
            Check(run.FailureMessage().StartsWith("Closing stopped at file 2 (D:\\Data\\sub\\b.txt): NetFileClose on the " +
                "local computer failed: Access is denied.", StringComparison.Ordinal), run.FailureMessage());
            Check(run.FailureMessage().EndsWith(". 1 file(s) were closed before it (closed_files); 1 planned file(s) were " +
                "not tried (untried_files).", StringComparison.Ordinal), run.FailureMessage());
            Dictionary<string, object> failed = (Dictionary<string, object>)run.ToResult()["failed_call"];
            Equal("id,path,status,message", String.Join(",", new List<string>(failed.Keys).ToArray()), "failed_call keys");
        });
        Run("a re-read that fails (not 2314) stops before its close", delegate
        {
            AddFiles();
            FileStandin.standin_file_inject(FileStandin.GetInfo, 59, 0, -1);
            OpenFileRun run = CloseUnder(new string[] { "D:\\Data\\a.txt", "D:\\Other\\c.txt" }, false);
            Equal(0, FileStandin.standin_file_calls(FileStandin.Close), "NetFileClose calls");
            Equal(1L, run.FailedCall.File.Id, "failed id");
            Equal(59, run.FailedCall.Status, "status");
            Equal("3", Ids(run.Untried), "untried");
            Check(!run.Changed, "nothing closed");
        });
        Run("a server without NetFileGetInfo (Samba, 1745): one fresh listing, taken then, stands in for the re-reads", delegate
        {
            AddFiles();
            FileStandin.standin_file_inject(FileStandin.GetInfo, 1745, 0, -1);
            OpenFileListing listing = OpenFileList.List(null, 3);
            OpenFilePlan plan = OpenFilePlanner.Plan(listing.Files,
                OpenFileSelection.Check(new string[] { "D:\\Data\\" }, None, None, None, None, None, false, true));
            NetFileApi.Close(null, 2);   // closed by its user after the listing
            FileStandin.standin_file_reuse(6, "D:\\Payroll\\x.xlsx", "carol");   // no effect: GetInfo is refused
            FileStandin.standin_file_log_clear();
            OpenFileRun run = OpenFileCloser.Run(null, plan, false);
            List<string> order = FileStandin.Log().ConvertAll(delegate(string l) { return l.Substring(0, l.IndexOf('(')); });
            Equal("NetFileGetInfo,NetFileEnum,NetFileClose,NetFileClose",
                String.Join(",", order.ToArray()), "calls");
            Equal("1,6", Ids(run.Closed), "closed");
            Equal("2", Ids(run.Vanished), "vanished");
            Equal("NetFileClose(server=NULL, id=1) = 0 | NetFileClose(server=NULL, id=6) = 0",
                String.Join(" | ", FileStandin.Log("NetFileClose").ToArray()), "closes");
            Equal(1, FileStandin.standin_file_is_open(3), "not selected, open");
        });
        Run("NetFileClose answering 2 (Samba: id not open) is vanished", delegate
        {
            AddFiles();
            FileStandin.standin_file_inject(FileStandin.Close, 2, 0, 1);
            OpenFileRun run = CloseUnder(new string[] { "D:\\Data\\a.txt" }, false);
            Equal("1", Ids(run.Vanished), "vanished");
            Check(run.FailedCall == null && !run.Changed, "no failure, unchanged");
        });
        Run("the listing joins each file to its user's session clients", delegate
        {
            AddFiles();
            FileStandin.standin_add_session("\\\\10.0.0.5", "bob", 1, 1, 1, 0, "", "");
            FileStandin.standin_add_session("\\\\[FE80::0:1]", "LAB\\Alice", 1, 1, 1, 0, "", "");
            FileStandin.standin_add_session("\\\\10.0.0.6", "alice", 1, 1, 1, 0, "", "");
            OpenFileListing listing = OpenFileList.List(null, 3);
            Equal(0, listing.Warnings.Count, "warnings");
            Equal("10.0.0.5", listing.Files[0].Client, "bob's client");
            Equal(null, listing.Files[1].Client, "alice has two clients");
            Equal("10.0.0.6,fe80::1", String.Join(",", listing.Files[1].Clients.ToArray()), "alice's clients, sorted");
            Equal(0, listing.Files[4].Clients.Count, "carol has no session");
        });
        Run("a refused session list leaves clients unknown, warns, and exclude_client then keeps every file", delegate
        {
            AddFiles();
            FileStandin.standin_add_session("\\\\10.0.0.5", "bob", 1, 1, 1, 0, "", "");
            standin_inject(0, 5, 0, -1);
            OpenFileListing listing = OpenFileList.List(null, 3, true);
            Equal(1, listing.Warnings.Count, "warning");
            Check(listing.Warnings[0].StartsWith("The sessions could not be listed to join each file to its client " +
                "(NetSessionEnum on the local computer failed: Access is denied.", StringComparison.Ordinal), listing.Warnings[0]);
            Check(listing.Warnings[0].EndsWith("): client is null and clients empty; exclude_client keeps every file.",
                StringComparison.Ordinal), listing.Warnings[0]);
            Equal(0, listing.Files[0].Clients.Count, "unknown");
            OpenFileSelection s = OpenFileSelection.Check(None, None, None, None, None, new string[] { "10.9.9.9" }, true, true);
            OpenFilePlan plan = OpenFilePlanner.Plan(listing.Files, s);
            Equal(0, plan.Targets.Count, "nothing closes when the clients are unknown");
        });
        Run("shares: looked up once each (any case), as folders; unknown and pathless shares fail with the texts", delegate
        {
            AddFiles();
            FileStandin.standin_add_share("Data", "D:\\Data", 0);
            FileStandin.standin_add_share("IPC$", "", 3);
            OpenFileSelection s = OpenFileSelection.Check(None, new string[] { "Data", "DATA" }, None, None, None, None, false, true);
            OpenFileList.AddShares(null, s);
            Equal(1, FileStandin.Log("NetShareGetInfo").Count, "one look-up");
            Equal("NetShareGetInfo(server=NULL, netname=\"Data\", level=2) = 0", FileStandin.Log("NetShareGetInfo")[0], "call");
            Equal("1,2,6", Ids(OpenFilePlanner.Plan(OpenFileList.List(null, 3).Files, s).Targets), "the share's files");
            OpenFileSelection unknown = OpenFileSelection.Check(None, new string[] { "Nope" }, None, None, None, None, true, true);
            Equal("share 'Nope' does not exist on the server.",
                Throws<ArgumentException>(delegate { OpenFileList.AddShares("fs1", unknown); }, "unknown").Message, "unknown");
            OpenFileSelection ipc = OpenFileSelection.Check(None, new string[] { "IPC$" }, None, None, None, None, false, true);
            Equal("share 'IPC$' has no local path: it holds no files.",
                Throws<ArgumentException>(delegate { OpenFileList.AddShares(null, ipc); }, "ipc").Message, "ipc");
        });
        Run("own pipe: a local server has none; with a remote server every \\PIPE\\srvsvc open is kept", delegate
        {
            FileStandin.standin_add_file(4, 1, 0, "\\PIPE\\srvsvc", "admin");
            FileStandin.standin_add_file(7, 1, 0, "\\pipe\\SRVSVC", "bob");
            FileStandin.standin_add_file(8, 1, 0, "D:\\a", "bob");
            List<OpenFileInfo> files = OpenFileList.List(null, 3).Files;
            string[] pipe = new string[] { "\\PIPE\\srvsvc" };
            OpenFileSelection local = OpenFileSelection.Check(pipe, None, None, None, None, None, false, true);
            local.ProtectOwnPipe(false);
            Equal("4,7", Ids(OpenFilePlanner.Plan(files, local).Targets), "local: named exactly, closable");
            OpenFileSelection remote = OpenFileSelection.Check(pipe, None, None, None, None, None, false, true);
            remote.ProtectOwnPipe(true);
            OpenFilePlan plan = OpenFilePlanner.Plan(files, remote);
            Equal("", Ids(plan.Targets), "remote: none closes");
            Equal("4 own_pipe | 7 own_pipe", String.Join(" | ", plan.Skipped.ConvertAll(
                delegate(SkippedFile k) { return k.File.Id + " " + k.Reason; }).ToArray()), "kept");
            OpenFileSelection info = OpenFileSelection.Check(None, None, None, None, None, None, false, false);
            info.ProtectOwnPipe(true);
            Equal("8", Ids(OpenFilePlanner.Plan(files, info).Listed), "the remote info module lists no srvsvc pipe");
        });
        Run("a hostile listing (long paths against a many-star glob, one id repeated) is planned in bounded time", delegate
        {
            List<OpenFileInfo> files = new List<OpenFileInfo>();
            string longName = "D:\\Data\\" + new string('a', 20000);
            for (int i = 0; i < 20; i++)
                files.Add(Listed(1000 + i, longName, "bob"));
            for (int i = 0; i < 20000; i++)
                files.Add(Listed(7, "D:\\Data\\f" + i, "bob"));   // one id, 20,000 different paths
            List<SessionInfo> sessions = new List<SessionInfo>();
            for (int i = 0; i < 20000; i++)
                sessions.Add(new SessionInfo("\\\\10.1." + (i / 250) + "." + (i % 250), "u" + i, null));
            for (int i = 0; i < 20000; i++)
                files.Add(Listed(100000 + i, "D:\\Data\\g" + i, "u" + i));
            OpenFileSelection s = OpenFileSelection.Check(new string[] { "D:\\Data\\*a*a*a*a*a*a*a*a*b" }, None, None,
                None, None, new string[] { "10.9.0.0/16" }, false, true);
            OpenFilePlan plan = null;
            System.Threading.Thread worker = new System.Threading.Thread(delegate()
            {
                SessionClients index = new SessionClients(sessions);   // 20,000 sessions x 40,020 files
                foreach (OpenFileInfo f in files)
                    f.JoinClients(index);
                plan = OpenFilePlanner.Plan(files, s);
            });
            worker.IsBackground = true;
            worker.Start();
            // generous: the plan takes milliseconds; backtracking globs or pairwise duplicate checks take hours
            Check(worker.Join(60000), "planning did not end within 60 s");
            Equal(0, plan.Targets.Count, "nothing matches");
            Equal("10.1.0.7", files[20020 + 7].Client, "joined by account");
        });
        Run("level 2 takes no selector or exclusion (the twin's text); level 3 takes them", delegate
        {
            foreach (int option in new int[] { 0, 1, 2, 3, 4, 5 })
            {
                string[][] lists = new string[][] { None, None, None, None, None, None };
                lists[option] = new string[] { option == 5 ? "10.0.0.1" : option < 3 && option != 0 ? "x" : "D:\\x" };
                OpenFileSelection s = OpenFileSelection.Check(lists[0], lists[1], lists[2], lists[3], lists[4], lists[5],
                    false, false);
                Equal(OpenFileSelection.Level2Message, Throws<ArgumentException>(delegate { s.CheckLevel(2); },
                    "option " + option).Message, "text");
                s.CheckLevel(3);
            }
            OpenFileSelection.Check(None, None, None, None, None, None, false, false).CheckLevel(2);
        });
        Run("the result of a file: the contract's keys in order, permissions decoded, pipes flagged", delegate
        {
            FileStandin.standin_add_file(7, 0x80000043u, 2, "\\pipe\\spoolss", "bob");
            OpenFileInfo f = OpenFileList.List(null, 3).Files[0];
            Dictionary<string, object> r = f.ToResult();
            Equal("id,path,username,permissions,permissions_mask,num_locks,is_pipe,client,clients",
                String.Join(",", new List<string>(r.Keys).ToArray()), "keys");
            Equal("read,write,acl,0x80000000", String.Join(",", ((List<string>)r["permissions"]).ToArray()), "permissions");
            Equal((uint?)0x80000043u, r["permissions_mask"], "mask");
            Equal((bool?)true, r["is_pipe"], "is_pipe");
            FileStandin.standin_files_reset();
            FileStandin.standin_add_file(8, 1, 0, "D:\\x", "bob");
            OpenFileInfo level2 = OpenFileList.List(null, 2).Files[0];
            Check(level2.ToResult()["path"] == null && level2.ToResult()["permissions"] == null &&
                level2.ToResult()["is_pipe"] == null, "level 2: nulls");
        });
    }
}
