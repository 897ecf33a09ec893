// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// The share selector of the session modules (the `share` option; docs/developer/open-files.md,
// "Share users on the session modules"): a share's connections through the NetConnection.cs
// wrapper (ShareUserList: the listing, the unknown-share and placeholder errors, the warnings) and
// which sessions they select (ShareConnection, ShareUsers). Python twin: share_selector.py.
// The share entry check stays with the other selector entries (SessionNames.cs, SelectorCheck).
// C# 5 only.
//
// Each `using ansible_collections...module_utils.<Name>;` line below is how this util requires
// another: ansible-core's PSModuleDepFinder (executor/powershell/module_manifest.py,
// _re_cs_module) reads them as its dependencies, and Add-CSharpType compiles every C# util a
// module needs into one assembly (tests/static/test_csharp_util_deps.py).
//TypeAccelerator -Name LanmanShareConnection -TypeName ShareConnection
//TypeAccelerator -Name LanmanShareUsers -TypeName ShareUsers
//TypeAccelerator -Name LanmanShareUserList -TypeName ShareUserList

using System;
using System.Collections.Generic;
using System.Globalization;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.NetConnection;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.LocalHostNames;

namespace ansible_collections.lanman.smb.plugins.module_utils.ShareSelector
{
    /// <summary>One connection to a share (NetConnectionEnum level 1, the share as qualifier): the
    /// client computer (coni1_netname, as the server spells it) and the user (coni1_username).</summary>
    public class ShareConnection
    {
        public string Share;
        public string Client;
        public string UserName;

        public ShareConnection() { }

        public ShareConnection(string share, string client, string userName)
        {
            Share = share;
            Client = client;
            UserName = userName;
        }
    }

    /// <summary>Which sessions the share selector picks (share_selector.connection_selects / uses_share
    /// in the Python twin; docs/developer/open-files.md, "Share users on the session modules").</summary>
    public static class ShareUsers
    {
        /// <summary>The session's client is the connection's client (ClientName.SameClient) AND its user
        /// the connection's user (AccountName.Matches). A connection without a client name, or with an
        /// empty or null-session user, selects nothing: it cannot say whose session it is.</summary>
        public static bool Selects(SessionInfo session, ShareConnection connection)
        {
            if (!ClientName.HasName(connection.Client) || AccountName.IsNullSession(connection.UserName))
                return false;
            return ClientName.SameClient(session.Client, connection.Client) &&
                AccountName.Matches(session.UserName, connection.UserName);
        }

        /// <summary>The connections that name a client and a user but select none of the sessions: the
        /// server may spell a client one way in its connection list and another in its session list (a
        /// computer name against an address); selecting nothing is safe, but the user must hear of it.</summary>
        public static List<ShareConnection> Unmatched(IList<SessionInfo> sessions, IList<ShareConnection> connections)
        {
            List<ShareConnection> found = new List<ShareConnection>();
            foreach (ShareConnection c in connections)
            {
                if (!ClientName.HasName(c.Client) || AccountName.IsNullSession(c.UserName))
                    continue;
                bool any = false;
                foreach (SessionInfo s in sessions)
                {
                    if (Selects(s, c))
                    {
                        any = true;
                        break;
                    }
                }
                if (!any)
                    found.Add(c);
            }
            return found;
        }

        /// <summary>Does the session use one of the shares whose connections were listed?</summary>
        public static bool UsesShare(SessionInfo session, IList<ShareConnection> connections)
        {
            foreach (ShareConnection connection in connections)
            {
                if (Selects(session, connection))
                    return true;
            }
            return false;
        }
    }

    /// <summary>The share selector cannot be answered: a share that does not exist, or a server that
    /// does not name its share users (Samba).</summary>
    public class ShareUsersException : Exception
    {
        public ShareUsersException(string message) : base(message) { }
    }

    /// <summary>The share selector's connections (share_selector.list_share_users in the Python twin;
    /// docs/developer/open-files.md, "Share users on the session modules").</summary>
    public static class ShareUserList
    {
        public const string UnknownShareMessage = "share '{0}' does not exist on the server.";
        public const string NoShareUsersMessage = "share '{0}': the server does not say who uses its shares " +
            "(NetConnectionEnum names the client '{1}' and the user '{2}' for every connection, as Samba does), so no " +
            "session can be selected by share. Select the sessions by username or client instead; on a Samba server, " +
            "smbstatus --shares lists who uses a share.";
        public const string Level0Message = "level 0 carries no user name, so it cannot tell which sessions use a " +
            "share: leave level unset, or use level 1, with the share option.";
        // Samba 4.17 answers level 1 with the same placeholder for every connection (srv_srvsvc_nt.c,
        // init_srv_conn_info_1): user dummy_user, netname IPC$ instead of the client computer.
        private const string PlaceholderNetName = "ipc$";

        public const string UnmatchedWarning = "share '{0}': {1} connection(s) match no session by client and user, " +
            "so they select nothing (the first names client '{2}' and user '{3}'). The server may spell the client " +
            "differently in its connection and session lists; select those sessions by client or username instead.";

        /// <summary>One warning per share whose connections select none of the sessions
        /// (ShareUsers.Unmatched), in share order (ordinal); a connection the client or username
        /// filters rule out anyway is not counted.</summary>
        public static List<string> Warnings(IList<SessionInfo> sessions, IList<ShareConnection> connections,
            string[] clients, string[] usernames)
        {
            List<string> warnings = new List<string>();
            if (connections == null)
                return warnings;
            SortedDictionary<string, List<ShareConnection>> byShare =
                new SortedDictionary<string, List<ShareConnection>>(StringComparer.Ordinal);
            foreach (ShareConnection c in ShareUsers.Unmatched(sessions, connections))
            {
                if (clients != null && clients.Length > 0 && !ClientName.MatchesAny(c.Client, clients))
                    continue;
                if (usernames != null && usernames.Length > 0 && !AccountName.MatchesAny(c.UserName, usernames))
                    continue;
                if (!byShare.ContainsKey(c.Share))
                    byShare[c.Share] = new List<ShareConnection>();
                byShare[c.Share].Add(c);
            }
            foreach (KeyValuePair<string, List<ShareConnection>> share in byShare)
                warnings.Add(String.Format(CultureInfo.InvariantCulture, UnmatchedWarning, share.Key, share.Value.Count,
                    share.Value[0].Client, share.Value[0].UserName));
            return warnings;
        }

        /// <summary>The message for a NetConnectionEnum status that means the share does not exist
        /// (2310; Samba: 123), else null.</summary>
        public static string ShareListingError(string share, int status)
        {
            if (status == NetConnectionApi.NetNameNotFound || status == NetConnectionApi.InvalidName)
                return String.Format(CultureInfo.InvariantCulture, UnknownShareMessage, share);
            return null;
        }

        /// <summary>The connections of one share as the rules read them; ShareUsersException when the
        /// server answers with placeholders instead of client computers.</summary>
        public static List<ShareConnection> ShareConnections(string share, IList<RawConnection> entries)
        {
            List<ShareConnection> found = new List<ShareConnection>();
            foreach (RawConnection e in entries)
            {
                if (e.NetName != null &&
                    String.Equals(ClientName.Normalize(e.NetName), PlaceholderNetName, StringComparison.OrdinalIgnoreCase))
                    throw new ShareUsersException(String.Format(CultureInfo.InvariantCulture, NoShareUsersMessage,
                        share, e.NetName, e.UserName));
                found.Add(new ShareConnection(share, e.NetName, e.UserName));
            }
            return found;
        }

        /// <summary>The connections of every share (NetConnectionEnum level 1, the share as qualifier),
        /// or null when shares is null or empty (no share selector).</summary>
        public static List<ShareConnection> ListShareUsers(string server, string[] shares)
        {
            if (shares == null || shares.Length == 0)
                return null;
            string apiServer = LocalHost.ApiServer(server);
            List<ShareConnection> found = new List<ShareConnection>();
            Dictionary<string, bool> seen = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
            foreach (string share in shares)
            {
                if (seen.ContainsKey(share))
                    continue;   // share names are case-insensitive: one listing each
                seen[share] = true;
                List<RawConnection> entries;
                try
                {
                    entries = NetConnectionApi.Enumerate(apiServer, share, NetApiStatus.MaxPreferredLength);
                }
                catch (NetSessionException e)
                {
                    string message = ShareListingError(share, e.Status);
                    if (message == null)
                        throw;
                    throw new ShareUsersException(message);
                }
                found.AddRange(ShareConnections(share, entries));
            }
            return found;
        }
    }
}
