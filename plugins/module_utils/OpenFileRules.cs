// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// The open-file selection and close planning rules of docs/developer/open-files.md ("Selection
// rules"): entry checks, path selectors (forms, folders, globs), share folders, users, the
// kept reasons, and the open-file result. Python twin: open_file_rules.py. Shared table:
// tests/fixtures/open_file_rules_cases.json. No native calls here (OpenFileListAndClose.cs).
// C# 5 only.
//TypeAccelerator -Name LanmanOpenFileInfo -TypeName OpenFileInfo
//TypeAccelerator -Name LanmanOpenFileSelection -TypeName OpenFileSelection
//TypeAccelerator -Name LanmanOpenFilePlanner -TypeName OpenFilePlanner

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using ansible_collections.lanman.smb.plugins.module_utils.NetFile;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;

namespace ansible_collections.lanman.smb.plugins.module_utils.OpenFileRules
{
    /// <summary>One open file as the modules return it (the contract's result keys).</summary>
    public class OpenFileInfo
    {
        private static readonly string[] PermissionNames = new string[] {
            "read", "write", "create", "execute", "delete", "attributes", "acl" };

        public long Id;
        public string Path;
        public string UserName;
        public uint? PermissionsMask;
        public uint? NumLocks;
        public int Level;
        public string Client;
        public List<string> Clients = new List<string>();

        public static OpenFileInfo FromRaw(RawFile raw)
        {
            OpenFileInfo f = new OpenFileInfo();
            f.Id = raw.Id;
            f.Level = raw.Level;
            f.Path = raw.PathName;
            // a NULL user at level 3 is a file without a user, as a NULL session user is ""
            f.UserName = raw.Level == 3 && raw.UserName == null ? "" : raw.UserName;
            f.PermissionsMask = raw.Permissions;
            f.NumLocks = raw.NumLocks;
            return f;
        }

        /// <summary>null without a path (level 2); else whether the path starts with \PIPE\ (any case).</summary>
        public bool? IsPipe
        {
            get { return Path == null ? (bool?)null : PathSelector.IsPipePath(Path); }
        }

        /// <summary>The permission names in the contract's order, then each other bit as 0x... (lowercase).</summary>
        public List<string> Permissions
        {
            get
            {
                if (PermissionsMask == null)
                    return null;
                uint mask = PermissionsMask.Value;
                List<string> names = new List<string>();
                for (int bit = 0; bit < PermissionNames.Length; bit++)
                {
                    if ((mask & (1u << bit)) != 0)
                        names.Add(PermissionNames[bit]);
                }
                for (int bit = PermissionNames.Length; bit < 32; bit++)
                {
                    if ((mask & (1u << bit)) != 0)
                        names.Add("0x" + (1u << bit).ToString("x", CultureInfo.InvariantCulture));
                }
                return names;
            }
        }

        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> r = new Dictionary<string, object>();
            r["id"] = Id;
            r["path"] = Path;
            r["username"] = UserName;
            r["permissions"] = Permissions;
            r["permissions_mask"] = PermissionsMask;
            r["num_locks"] = NumLocks;
            r["is_pipe"] = IsPipe;
            r["client"] = Client;
            r["clients"] = new List<string>(Clients);
            return r;
        }

        /// <summary>The file's line in the diff: id and path.</summary>
        public string DiffEntry()
        {
            return Id.ToString(CultureInfo.InvariantCulture) + " " + (Path ?? "(no path)");
        }

        /// <summary>Id, path and user as one key (null and "" kept apart): the same open has the same key.</summary>
        public string OpenKey()
        {
            return Id.ToString(CultureInfo.InvariantCulture) + "\0" + (Path == null ? "N" : "S" + Path) + "\0" +
                (UserName == null ? "N" : "S" + UserName);
        }

        /// <summary>client / clients from the user's sessions (see SessionClients).</summary>
        public void JoinClients(IEnumerable<SessionInfo> sessions)
        {
            JoinClients(new SessionClients(sessions));
        }

        /// <summary>client / clients from an index of a session listing: every distinct normalised client
        /// of the sessions whose user is this file's user (account rules), sorted; client when there is
        /// exactly one. A file without a user (or a null-session user) joins nothing.</summary>
        public void JoinClients(SessionClients sessions)
        {
            Clients = new List<string>(sessions.Of(UserName));
            Client = Clients.Count == 1 ? Clients[0] : null;
        }
    }

    /// <summary>The clients of each account's sessions, built once for a listing, so a join costs one
    /// look-up a file (files x sessions comparisons would let a hostile server stall the module).</summary>
    public sealed class SessionClients
    {
        private static readonly List<string> None = new List<string>();
        private readonly Dictionary<string, List<string>> _byAccount =
            new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);

        /// <summary>sessions null: the join is unknown (every file gets no client).</summary>
        public SessionClients(IEnumerable<SessionInfo> sessions)
        {
            if (sessions == null)
                return;
            Dictionary<string, Dictionary<string, bool>> seen = new Dictionary<string, Dictionary<string, bool>>(
                StringComparer.OrdinalIgnoreCase);
            foreach (SessionInfo s in sessions)
            {
                string client = s.Client ?? ClientName.Normalize(s.RawClient);
                if (AccountName.IsNullSession(s.UserName) || String.IsNullOrEmpty(client))
                    continue;
                string account = AccountName.AccountPart(s.UserName);
                List<string> clients;
                if (!_byAccount.TryGetValue(account, out clients))
                {
                    _byAccount[account] = clients = new List<string>();
                    seen[account] = new Dictionary<string, bool>(StringComparer.Ordinal);
                }
                if (!seen[account].ContainsKey(client))
                {
                    seen[account][client] = true;
                    clients.Add(client);
                }
            }
            foreach (List<string> clients in _byAccount.Values)
                clients.Sort(StringComparer.Ordinal);
        }

        /// <summary>The sorted clients of the user's sessions (account rules); none for a null-session user.</summary>
        public List<string> Of(string userName)
        {
            List<string> clients;
            if (AccountName.IsNullSession(userName) || !_byAccount.TryGetValue(AccountName.AccountPart(userName), out clients))
                return None;
            return clients;
        }
    }

    public enum PathKind
    {
        Exact,
        Folder,
        Glob,
    }

    /// <summary>One path selector (path, exclude_path, or a share's local path) in its form.</summary>
    public sealed class PathSelector
    {
        private const string NotAbsoluteMessage = "{0}[{1}] '{2}' is not an absolute path: give the full path the " +
            "server reports, e.g. D:\\Shares\\Data\\a.txt or /srv/data/a.txt.";
        private const string DotMessage = "{0}[{1}] '{2}' has a '.' or '..' component: give the path without it.";
        private const string DoubleStarMessage = "{0}[{1}] '{2}' uses '**': to select everything under a folder, end " +
            "the folder with a separator ({3}).";
        internal const string RootMessage = "{0}[{1}] '{2}' is a whole volume: it selects every open file; set all: " +
            "true to close every file.";

        public string Text;
        public bool Posix;
        public PathKind Kind;
        public bool IsRoot;
        private string _key;   // the normalised pattern (Windows: upper case, \ separators)

        private char Separator { get { return Posix ? '/' : '\\'; } }

        /// <summary>A Windows-form path (not starting with /) that starts with \PIPE\ (any case, / read as \).</summary>
        public static bool IsPipePath(string path)
        {
            return path != null && !path.StartsWith("/", StringComparison.Ordinal) &&
                path.Replace('/', '\\').StartsWith("\\PIPE\\", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>A path as matching sees it: POSIX as it is; Windows with / read as \, runs of
        /// separators as one (a leading \\ kept), upper case per character.</summary>
        internal static string Key(string path, bool posix)
        {
            if (posix)
                return path;
            string text = path.Replace('/', '\\');
            StringBuilder key = new StringBuilder();
            int start = 0;
            if (text.StartsWith("\\\\", StringComparison.Ordinal))
            {
                key.Append("\\\\");
                start = 2;
            }
            for (int i = start; i < text.Length; i++)
            {
                if (text[i] == '\\' && key.Length > 0 && key[key.Length - 1] == '\\')
                    continue;
                key.Append(text[i]);
            }
            return key.ToString().ToUpperInvariant();
        }

        /// <summary>Checks one path / exclude_path entry (not blank, no control character: checked
        /// before) and reads it; ArgumentException with the contract's text.</summary>
        public static PathSelector Parse(string option, int index, string entry)
        {
            PathSelector s = new PathSelector();
            s.Text = entry;
            s.Posix = entry.StartsWith("/", StringComparison.Ordinal);
            if (!IsAbsolute(entry, s.Posix))
                throw Problem(NotAbsoluteMessage, option, index, entry, null);
            foreach (string part in entry.Split(s.Posix ? new char[] { '/' } : new char[] { '/', '\\' }))
            {
                if (part == "." || part == "..")
                    throw Problem(DotMessage, option, index, entry, null);
            }
            int star = entry.IndexOf("**", StringComparison.Ordinal);
            if (star >= 0)
            {
                string folder = entry.Substring(0, star);
                if (!folder.EndsWith("/", StringComparison.Ordinal) && !(folder.EndsWith("\\", StringComparison.Ordinal) && !s.Posix))
                    folder += s.Posix ? "/" : "\\";
                throw Problem(DoubleStarMessage, option, index, entry, folder);
            }
            s._key = Key(entry, s.Posix);
            if (!s.Posix && (s._key.Length == 2 || IsUncShare(s._key)))
                s._key += "\\";   // a bare drive (C:) or share (\\host\share) is its root
            s.Kind = s._key.IndexOf('*') >= 0 || s._key.IndexOf('?') >= 0 ? PathKind.Glob :
                s._key.EndsWith(s.Separator.ToString(), StringComparison.Ordinal) ? PathKind.Folder : PathKind.Exact;
            s.IsRoot = s.Kind == PathKind.Folder && IsRootKey(s._key, s.Posix);
            return s;
        }

        /// <summary>A share's local path as a folder selector (its form taken from the path).</summary>
        public static PathSelector ShareFolder(string localPath)
        {
            PathSelector s = new PathSelector();
            s.Text = localPath;
            s.Posix = localPath.StartsWith("/", StringComparison.Ordinal);
            s._key = Key(localPath, s.Posix);
            if (!s._key.EndsWith(s.Separator.ToString(), StringComparison.Ordinal))
                s._key += s.Separator;
            s.Kind = PathKind.Folder;
            s.IsRoot = IsRootKey(s._key, s.Posix);
            return s;
        }

        private static ArgumentException Problem(string format, string option, int index, string entry, string hint)
        {
            return new ArgumentException(String.Format(CultureInfo.InvariantCulture, format, option, index, entry, hint));
        }

        // X:\ or X:/ or X: (drive), \\host\share... (UNC), /... (POSIX), \PIPE\... (a pipe).
        private static bool IsAbsolute(string entry, bool posix)
        {
            if (posix)
                return true;
            string text = entry.Replace('/', '\\');
            if (text.Length >= 2 && IsDriveLetter(text[0]) && text[1] == ':')
                return text.Length == 2 || text[2] == '\\';
            if (text.StartsWith("\\\\", StringComparison.Ordinal))
            {
                string[] parts = text.Substring(2).Split(new char[] { '\\' }, StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2;
            }
            return IsPipePath(text);
        }

        private static bool IsDriveLetter(char c)
        {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        }

        // C:\, / (and //...), \\host\share\: every open file of a volume.
        private static bool IsRootKey(string key, bool posix)
        {
            if (posix)
                return key.Trim('/').Length == 0;
            if (key.Length == 3 && key[1] == ':')
                return true;
            return key.EndsWith("\\", StringComparison.Ordinal) && IsUncShare(key.Substring(0, key.Length - 1));
        }

        // \\host\share and nothing after it
        private static bool IsUncShare(string key)
        {
            return key.StartsWith("\\\\", StringComparison.Ordinal) && !key.EndsWith("\\", StringComparison.Ordinal) &&
                key.Substring(2).Split('\\').Length == 2;
        }

        /// <summary>Samba reports the unix path /srv/data/a.txt as C:\srv\data\a.txt: that form, read back
        /// as the unix path, for POSIX selectors (open-files.md, rule 3).</summary>
        private static string SambaUnixPath(string path)
        {
            return path.StartsWith("C:\\", StringComparison.Ordinal) ? "/" + path.Substring(3).Replace('\\', '/') : path;
        }

        /// <summary>Whether the file path matches: same form, then exact, folder (any depth below, not
        /// the folder itself) or glob (* and ? never cross a separator; a glob ending with a separator
        /// is a folder pattern). A null or empty path matches nothing.</summary>
        public bool Matches(string path)
        {
            if (String.IsNullOrEmpty(path))
                return false;
            if (Posix)
                path = SambaUnixPath(path);
            if (path.StartsWith("/", StringComparison.Ordinal) != Posix)
                return false;
            string key = Key(path, Posix);
            switch (Kind)
            {
                case PathKind.Exact:
                    return String.Equals(key, _key, StringComparison.Ordinal);
                case PathKind.Folder:
                    return key.Length > _key.Length && key.StartsWith(_key, StringComparison.Ordinal);
                default:
                    return GlobMatches(key);
            }
        }

        // Component by component (a component holds no separator, so neither * nor ? crosses one): as
        // many components as the pattern, or, for a pattern ending with a separator, more.
        private bool GlobMatches(string key)
        {
            bool folder = _key.EndsWith(Separator.ToString(), StringComparison.Ordinal);
            string[] pattern = (folder ? _key.Substring(0, _key.Length - 1) : _key).Split(Separator);
            string[] parts = key.Split(Separator);
            if (folder ? parts.Length <= pattern.Length || (parts.Length == pattern.Length + 1 && parts[pattern.Length].Length == 0)
                       : parts.Length != pattern.Length)
                return false;
            for (int i = 0; i < pattern.Length; i++)
            {
                if (!Wildcard(pattern[i], parts[i]))
                    return false;
            }
            return true;
        }

        /// <summary>An exact entry that matches the path: names that pipe (only such an entry closes one).</summary>
        public bool NamesExactly(string path)
        {
            return Kind == PathKind.Exact && Matches(path);
        }

        // One component: * = any run, ? = one character, the rest literal. Greedy with a return to the
        // last *: at most pattern x text steps, whatever a server puts in a path.
        private static bool Wildcard(string pattern, string text)
        {
            int p = 0, t = 0, star = -1, mark = 0;
            while (t < text.Length)
            {
                if (p < pattern.Length && pattern[p] == '*')
                {
                    star = p++;
                    mark = t;
                }
                else if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
                {
                    p++;
                    t++;
                }
                else if (star >= 0)
                {
                    p = star + 1;
                    t = ++mark;
                }
                else
                {
                    return false;
                }
            }
            while (p < pattern.Length && pattern[p] == '*')
                p++;
            return p == pattern.Length;
        }
    }

    /// <summary>A selected file kept open, and why (the contract's reasons).</summary>
    public class SkippedFile
    {
        public OpenFileInfo File;
        public string Reason;

        public SkippedFile(OpenFileInfo file, string reason)
        {
            File = file;
            Reason = reason;
        }

        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> r = File.ToResult();
            r["reason"] = Reason;
            return r;
        }
    }

    /// <summary>Who the module is on the server, for own_pipe: nobody (a local call opens no pipe),
    /// an account, or unknown (every \PIPE\srvsvc open is then kept as possibly ours).</summary>
    public enum OwnPipeMode
    {
        None,
        Account,
        Unknown,
    }

    /// <summary>The module options, checked (Check) before anything is listed, with the share folders
    /// added (AddShare) once the shares are looked up.</summary>
    public class OpenFileSelection
    {
        public const string SelectMessage = "Select what to close: give path, share or username, or set all: true to " +
            "close every open file.";
        public const string UnknownShareMessage = "share '{0}' does not exist on the server.";
        public const string NoLocalPathMessage = "share '{0}' has no local path: it holds no files.";
        public const string Level2Message = "level 2 carries only file ids, so path, share, username and the " +
            "exclude options need level 3 (the default; Samba serves level 3 only).";

        public List<PathSelector> Paths = new List<PathSelector>();
        public string[] Shares = new string[0];
        public List<PathSelector> ShareFolders = new List<PathSelector>();
        public string[] Usernames = new string[0];
        public List<PathSelector> ExcludePaths = new List<PathSelector>();
        public string[] ExcludeUsernames = new string[0];
        public string[] ExcludeClients = new string[0];
        public bool All;
        public OwnPipeMode OwnPipe = OwnPipeMode.None;
        public string OwnAccount;

        /// <summary>Every entry check of the contract, in its order: blank and control characters for
        /// every option, then absolute / '.' / '**' for the paths, the exclude_client networks, then (close
        /// module) a whole volume without all, and a close without any selector. ArgumentException.</summary>
        public static OpenFileSelection Check(string[] paths, string[] shares, string[] usernames, string[] excludePaths,
            string[] excludeUsernames, string[] excludeClients, bool all, bool close)
        {
            OpenFileSelection s = new OpenFileSelection();
            string[] pathEntries = PlainEntries("path", paths);
            s.Shares = PlainEntries("share", shares);
            s.Usernames = SelectorCheck.Entries("username", usernames);
            string[] excludePathEntries = PlainEntries("exclude_path", excludePaths);
            s.ExcludeUsernames = SelectorCheck.Entries("exclude_username", excludeUsernames);
            s.ExcludeClients = SelectorCheck.Entries("exclude_client", excludeClients);
            ClientName.ValidateSelectors("exclude_client", s.ExcludeClients);
            for (int i = 0; i < pathEntries.Length; i++)
                s.Paths.Add(PathSelector.Parse("path", i, pathEntries[i]));
            for (int i = 0; i < excludePathEntries.Length; i++)
                s.ExcludePaths.Add(PathSelector.Parse("exclude_path", i, excludePathEntries[i]));
            s.All = all;
            if (close)
            {
                for (int i = 0; i < s.Paths.Count; i++)
                {
                    if (s.Paths[i].IsRoot && !all)
                        throw new ArgumentException(String.Format(CultureInfo.InvariantCulture, PathSelector.RootMessage,
                            "path", i, s.Paths[i].Text));
                }
                if (!all && s.Paths.Count == 0 && s.Shares.Length == 0 && s.Usernames.Length == 0)
                    throw new ArgumentException(SelectMessage);
            }
            return s;
        }

        // path / share / exclude_path entries: the session options' blank and control-character rules
        // and texts (SelectorCheck); blank here is null or whitespace only.
        private static string[] PlainEntries(string option, string[] entries)
        {
            if (entries == null)
                return new string[0];
            for (int i = 0; i < entries.Length; i++)
            {
                string entry = entries[i];
                string where = option + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                string problem = entry == null ? null : SelectorCheck.ControlCharacterProblem(where, option, entry);
                if (problem == null && (entry == null || entry.Trim().Length == 0))
                    problem = String.Format(CultureInfo.InvariantCulture, SelectorCheck.EmptyEntryMessage, option, i,
                        entry == null ? "null" : "'" + entry + "'");
                if (problem != null)
                    throw new ArgumentException(problem);
            }
            return (string[])entries.Clone();
        }

        /// <summary>The info modules at level 2 (ids only) take no selector and no exclusion.</summary>
        public void CheckLevel(int level)
        {
            if (level == 2 && (Paths.Count > 0 || Shares.Length > 0 || Usernames.Length > 0 || ExcludePaths.Count > 0 ||
                    ExcludeUsernames.Length > 0 || ExcludeClients.Length > 0))
                throw new ArgumentException(Level2Message);
        }

        /// <summary>The Windows modules: a call to this computer opens no pipe; a remote server sees our
        /// calls as a \PIPE\srvsvc open under a user not known here (become, delegation), so every
        /// such open is kept as possibly ours.</summary>
        public void ProtectOwnPipe(bool remoteServer)
        {
            OwnPipe = remoteServer ? OwnPipeMode.Unknown : OwnPipeMode.None;
            OwnAccount = null;
        }

        /// <summary>A share's NetShareGetInfo answer: share null = it does not exist (2310, Samba 123);
        /// only a disk share (type & 0x0fffffff == 0: C$ has the special bit 0x80000000) with a path
        /// that is not blank holds files (Samba's IPC$ reports C:\tmp). ArgumentException with the
        /// contract's text.</summary>
        public void AddShare(string name, RawShare share)
        {
            if (share == null)
                throw new ArgumentException(String.Format(CultureInfo.InvariantCulture, UnknownShareMessage, name));
            if ((share.Type & 0x0fffffffu) != 0 || share.Path == null || share.Path.Trim().Length == 0)
                throw new ArgumentException(String.Format(CultureInfo.InvariantCulture, NoLocalPathMessage, name));
            ShareFolders.Add(PathSelector.ShareFolder(share.Path));
        }
    }

    /// <summary>What a selection does to a listing: the files the close module closes (ascending id),
    /// the selected files it keeps (with a reason), and what the info module lists.</summary>
    public class OpenFilePlan
    {
        public List<OpenFileInfo> Targets = new List<OpenFileInfo>();
        public List<SkippedFile> Skipped = new List<SkippedFile>();
        public List<OpenFileInfo> Listed = new List<OpenFileInfo>();
    }

    public static class OpenFilePlanner
    {
        public const string OwnPipe = "own_pipe";
        public const string ConflictingEntries = "conflicting_entries";
        public const string ExcludedPath = "excluded_path";
        public const string ExcludedUsername = "excluded_username";
        public const string ExcludedClient = "excluded_client";
        public const string NamedPipe = "named_pipe";
        public const string IdReused = "id_reused";

        /// <summary>The plan for a listing (clients already joined). The same entry listed twice is one
        /// file; one id with different paths or users is conflicting_entries, never closed.</summary>
        public static OpenFilePlan Plan(List<OpenFileInfo> listing, OpenFileSelection selection)
        {
            List<OpenFileInfo> files = new List<OpenFileInfo>();
            Dictionary<long, bool> seenIds = new Dictionary<long, bool>();
            Dictionary<string, bool> seenOpens = new Dictionary<string, bool>(StringComparer.Ordinal);
            Dictionary<long, bool> conflicting = new Dictionary<long, bool>();
            foreach (OpenFileInfo f in listing)
            {
                string open = f.OpenKey();
                if (seenOpens.ContainsKey(open))
                    continue;   // the same entry again: one file
                seenOpens[open] = true;
                if (seenIds.ContainsKey(f.Id))
                    conflicting[f.Id] = true;
                seenIds[f.Id] = true;
                files.Add(f);
            }
            // stable: a sort by id that keeps the listing's order of one id's entries
            List<KeyValuePair<int, OpenFileInfo>> ordered = new List<KeyValuePair<int, OpenFileInfo>>();
            for (int i = 0; i < files.Count; i++)
                ordered.Add(new KeyValuePair<int, OpenFileInfo>(i, files[i]));
            ordered.Sort(delegate(KeyValuePair<int, OpenFileInfo> a, KeyValuePair<int, OpenFileInfo> b)
            {
                int c = a.Value.Id.CompareTo(b.Value.Id);
                return c != 0 ? c : a.Key.CompareTo(b.Key);
            });

            OpenFilePlan plan = new OpenFilePlan();
            Dictionary<long, bool> skippedIds = new Dictionary<long, bool>();
            foreach (KeyValuePair<int, OpenFileInfo> pair in ordered)
            {
                OpenFileInfo f = pair.Value;
                if (!IsSelected(f, selection))
                    continue;
                string reason = KeptReason(f, selection, conflicting.ContainsKey(f.Id));
                if (reason == null || reason == ConflictingEntries || reason == NamedPipe)
                    plan.Listed.Add(f);
                if (reason == null)
                    plan.Targets.Add(f);
                else if (!skippedIds.ContainsKey(f.Id))
                {
                    skippedIds[f.Id] = true;
                    plan.Skipped.Add(new SkippedFile(f, reason));
                }
            }
            return plan;
        }

        /// <summary>(no path/share, or one matches) and (no username, or one matches); with no selector
        /// at all every file (the info modules; the close module has checked all: true).</summary>
        public static bool IsSelected(OpenFileInfo f, OpenFileSelection s)
        {
            bool byPath = s.Paths.Count > 0 || s.ShareFolders.Count > 0;
            if (byPath && !AnyPath(s.Paths, f.Path) && !AnyPath(s.ShareFolders, f.Path))
                return false;
            if (s.Usernames.Length > 0 && !AccountName.MatchesAny(f.UserName ?? "", s.Usernames))
                return false;
            return true;
        }

        /// <summary>The first reason that keeps a selected file open, in the contract's order, or null.</summary>
        public static string KeptReason(OpenFileInfo f, OpenFileSelection s, bool conflicting)
        {
            if (IsOwnPipe(f, s))
                return OwnPipe;
            if (conflicting)
                return ConflictingEntries;
            if (AnyPath(s.ExcludePaths, f.Path))
                return ExcludedPath;
            if (s.ExcludeUsernames.Length > 0 && AccountName.MatchesAny(f.UserName ?? "", s.ExcludeUsernames))
                return ExcludedUsername;
            if (s.ExcludeClients.Length > 0 && (f.Clients.Count == 0 || f.Clients.Exists(
                    delegate(string c) { return ClientName.MatchesAny(c, s.ExcludeClients); })))
                return ExcludedClient;   // a file whose client is unknown might come from an excluded one
            if (PathSelector.IsPipePath(f.Path) && !s.Paths.Exists(delegate(PathSelector p) { return p.NamesExactly(f.Path); }))
                return NamedPipe;
            return null;
        }

        /// <summary>\PIPE\srvsvc opened by the module's own account (any account when it is unknown).</summary>
        public static bool IsOwnPipe(OpenFileInfo f, OpenFileSelection s)
        {
            if (s.OwnPipe == OwnPipeMode.None || f.Path == null ||
                !String.Equals(f.Path.Replace('/', '\\'), "\\PIPE\\srvsvc", StringComparison.OrdinalIgnoreCase))
                return false;
            return s.OwnPipe == OwnPipeMode.Unknown || AccountName.Matches(f.UserName ?? "", s.OwnAccount);
        }

        private static bool AnyPath(List<PathSelector> selectors, string path)
        {
            return selectors.Exists(delegate(PathSelector p) { return p.Matches(path); });
        }
    }
}
