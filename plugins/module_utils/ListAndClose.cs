// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// Listing and closing through the NetSession.cs wrapper: the level choice and fallback, the
// level-0 projection and local filtering (SessionList), the close executor and its results
// (CloseExecutor, CloseRun, FailedClose), and the error text the modules report. The share
// selector's listing and rules are ShareSelector.cs.
// Python twin: list_and_close.py.
// C# 5 only.
//
// Each `using ansible_collections...module_utils.<Name>;` line below is how this util requires
// another: ansible-core's PSModuleDepFinder (executor/powershell/module_manifest.py,
// _re_cs_module) reads them as its dependencies, and Add-CSharpType compiles every C# util a
// module needs into one assembly (tests/static/test_csharp_util_deps.py).
//TypeAccelerator -Name LanmanSessionList -TypeName SessionList
//TypeAccelerator -Name LanmanCloseExecutor -TypeName CloseExecutor
//TypeAccelerator -Name LanmanSessionErrors -TypeName SessionErrors

using System;
using System.Collections.Generic;
using System.Globalization;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames;
using ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning;
using ansible_collections.lanman.smb.plugins.module_utils.ShareSelector;

namespace ansible_collections.lanman.smb.plugins.module_utils.ListAndClose
{
    /// <summary>What a listing returned: the sessions, the level used and warnings for the user.</summary>
    public class SessionListing
    {
        public List<SessionInfo> Sessions = new List<SessionInfo>();
        public int Level;
        public List<string> Warnings = new List<string>();
    }

    public static class SessionErrors
    {
        /// <summary>The text of an exception a module caught: PowerShell wraps an exception thrown by a
        /// .NET method in MethodInvocationException; the innermost one says what went wrong.</summary>
        public static string ErrorText(Exception error)
        {
            Exception inner = error;
            while (inner.InnerException != null)
                inner = inner.InnerException;
            return inner.Message;
        }
    }

    /// <summary>Listing for the modules: the level choice, the level-0 projection and filtering
    /// again here (Samba ignores wire filters).</summary>
    public static class SessionList
    {
        private static readonly int[] LevelPreference = new int[] { 502, 2, 1 };

        public const string Level10Warning = "Access to level 502 was denied; listed at level 10 (user-info right only): " +
            "num_opens, user_flags, is_guest, cleartext_password, client_type and transport are null.";

        public static List<SessionInfo> Enumerate(string server, string client, string user, int level)
        {
            return Enumerate(server, client, user, level, unchecked((int)NetApiStatus.MaxPreferredLength));
        }

        /// <summary>Every session matching the client and user (null = any), at that level. A level-0
        /// listing with a user is listed at level 10 (or 1) and projected to level 0.</summary>
        public static List<SessionInfo> Enumerate(string server, string client, string user, int level, int prefMaxLen)
        {
            string apiServer = LocalHost.ApiServer(server);
            if (!NetSessionApi.IsSupportedLevel(level))
                throw new NetSessionException(NetApiStatus.InvalidLevel, "NetSessionEnum", apiServer, apiServer != null);
            if (level == 0 && !String.IsNullOrEmpty(user))
                return ProjectToLevel0(EnumerateWithUserNames(apiServer, client, user, prefMaxLen));
            return EnumerateAt(apiServer, client, user, level, prefMaxLen);
        }

        /// <summary>What goes on the wire is only what the server can filter by exactly: a network
        /// is never sent, nor a null-session name (a server has no user "ANONYMOUS LOGON" to match
        /// the "" sessions it names). Everything is filtered again here.</summary>
        private static List<SessionInfo> EnumerateAt(string apiServer, string client, string user, int level, int prefMaxLen)
        {
            bool byClient = !String.IsNullOrEmpty(client), byUser = !String.IsNullOrEmpty(user);
            string wireClient = byClient && !ClientName.IsNetwork(client) ? ClientName.ToApiFilter(client) : null;
            string wireUser = byUser && !AccountName.IsNullSession(user) ? AccountName.AccountPart(user) : null;
            List<RawSession> found = NetSessionApi.Enumerate(apiServer, wireClient, wireUser, level, unchecked((uint)prefMaxLen));
            // The server compares a wire filter with its own spelling of the client and user (a NetBIOS
            // name, an IPv4-mapped address, DOMAIN\user): finding nothing proves nothing. List again
            // without filters and match here (contract.md, "Wire filters").
            if (found.Count == 0 && (wireClient != null || wireUser != null))
                found = NetSessionApi.Enumerate(apiServer, null, null, level, unchecked((uint)prefMaxLen));
            List<SessionInfo> result = new List<SessionInfo>();
            foreach (RawSession raw in found)
            {
                SessionInfo s = SessionInfo.FromRaw(raw);
                if (byClient && !ClientName.Matches(s.Client, client))
                    continue;
                if (byUser && s.UserName != null && !AccountName.Matches(s.UserName, user))
                    continue;
                result.Add(s);
            }
            return result;
        }

        /// <summary>Level 0 has no user name to filter on: list at level 10 (the same user-info right as
        /// level 0), or level 1 where 10 is not served (Samba), and filter there.</summary>
        private static List<SessionInfo> EnumerateWithUserNames(string apiServer, string client, string user, int prefMaxLen)
        {
            try
            {
                return EnumerateAt(apiServer, client, user, 10, prefMaxLen);
            }
            catch (NetSessionException e)
            {
                if (e.Status != NetApiStatus.InvalidLevel)
                    throw;
            }
            try
            {
                return EnumerateAt(apiServer, client, user, 1, prefMaxLen);
            }
            catch (NetSessionException e)
            {
                if (e.Status != NetApiStatus.InvalidLevel)
                    throw;
                throw new NetSessionException(e.Status, "NetSessionEnum at levels 10 and 1", apiServer, apiServer != null,
                    "Level 0 carries no user name, so a username filter needs level 10 or 1 and the server serves " +
                    "neither: use level 1 or drop the username filter.");
            }
        }

        private static List<SessionInfo> ProjectToLevel0(List<SessionInfo> sessions)
        {
            return sessions.ConvertAll(delegate(SessionInfo s)
            {
                SessionInfo p = new SessionInfo();
                p.RawClient = s.RawClient;
                p.Client = s.Client;
                p.Level = 0;
                return p;
            });
        }

        /// <summary>The richest level the server serves (502, 2, then 1), falling back only on 124
        /// (a 124 at level 1 is the error, as in the Python twin: level 0 has no user name to filter
        /// on); when 502 is denied (5), level 10, which needs only the user-info right.</summary>
        public static List<SessionInfo> EnumerateBest(string server, string client, string user, out int levelUsed)
        {
            for (int i = 0; i < LevelPreference.Length; i++)
            {
                int level = LevelPreference[i];
                try
                {
                    List<SessionInfo> result = Enumerate(server, client, user, level);
                    levelUsed = level;
                    return result;
                }
                catch (NetSessionException e)
                {
                    if (level == 502 && e.Status == NetApiStatus.AccessDenied)
                    {
                        List<SessionInfo> result;
                        try
                        {
                            result = Enumerate(server, client, user, 10);
                        }
                        catch (NetSessionException)
                        {
                            throw e;   // the 502 denial is what the user must fix
                        }
                        levelUsed = 10;
                        return result;
                    }
                    if (e.Status != NetApiStatus.InvalidLevel || i == LevelPreference.Length - 1)
                        throw;
                }
            }
            throw new InvalidOperationException("unreachable: the last level either answers or throws");
        }

        /// <summary>What the modules call: sessions matching any of the clients and any of the
        /// users (empty = all). A filter goes to the API only when it is one IPv4 client or one
        /// user (never a null-session name, see EnumerateAt); everything is filtered again here
        /// (Samba ignores filters). level -1 = the richest level the server serves, never below
        /// minimumLevel. Level 0 with a user filter is listed at level 10 (or 1) and projected to
        /// level 0.</summary>
        public static SessionListing ListSessions(string server, string[] clients, string[] usernames, int level,
            List<ShareConnection> shareConnections)
        {
            if (shareConnections != null && level == 0)
                throw new ArgumentException(ShareUserList.Level0Message);
            SessionListing listing = ListSessions(server, clients, usernames, level);
            if (shareConnections != null)
                listing.Warnings.AddRange(ShareUserList.Warnings(listing.Sessions, shareConnections, clients, usernames));
            if (shareConnections != null)
                listing.Sessions = listing.Sessions.FindAll(delegate(SessionInfo s)
                {
                    return ShareUsers.UsesShare(s, shareConnections);
                });
            return listing;
        }

        public static SessionListing ListSessions(string server, string[] clients, string[] usernames, int level)
        {
            string apiClient = null, apiUser = null;
            if (clients != null && clients.Length == 1 && ClientName.IsIpLiteral(clients[0]) &&
                !ClientName.Normalize(clients[0]).Contains(":"))
                apiClient = clients[0];
            if (usernames != null && usernames.Length == 1)
                apiUser = usernames[0];
            bool byUser = usernames != null && usernames.Length > 0;
            SessionListing listing = new SessionListing();
            List<SessionInfo> found;
            if (level < 0)
            {
                found = EnumerateBest(server, apiClient, apiUser, out listing.Level);
                if (listing.Level == 10)
                    listing.Warnings.Add(Level10Warning);
            }
            else if (level == 0 && byUser)
            {
                string apiServer = LocalHost.ApiServer(server);
                found = EnumerateWithUserNames(apiServer, apiClient, apiUser, unchecked((int)NetApiStatus.MaxPreferredLength));
                listing.Level = 0;
            }
            else
            {
                found = Enumerate(server, apiClient, apiUser, level);
                listing.Level = level;
            }
            foreach (SessionInfo s in found)
            {
                if (s.MatchesFilters(clients, usernames))
                    listing.Sessions.Add(s);
            }
            if (listing.Level == 0 && byUser)
                listing.Sessions = ProjectToLevel0(listing.Sessions);
            return listing;
        }
    }

    /// <summary>The call a close run stopped at, with the error the server gave.</summary>
    public class FailedClose
    {
        public CloseTarget Call;
        public int Status;
        public string Message;

        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> result = new Dictionary<string, object>();
            result.Add("client", Call.Client);
            result.Add("username", Call.UserName);
            result.Add("status", Status);
            result.Add("message", Message);
            result.Add("sessions", Call.Sessions.ConvertAll(delegate(SessionInfo s) { return s.ToResult(); }));
            return result;
        }
    }

    public class CloseRun
    {
        public bool Changed;
        public List<SessionInfo> Closed = new List<SessionInfo>();
        public List<SessionInfo> Vanished = new List<SessionInfo>();
        public List<SkippedSession> Skipped = new List<SkippedSession>();
        public List<CloseTarget> Calls = new List<CloseTarget>();
        public List<SessionInfo> Candidates = new List<SessionInfo>();
        /// <summary>null when every call succeeded (or vanished).</summary>
        public FailedClose FailedCall;
        /// <summary>Planned calls not attempted because an earlier one failed.</summary>
        public List<CloseTarget> UntriedCalls = new List<CloseTarget>();

        private static List<Dictionary<string, object>> Results(List<SessionInfo> sessions)
        {
            return sessions.ConvertAll(delegate(SessionInfo s) { return s.ToResult(); });
        }

        /// <summary>Result keys of the close modules ('skipped' itself is reserved by Ansible).</summary>
        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> result = new Dictionary<string, object>();
            result.Add("changed", Changed);
            result.Add("closed_sessions", Results(Closed));
            result.Add("skipped_sessions", Skipped.ConvertAll(delegate(SkippedSession k) { return k.ToResult(); }));
            result.Add("vanished_sessions", Results(Vanished));
            result.Add("close_calls", Calls.ConvertAll(delegate(CloseTarget t) { return t.ToResult(); }));
            result.Add("failed_call", FailedCall == null ? null : FailedCall.ToResult());
            result.Add("untried_calls", UntriedCalls.ConvertAll(delegate(CloseTarget t)
            {
                Dictionary<string, object> call = t.ToResult();
                call["sessions"] = Results(t.Sessions);
                return call;
            }));
            return result;
        }

        /// <summary>The module's failure message (null when nothing failed): the call, the error and what
        /// the result still holds.</summary>
        public string FailureMessage()
        {
            if (FailedCall == null)
                return null;
            return String.Format(CultureInfo.InvariantCulture,
                "Closing the sessions of {0} failed: {1} {2} session(s) were closed before it; {3} planned call(s) " +
                "were not tried (see failed_call, closed_sessions and untried_calls).",
                Describe(FailedCall.Call), FailedCall.Message, Closed.Count, UntriedCalls.Count);
        }

        private static string Describe(CloseTarget call)
        {
            if (call.UserName == null)
                return "client '" + call.Client + "' (every user)";
            if (String.IsNullOrEmpty(call.Client))
                return "user '" + call.UserName + "' (every client)";
            return "user '" + call.UserName + "' from client '" + call.Client + "'";
        }

        private static Dictionary<string, object> DiffOf(IEnumerable<SessionInfo> sessions)
        {
            List<string> entries = new List<string>();
            foreach (SessionInfo s in sessions)
                entries.Add(s.DiffEntry());
            entries.Sort(StringComparer.Ordinal);
            Dictionary<string, object> diff = new Dictionary<string, object>();
            diff.Add("sessions", entries);
            return diff;
        }

        public Dictionary<string, object> DiffBefore()
        {
            return DiffOf(Candidates);
        }

        public Dictionary<string, object> DiffAfter()
        {
            Dictionary<SessionInfo, bool> gone = ClosePlanner.ToSet(Closed);
            foreach (SessionInfo s in Vanished)
                gone[s] = true;
            return DiffOf(Candidates.FindAll(delegate(SessionInfo s) { return !gone.ContainsKey(s); }));
        }
    }


    public static class CloseExecutor
    {
        /// <summary>Runs the plan and stops at the first call that fails; the run then carries
        /// FailedCall and UntriedCalls. Check mode calls nothing that changes state.</summary>
        public static CloseRun Run(string server, ClosePlan plan, bool checkMode)
        {
            CloseRun run = new CloseRun();
            run.Skipped.AddRange(plan.Skipped);
            run.Candidates.AddRange(plan.Candidates);
            for (int i = 0; i < plan.Targets.Count; i++)
            {
                CloseTarget target = plan.Targets[i];
                run.Calls.Add(target);
                if (checkMode)
                {
                    run.Closed.AddRange(target.Sessions);
                    continue;
                }
                NetSessionException error = null;
                try
                {
                    if (Close(server, target.RawClient, target.UserName) == CloseOutcome.Closed)
                        run.Closed.AddRange(target.Sessions);
                    else
                        run.Vanished.AddRange(target.Sessions);   // gone since the listing: not an error
                }
                catch (NetSessionException e)
                {
                    error = e;
                }
                // Samba answers 5 when nothing matched: vanished only if no session of the target is left.
                if (error != null && error.Status == NetApiStatus.AccessDenied && !TargetRemains(server, target))
                {
                    run.Vanished.AddRange(target.Sessions);
                    error = null;
                }
                if (error != null)
                {
                    run.FailedCall = new FailedClose();
                    run.FailedCall.Call = target;
                    run.FailedCall.Status = error.Status;
                    run.FailedCall.Message = error.Message;
                    run.UntriedCalls.AddRange(plan.Targets.GetRange(i + 1, plan.Targets.Count - i - 1));
                    break;
                }
            }
            run.Changed = run.Closed.Count > 0;
            return run;
        }

        /// <summary>Closes every session of (client, user); user null = every session of the client,
        /// client null = every session of the user. The client goes out as the server's own spelling
        /// with the \\ the API requires, the user as its account part, like every other call
        /// (sessions carry no domain).</summary>
        public static CloseOutcome Close(string server, string rawClient, string user)
        {
            string client = String.IsNullOrEmpty(rawClient) ? null :
                (rawClient.StartsWith("\\\\", StringComparison.Ordinal) ? rawClient : "\\\\" + rawClient);
            string apiUser = String.IsNullOrEmpty(user) ? null : AccountName.AccountPart(user);
            return NetSessionApi.Delete(LocalHost.ApiServer(server), client, apiUser);
        }

        /// <summary>A fresh listing still shows a session the call would end (or the listing fails:
        /// then the 5 stays a denial).</summary>
        private static bool TargetRemains(string server, CloseTarget target)
        {
            int level = target.Sessions.Count > 0 && target.Sessions[0].Level > 0 ? target.Sessions[0].Level : 1;
            try
            {
                foreach (SessionInfo s in SessionList.Enumerate(server, null, null, level))
                {
                    bool clientOk = String.IsNullOrEmpty(target.RawClient) || ClientName.Matches(s.Client, target.Client);
                    bool userOk = String.IsNullOrEmpty(target.UserName) || AccountName.Matches(s.UserName, target.UserName);
                    if (clientOk && userOk)
                        return true;
                }
                return false;
            }
            catch (NetSessionException)
            {
                return true;
            }
        }
    }
}
