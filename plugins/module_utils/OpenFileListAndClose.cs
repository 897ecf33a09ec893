// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// Listing and closing open files for the Windows modules (docs/developer/open-files.md): the
// listing joined to the session clients, the share look-ups, and the close run that re-reads each
// file before NetFileClose. The rules themselves are OpenFileRules.cs. Python twin: the open-file
// part of list_and_close.py. C# 5 only.
//TypeAccelerator -Name LanmanOpenFileList -TypeName OpenFileList
//TypeAccelerator -Name LanmanOpenFileCloser -TypeName OpenFileCloser

using System;
using System.Collections.Generic;
using System.Globalization;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.NetFile;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames;
using ansible_collections.lanman.smb.plugins.module_utils.ListAndClose;
using ansible_collections.lanman.smb.plugins.module_utils.OpenFileRules;

namespace ansible_collections.lanman.smb.plugins.module_utils.OpenFileListAndClose
{
    public class OpenFileListing
    {
        public List<OpenFileInfo> Files = new List<OpenFileInfo>();
        public int Level;
        public List<string> Warnings = new List<string>();
    }

    public static class OpenFileList
    {
        // the Python twin's words (open_files.JOIN_FAILED_WARNING)
        public const string JoinFailedWarning = "The sessions could not be listed to join each file to its client " +
            "({0}): client is null and clients empty{1}.";

        public static OpenFileListing List(string server, int level)
        {
            return List(server, level, false);
        }

        /// <summary>Every open file at the level (2 or 3), in the server's order, each joined to the
        /// clients of its user's sessions (a session list the server refuses leaves them unknown, with
        /// a warning that says so, and that exclude_client then keeps every file when it is given).
        /// No wire filters: matching is always local (the contract).</summary>
        public static OpenFileListing List(string server, int level, bool excludeClients)
        {
            string apiServer = LocalHost.ApiServer(server);
            OpenFileListing listing = new OpenFileListing();
            listing.Level = level;
            foreach (RawFile raw in NetFileApi.Enumerate(apiServer, null, null, level, NetApiStatus.MaxPreferredLength))
                listing.Files.Add(OpenFileInfo.FromRaw(raw));
            List<SessionInfo> sessions = null;
            if (level == 3 && listing.Files.Count > 0)
            {
                try
                {
                    SessionListing found = SessionList.ListSessions(server, null, null, -1);
                    sessions = found.Sessions;
                }
                catch (NetSessionException e)
                {
                    listing.Warnings.Add(String.Format(CultureInfo.InvariantCulture, JoinFailedWarning, e.Message,
                        excludeClients ? "; exclude_client keeps every file" : ""));
                }
            }
            SessionClients index = new SessionClients(sessions);
            foreach (OpenFileInfo f in listing.Files)
                f.JoinClients(index);
            return listing;
        }

        /// <summary>Looks each share up once (NetShareGetInfo level 2) and adds its local path to the
        /// selection as a folder; an unknown share or one without a local path fails (ArgumentException).</summary>
        public static void AddShares(string server, OpenFileSelection selection)
        {
            string apiServer = LocalHost.ApiServer(server);
            Dictionary<string, bool> done = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
            foreach (string name in selection.Shares)
            {
                if (done.ContainsKey(name))
                    continue;
                done[name] = true;
                selection.AddShare(name, NetFileApi.GetShare(apiServer, name));
            }
        }

        public static List<Dictionary<string, object>> Results(List<OpenFileInfo> files)
        {
            return files.ConvertAll(delegate(OpenFileInfo f) { return f.ToResult(); });
        }
    }

    /// <summary>The failed call of a close run: the file, the status and the text.</summary>
    public class FailedFileClose
    {
        public OpenFileInfo File;
        public int Status;
        public string Message;

        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> r = new Dictionary<string, object>();
            r["id"] = File.Id;
            r["path"] = File.Path;
            r["status"] = Status;
            r["message"] = Message;
            return r;
        }
    }

    public class OpenFileRun
    {
        public bool Changed;
        public List<OpenFileInfo> Closed = new List<OpenFileInfo>();
        public List<SkippedFile> Skipped = new List<SkippedFile>();
        public List<OpenFileInfo> Vanished = new List<OpenFileInfo>();
        public FailedFileClose FailedCall;
        public List<OpenFileInfo> Untried = new List<OpenFileInfo>();
        public List<OpenFileInfo> Targets = new List<OpenFileInfo>();

        /// <summary>The close modules' result keys.</summary>
        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> r = new Dictionary<string, object>();
            r["changed"] = Changed;
            r["closed_files"] = OpenFileList.Results(Closed);
            r["skipped_files"] = Skipped.ConvertAll(delegate(SkippedFile k) { return k.ToResult(); });
            r["vanished_files"] = OpenFileList.Results(Vanished);
            r["failed_call"] = FailedCall == null ? null : FailedCall.ToResult();
            r["untried_files"] = OpenFileList.Results(Untried);
            return r;
        }

        public string FailureMessage()
        {
            if (FailedCall == null)
                return null;
            // the Python twin's words (open_files.close_plan)
            return String.Format(CultureInfo.InvariantCulture,
                "Closing stopped at file {0} ({1}): {2}. {3} file(s) were closed before it (closed_files); {4} planned " +
                "file(s) were not tried (untried_files).", FailedCall.File.Id, FailedCall.File.Path ?? "(no path)",
                FailedCall.Message, Closed.Count, Untried.Count);
        }

        private static Dictionary<string, object> DiffOf(IEnumerable<OpenFileInfo> files)
        {
            List<string> entries = new List<string>();
            foreach (OpenFileInfo f in files)
                entries.Add(f.DiffEntry());
            Dictionary<string, object> diff = new Dictionary<string, object>();
            diff["open_files"] = entries;
            return diff;
        }

        /// <summary>The files the run would close, before.</summary>
        public Dictionary<string, object> DiffBefore()
        {
            return DiffOf(Targets);
        }

        /// <summary>Those still open after (check mode: as if the run had closed them).</summary>
        public Dictionary<string, object> DiffAfter()
        {
            return DiffOf(Targets.FindAll(delegate(OpenFileInfo f) { return !Closed.Contains(f) && !Vanished.Contains(f); }));
        }
    }

    public static class OpenFileCloser
    {
        /// <summary>Closes the plan's targets in ascending id: each is re-read first (NetFileGetInfo
        /// level 3); gone = vanished, another path or user under the id = kept as id_reused; else
        /// NetFileClose (2314 there = vanished). The first other failure stops the run (FailedCall,
        /// Untried). Check mode re-reads nothing and closes nothing.</summary>
        public static OpenFileRun Run(string server, OpenFilePlan plan, bool checkMode)
        {
            string apiServer = LocalHost.ApiServer(server);
            OpenFileRun run = new OpenFileRun();
            ReReader reread = new ReReader(apiServer);
            run.Skipped.AddRange(plan.Skipped);
            run.Targets.AddRange(plan.Targets);
            for (int i = 0; i < plan.Targets.Count; i++)
            {
                OpenFileInfo f = plan.Targets[i];
                if (checkMode)
                {
                    run.Closed.Add(f);
                    continue;
                }
                try
                {
                    RawFile now = reread.Current(f);
                    if (now == null)
                        run.Vanished.Add(f);
                    else if (!Same(now, f))
                        run.Skipped.Add(new SkippedFile(f, OpenFilePlanner.IdReused));
                    else if (NetFileApi.Close(apiServer, (uint)f.Id) == FileCloseOutcome.Closed)
                        run.Closed.Add(f);
                    else
                        run.Vanished.Add(f);
                }
                catch (NetSessionException e)
                {
                    run.FailedCall = new FailedFileClose();
                    run.FailedCall.File = f;
                    run.FailedCall.Status = e.Status;
                    run.FailedCall.Message = e.Message;
                    run.Untried.AddRange(plan.Targets.GetRange(i + 1, plan.Targets.Count - i - 1));
                    break;
                }
            }
            run.Changed = run.Closed.Count > 0;
            return run;
        }

        /// <summary>The state of a file just before its close: NetFileGetInfo level 3; where the server does
        /// not serve it (Samba: RPC_S_PROCNUM_OUT_OF_RANGE, 1745; or 50), one fresh listing taken at that
        /// moment, looked up by id, as the Python twin does (open_files._Reread).</summary>
        private sealed class ReReader
        {
            private const int NoSuchCall = 1745, NotSupported = 50;
            private readonly string _server;
            private bool _served = true;
            private List<RawFile> _listing;

            public ReReader(string server)
            {
                _server = server;
            }

            /// <summary>null: gone. An id listed twice differently comes back as the entry that differs,
            /// so it is kept as reused.</summary>
            public RawFile Current(OpenFileInfo f)
            {
                if (_served)
                {
                    try
                    {
                        return NetFileApi.GetInfo(_server, (uint)f.Id, 3);
                    }
                    catch (NetFileException e)
                    {
                        if (e.Status != NoSuchCall && e.Status != NotSupported)
                            throw;
                        _served = false;
                    }
                }
                if (_listing == null)
                    _listing = NetFileApi.Enumerate(_server, null, null, 3, NetApiStatus.MaxPreferredLength);
                List<RawFile> found = _listing.FindAll(delegate(RawFile r) { return r.Id == f.Id; });
                if (found.Count == 0)
                    return null;
                RawFile other = found.Find(delegate(RawFile r) { return !Same(r, f); });
                return other ?? found[0];
            }
        }

        private static bool Same(RawFile now, OpenFileInfo listed)
        {
            return String.Equals(now.PathName, listed.Path, StringComparison.Ordinal) &&
                String.Equals(now.UserName ?? "", listed.UserName ?? "", StringComparison.Ordinal);
        }
    }
}
