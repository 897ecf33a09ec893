// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// The close planner: which NetSessionDel calls end exactly the sessions a close selection
// picks, and which sessions it skips and why (docs/developer/contract.md). No I/O.
// Python twin: close_planning.py.
// C# 5 only.
//
// Each `using ansible_collections...module_utils.<Name>;` line below is how this util requires
// another: ansible-core's PSModuleDepFinder (executor/powershell/module_manifest.py,
// _re_cs_module) reads them as its dependencies, and Add-CSharpType compiles every C# util a
// module needs into one assembly (tests/static/test_csharp_util_deps.py).
//TypeAccelerator -Name LanmanCloseSelection -TypeName CloseSelection
//TypeAccelerator -Name LanmanClosePlanner -TypeName ClosePlanner

using System;
using System.Collections.Generic;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.ShareSelector;

namespace ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning
{
    public class CloseSelection
    {
        public string[] Clients;
        public string[] Usernames;
        public string[] ExcludeClients;
        public string[] ExcludeUsernames;
        public string[] OwnClients;
        public long? MinIdleSeconds;
        public bool All;
        public string OwnUsername;
        /// <summary>The share selector: null = no share given; else the connections of the shares
        /// asked for (ShareUserList.ListShareUsers); an empty list selects nothing.</summary>
        public List<ShareConnection> ShareConnections;
    }

    public class CloseTarget
    {
        public string Client;
        public string RawClient;
        public string UserName;
        public List<SessionInfo> Sessions = new List<SessionInfo>();

        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> result = new Dictionary<string, object>();
            result.Add("client", Client);
            result.Add("username", UserName);
            return result;
        }
    }

    public class SkippedSession
    {
        public SessionInfo Session;
        public string Reason;

        public Dictionary<string, object> ToResult()
        {
            Dictionary<string, object> result = Session.ToResult();
            result.Add("reason", Reason);
            return result;
        }
    }

    public class ClosePlan
    {
        public List<CloseTarget> Targets = new List<CloseTarget>();
        public List<SkippedSession> Skipped = new List<SkippedSession>();
        public List<SessionInfo> Candidates = new List<SessionInfo>();
    }

    public class CloseSelectionException : ArgumentException
    {
        private readonly string _code;

        public CloseSelectionException(string code, string message) : base(message)
        {
            _code = code;
        }

        public string Code { get { return _code; } }
    }

    /// <summary>Which NetSessionDel calls to make; the rules are in docs/developer/contract.md.</summary>
    public static class ClosePlanner
    {
        internal static Dictionary<SessionInfo, bool> ToSet(IEnumerable<SessionInfo> sessions)
        {
            Dictionary<SessionInfo, bool> set = new Dictionary<SessionInfo, bool>();
            foreach (SessionInfo s in sessions)
                set[s] = true;
            return set;
        }

        private static bool IsEmpty(string[] values)
        {
            return values == null || values.Length == 0;
        }

        // The planner works on facts worked out once per plan: a client's keys once per distinct name,
        // a user's once per distinct name, a selector's key or network once, and whether a selector
        // names a client once per client. Comparing names afresh for every pair of sessions was
        // quadratic in a pair, and re-read every selector for every session (issue 16).

        /// <summary>A client name as ClientName.Matches reads it, with what the selectors said of it.</summary>
        private sealed class ClientFacts
        {
            public readonly string Name;
            public readonly bool Named;
            public readonly string Key;
            public readonly string Zoneless;
            public readonly bool Zoned;
            public readonly int KeyId;
            public readonly int ZonelessId;
            private byte[] _address;
            private bool _addressRead;
            // What the selectors said, by slot: bit set in _asked once asked, in _matched when it matched.
            private ulong _asked, _matched;

            public ClientFacts(string name, PlanFacts ids)
            {
                Name = name;
                Key = ClientName.Key(name);
                // A key with a character comes from a name with one: HasName only decides for the rest.
                Named = !String.IsNullOrEmpty(Key) || ClientName.HasName(name);
                Zoneless = Key == null ? null : ClientName.WithoutZone(Key);
                Zoned = Key != null && Key.IndexOf('%') >= 0;
                KeyId = ids.Id(Key);
                ZonelessId = Zoned ? ids.Id(Zoneless) : KeyId;
            }

            /// <summary>What a network looks up (ClientNetwork.AddressOf), read on first use: most
            /// selections name no network.</summary>
            public byte[] Address()
            {
                if (!_addressRead)
                {
                    _address = ClientNetwork.AddressOf(Name);
                    _addressRead = true;
                }
                return _address;
            }

            public bool Matches(ClientSelector selector)
            {
                if (selector.Slot >= 64)
                    return selector.Matches(this);   // past 64 selectors, asked each time
                ulong bit = 1UL << selector.Slot;
                if ((_asked & bit) == 0)
                {
                    if (selector.Matches(this))
                        _matched |= bit;
                    _asked |= bit;
                }
                return (_matched & bit) != 0;
            }
        }

        private const int UsernameList = 0, ExcludedUsernameList = 1, OwnUsernameList = 2;

        /// <summary>A user name as AccountName reads it, with what the username lists said of it.</summary>
        private sealed class UserFacts
        {
            public readonly string Name;
            public readonly bool IsNull;
            public readonly bool IsMachine;
            public readonly string Key;   // the account part in lower case; "" for a null session
            public readonly int KeyId;
            private readonly sbyte[] _matches = new sbyte[3];

            public UserFacts(string name, PlanFacts ids)
            {
                Name = name;
                IsNull = AccountName.IsNullSession(name);
                IsMachine = AccountName.IsMachineAccount(name);
                Key = IsNull ? "" : AccountName.AccountPart(name).ToLowerInvariant();
                KeyId = ids.Id(Key);
            }

            public bool MatchesAny(int list, string[] selectors)
            {
                if (_matches[list] == 0)
                    _matches[list] = AccountName.MatchesAny(Name, selectors) ? (sbyte)1 : (sbyte)2;
                return _matches[list] == 1;
            }
        }

        /// <summary>The facts of one plan: clients and users by name, made on first use (the sessions of a
        /// pair share their names), and a number for each key, so groups are found without joining strings.</summary>
        private sealed class PlanFacts
        {
            private readonly Dictionary<string, ClientFacts> _clients;
            private readonly Dictionary<string, UserFacts> _users = new Dictionary<string, UserFacts>();
            private readonly Dictionary<string, int> _ids;
            private ClientFacts _nullClient;
            private UserFacts _nullUser;

            /// <summary>Sized for a listing of that many sessions: as many clients at most.</summary>
            public PlanFacts(int sessions)
            {
                _clients = new Dictionary<string, ClientFacts>(sessions);
                _ids = new Dictionary<string, int>(sessions);
            }

            public int Id(string key)
            {
                if (key == null)
                    return -1;
                int id;
                if (!_ids.TryGetValue(key, out id))
                {
                    id = _ids.Count;
                    _ids[key] = id;
                }
                return id;
            }

            public ClientFacts Client(string name)
            {
                if (name == null)
                    return _nullClient ?? (_nullClient = new ClientFacts(null, this));
                ClientFacts facts;
                if (!_clients.TryGetValue(name, out facts))
                {
                    facts = new ClientFacts(name, this);
                    _clients[name] = facts;
                }
                return facts;
            }

            public UserFacts User(string name)
            {
                if (name == null)
                    return _nullUser ?? (_nullUser = new UserFacts(null, this));
                UserFacts facts;
                if (!_users.TryGetValue(name, out facts))
                {
                    facts = new UserFacts(name, this);
                    _users[name] = facts;
                }
                return facts;
            }
        }

        /// <summary>ClientName.Matches(client, selector) for one selector, read once.</summary>
        private sealed class ClientSelector
        {
            public readonly int Slot;
            private readonly string _selector;
            private readonly bool _malformed;
            private readonly ClientNetwork _network;
            private readonly string _key;
            private readonly string _zoneless;
            private readonly bool _zoned;

            public ClientSelector(string selector, int slot)
            {
                Slot = slot;
                _selector = selector;
                if (selector == null)
                    return;
                try
                {
                    _network = ClientName.ParseNetwork(selector);
                }
                catch (ArgumentException)
                {
                    _malformed = true;   // Matches throws when it meets a client, and so does this
                    return;
                }
                if (_network != null)
                    return;
                _key = ClientName.Key(selector);
                _zoneless = ClientName.WithoutZone(_key);
                _zoned = _key.IndexOf('%') >= 0;
            }

            public bool Matches(ClientFacts client)
            {
                if (client.Name == null || _selector == null)
                    return false;
                if (_malformed)
                    return ClientName.Matches(client.Name, _selector);
                if (_network != null)
                    return _network.ContainsAddress(client.Address());
                if (String.IsNullOrEmpty(client.Key) || String.IsNullOrEmpty(_key))
                    return false;
                if (client.Key == _key)
                    return true;
                // Only one of them zoned, the same address otherwise: Matches decides (IPv6 only).
                return client.Zoned != _zoned && client.Zoneless == _zoneless && ClientName.Matches(client.Name, _selector);
            }
        }

        /// <summary>The client lists of a selection, each selector read once.</summary>
        private sealed class ClientSelectors
        {
            public readonly ClientSelector[] Clients, Excluded, Own;
            private int _count;

            public ClientSelectors(CloseSelection sel)
            {
                Clients = Read(sel.Clients);
                Excluded = Read(sel.ExcludeClients);
                Own = Read(sel.OwnClients);
            }

            private ClientSelector[] Read(string[] selectors)
            {
                ClientSelector[] read = new ClientSelector[selectors == null ? 0 : selectors.Length];
                for (int i = 0; i < read.Length; i++)
                    read[i] = new ClientSelector(selectors[i], _count++);
                return read;
            }

            /// <summary>Any selector of the list matches (none: false), tried in order as ClientName.MatchesAny does.</summary>
            public bool MatchesAny(ClientSelector[] list, ClientFacts client)
            {
                foreach (ClientSelector selector in list)
                {
                    if (client.Matches(selector))
                        return true;
                }
                return false;
            }
        }

        /// <summary>A session during one plan: its facts, why it stays open (null: not skipped), and
        /// whether it is in the selection as the current step counts it.</summary>
        private sealed class Planned
        {
            public readonly SessionInfo Session;
            public readonly ClientFacts Client;
            public readonly UserFacts User;
            public string Reason;
            public bool InSelection;

            public Planned(SessionInfo session, PlanFacts facts)
            {
                Session = session;
                Client = facts.Client(session.Client);
                User = facts.User(session.UserName);
            }
        }

        private static string IndividualReason(Planned p, CloseSelection sel, ClientSelectors selectors, string[] ownUsername)
        {
            // Neither name: the only call that could reach it, NetSessionDel(NULL, NULL), ends everything.
            if (!p.Client.Named && p.User.IsNull)
                return "no_client_name";
            // Unknown own user (e.g. Kerberos without a name): every session from our address may be ours.
            // Empty counts as unknown: PowerShell stores $null in a string field as "".
            if (selectors.MatchesAny(selectors.Own, p.Client) &&
                (String.IsNullOrEmpty(sel.OwnUsername) || p.User.MatchesAny(OwnUsernameList, ownUsername)))
                return "own_session";
            if (selectors.MatchesAny(selectors.Excluded, p.Client))
                return "excluded_client";
            if (p.User.MatchesAny(ExcludedUsernameList, sel.ExcludeUsernames))
                return "excluded_username";
            if (p.User.IsMachine && !p.User.MatchesAny(UsernameList, sel.Usernames))
                return "machine_account";
            if (sel.MinIdleSeconds.HasValue)
            {
                if (!p.Session.IdleSeconds.HasValue)
                    return "idle_unknown";
                if (p.Session.IdleSeconds.Value < sel.MinIdleSeconds.Value)
                    return "idle_below_threshold";
            }
            return null;
        }

        /// <summary>For a session: is every session of its group that ClientName.Matches calls the same
        /// client in the selection? A group (its number holds the zoneless client key) gathers the spellings
        /// of one client; its sessions outside the selection are filed by client key once, so each answer is
        /// constant time. The selection is read when the groups are made, and must not change while they
        /// are asked (a step marks skipped sessions, WithoutSkipped takes them out after it).</summary>
        private sealed class SameClientGroups
        {
            /// <summary>A client key within a group.</summary>
            private struct GroupKey : IEquatable<GroupKey>
            {
                private readonly long _group;
                private readonly int _key;

                public GroupKey(long group, int key)
                {
                    _group = group;
                    _key = key;
                }

                public bool Equals(GroupKey other)
                {
                    return _group == other._group && _key == other._key;
                }

                public override bool Equals(object other)
                {
                    return other is GroupKey && Equals((GroupKey)other);
                }

                public override int GetHashCode()
                {
                    return _group.GetHashCode() * 31 + _key;
                }
            }

            private readonly IEnumerable<Planned> _sessions;
            private readonly Converter<Planned, long> _groupOf;
            // One session outside the selection for each client key of a group that has one.
            private readonly Dictionary<GroupKey, Planned> _unselected = new Dictionary<GroupKey, Planned>();
            // Per group, one such session for each zoned key (IPv6 zones are rare: made on first use).
            private Dictionary<long, List<Planned>> _unselectedZoned;
            private Dictionary<GroupKey, bool> _answers;
            // Per group, its sessions outside the selection, for client names in CIDR form only (made on first use).
            private Dictionary<long, List<Planned>> _unselectedMembers;

            public SameClientGroups(IEnumerable<Planned> sessions, Converter<Planned, long> groupOf)
            {
                _sessions = sessions;
                _groupOf = groupOf;
                foreach (Planned p in sessions)
                {
                    // An empty key is the same client as nothing (ClientName.Matches).
                    if (p.InSelection || String.IsNullOrEmpty(p.Client.Key))
                        continue;
                    long group = groupOf(p);
                    GroupKey slot = new GroupKey(group, p.Client.KeyId);
                    if (_unselected.ContainsKey(slot))
                        continue;
                    _unselected[slot] = p;
                    if (p.Client.Zoned)
                        Add(ref _unselectedZoned, group, p);
                }
            }

            private static void Add(ref Dictionary<long, List<Planned>> lists, long group, Planned p)
            {
                if (lists == null)
                    lists = new Dictionary<long, List<Planned>>();
                List<Planned> list;
                if (!lists.TryGetValue(group, out list))
                    lists[group] = list = new List<Planned>();
                list.Add(p);
            }

            public bool AllSelected(Planned p)
            {
                string client = p.Session.Client;
                if (ClientName.IsNetwork(client))
                    return AllSelectedForNetworkName(p);
                if (String.IsNullOrEmpty(p.Client.Key))
                    return true;
                long group = _groupOf(p);
                GroupKey slot = new GroupKey(group, p.Client.KeyId);
                if (_unselected.ContainsKey(slot))
                    return false;
                bool answer;
                if (_answers != null && _answers.TryGetValue(slot, out answer))
                    return answer;
                // Two zoned spellings are never one client: a zoned key can only be the group's zoneless
                // one, and a zoneless key any zoned one. Matches decides for one session of each key.
                answer = true;
                if (p.Client.Zoned)
                {
                    Planned other;
                    if (_unselected.TryGetValue(new GroupKey(group, p.Client.ZonelessId), out other))
                        answer = !ClientName.Matches(other.Session.Client, client);
                }
                else
                {
                    List<Planned> zoned;
                    if (_unselectedZoned != null && _unselectedZoned.TryGetValue(group, out zoned))
                        answer = !zoned.Exists(delegate(Planned other) { return ClientName.Matches(other.Session.Client, client); });
                }
                if (_answers == null)
                    _answers = new Dictionary<GroupKey, bool>();
                _answers[slot] = answer;
                return answer;
            }

            // A client name in CIDR form is read as a network, or refused as one (as Matches does on the
            // session itself): ask Matches about every session of the group outside the selection.
            private bool AllSelectedForNetworkName(Planned p)
            {
                string client = p.Session.Client;
                ClientName.ParseNetwork(client);
                if (_unselectedMembers == null)
                {
                    _unselectedMembers = new Dictionary<long, List<Planned>>();
                    foreach (Planned member in _sessions)
                    {
                        if (!member.InSelection)
                            Add(ref _unselectedMembers, _groupOf(member), member);
                    }
                }
                List<Planned> members;
                if (_unselectedMembers.TryGetValue(_groupOf(p), out members))
                {
                    foreach (Planned other in members)
                    {
                        if (ClientName.Matches(other.Session.Client, client))
                            return false;
                    }
                }
                return true;
            }
        }

        /// <summary>The selection without the sessions a step skipped; they leave the selection too.</summary>
        private static List<Planned> WithoutSkipped(List<Planned> selected)
        {
            foreach (Planned p in selected)
            {
                if (p.Reason != null)
                    p.InSelection = false;
            }
            return selected.FindAll(delegate(Planned p) { return p.Reason == null; });
        }

        public static ClosePlan Plan(IList<SessionInfo> sessions, CloseSelection selection)
        {
            CloseSelection sel = selection;
            if (IsEmpty(sel.Clients) && IsEmpty(sel.Usernames) && sel.ShareConnections == null && !sel.All)
                throw new CloseSelectionException("no_selector",
                    "No sessions selected: give client, username and/or share, or set all=true to close every " +
                    "session (optionally limited by min_idle_seconds and the exclude options).");
            try
            {
                ClientName.ValidateSelectors("client", sel.Clients);
                ClientName.ValidateSelectors("exclude_client", sel.ExcludeClients);
            }
            catch (ArgumentException e)
            {
                throw new CloseSelectionException("bad_client_selector", e.Message);
            }

            PlanFacts facts = new PlanFacts(sessions.Count);
            ClientSelectors selectors = new ClientSelectors(sel);
            string[] ownUsername = new string[] { sel.OwnUsername };
            // One Planned per session object: a session listed twice is one session.
            Dictionary<SessionInfo, Planned> byObject = new Dictionary<SessionInfo, Planned>(sessions.Count);
            List<Planned> all = new List<Planned>(sessions.Count);
            foreach (SessionInfo s in sessions)
            {
                Planned p;
                if (!byObject.TryGetValue(s, out p))
                    byObject[s] = p = new Planned(s, facts);
                all.Add(p);
            }

            ClosePlan plan = new ClosePlan();
            List<Planned> selected = new List<Planned>();
            foreach (Planned p in all)
            {
                if (!IsEmpty(sel.Clients) && !selectors.MatchesAny(selectors.Clients, p.Client))
                    continue;
                if (!IsEmpty(sel.Usernames) && !p.User.MatchesAny(UsernameList, sel.Usernames))
                    continue;
                if (sel.ShareConnections != null && !ShareUsers.UsesShare(p.Session, sel.ShareConnections))
                    continue;
                plan.Candidates.Add(p.Session);
                string reason = IndividualReason(p, sel, selectors, ownUsername);
                if (reason != null)
                    p.Reason = reason;
                else
                {
                    p.InSelection = true;
                    selected.Add(p);
                }
            }
            List<Planned> named = all.FindAll(delegate(Planned p) { return p.Client.Named; });

            // A pair closes all of its sessions: close it only when every one of them is selected.
            // Spellings of one client (fe80::1 and fe80::1%3) count as one, whatever the server does.
            SameClientGroups pairs = new SameClientGroups(named.FindAll(delegate(Planned p) { return !p.User.IsNull; }),
                delegate(Planned p) { return ((long)p.Client.ZonelessId << 32) | (uint)p.User.KeyId; });
            foreach (Planned p in selected)
            {
                if (p.User.IsNull || !p.Client.Named)
                    continue;
                if (!pairs.AllSelected(p))
                    p.Reason = "pair_has_unselected_session";
            }
            selected = WithoutSkipped(selected);

            // No client name: only NetSessionDel(NULL, user) reaches it, and that ends every session
            // of the user from every client: allowed only when all of them are selected.
            Dictionary<int, bool> userHasUnselected = new Dictionary<int, bool>();
            foreach (Planned p in all)
            {
                if (!p.User.IsNull && !p.InSelection)
                    userHasUnselected[p.User.KeyId] = true;
            }
            Dictionary<int, bool> userWide = new Dictionary<int, bool>();
            foreach (Planned p in selected)
            {
                if (p.Client.Named)
                    continue;
                if (!userHasUnselected.ContainsKey(p.User.KeyId))
                    userWide[p.User.KeyId] = true;
                else
                    p.Reason = "no_client_name";
            }
            selected = WithoutSkipped(selected);

            // A null session can only go with a client-wide close, which takes every session of
            // that client: allowed only when all of them are selected and the client is not us.
            SameClientGroups byClient = new SameClientGroups(named, delegate(Planned p) { return p.Client.ZonelessId; });
            Dictionary<int, bool> clientWide = new Dictionary<int, bool>();
            foreach (Planned p in selected)
            {
                if (!p.User.IsNull)
                    continue;
                if (selectors.MatchesAny(selectors.Own, p.Client))
                    p.Reason = "own_client";
                else if (byClient.AllSelected(p))
                    clientWide[p.Client.KeyId] = true;
                else
                    p.Reason = "null_session_shares_client";
            }
            selected = WithoutSkipped(selected);

            // User-wide calls go first and take every session of their user, so each call's sessions
            // are exactly the sessions it ends (a later client-wide call ends what is left).
            Predicate<Planned> inUserWide = delegate(Planned p) { return !p.User.IsNull && userWide.ContainsKey(p.User.KeyId); };
            List<Planned> ordered = selected.FindAll(inUserWide);
            ordered.AddRange(selected.FindAll(delegate(Planned p) { return !inUserWide(p); }));
            // The three kinds of call never share a key: user-wide (-1, user), client-wide (client, -1), pair.
            Dictionary<long, CloseTarget> byKey = new Dictionary<long, CloseTarget>();
            foreach (Planned p in ordered)
            {
                bool byUserName = inUserWide(p);
                bool wholeClient = !byUserName && clientWide.ContainsKey(p.Client.KeyId);
                long key = ((long)(byUserName ? -1 : p.Client.KeyId) << 32) | (uint)(wholeClient ? -1 : p.User.KeyId);
                CloseTarget target;
                if (!byKey.TryGetValue(key, out target))
                {
                    target = new CloseTarget();
                    target.Client = byUserName ? null : p.Session.Client;
                    target.RawClient = byUserName ? null : p.Session.RawClient;
                    target.UserName = wholeClient ? null : p.Session.UserName;
                    byKey[key] = target;
                    plan.Targets.Add(target);
                }
                target.Sessions.Add(p.Session);
            }
            foreach (Planned p in all)
            {
                if (p.Reason != null)
                {
                    SkippedSession skipped = new SkippedSession();
                    skipped.Session = p.Session;
                    skipped.Reason = p.Reason;
                    plan.Skipped.Add(skipped);
                }
            }
            return plan;
        }
    }
}
