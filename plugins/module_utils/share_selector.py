# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The share selector of the session modules (the ``share`` option; docs/developer/open-files.md,
"Share users on the session modules"): a share's connections (list_share_users: the listing, the
unknown-share and placeholder errors, the warnings) and which sessions they select
(ShareConnection, connection_selects, uses_share). The share entry check stays with the other
selector entries (session_names.check_selector_entries).

The Windows twin is ShareSelector.cs (ShareConnection, ShareUsers, ShareUserList,
ShareUsersException); both run the shared table tests/fixtures/share_user_cases.json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcError, SrvsvcStatusError
from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    clients_match, has_client_name, is_null_session, normalise_client, same_client, usernames_match,
)


class ShareConnection:
    """One connection to a share (NetConnectionEnum level 1, the share as qualifier): the client
    computer (coni1_netname, as the server spells it) and the user (coni1_username)."""

    __slots__ = ('share', 'client', 'username')

    def __init__(self, share, client, username):
        self.share = share
        self.client = client
        self.username = username

    def __repr__(self):
        return 'ShareConnection(%r, %r, %r)' % (self.share, self.client, self.username)


def connection_selects(session, connection):
    """Is ``session`` one of the sessions ``connection`` stands for? Its client matches the
    connection's client (the client-name rules) AND its user the connection's user (the account
    rules). A connection without a client name, or with an empty or null-session user, selects
    nothing: it cannot say whose session it is. A session without a client name is never selected."""
    if not has_client_name(connection.client) or is_null_session(connection.username):
        return False
    # same_client, not clients_match: what a server sends is a name, never read as a network.
    return same_client(session.client, connection.client) and usernames_match(session.username,
                                                                              connection.username)


def uses_share(session, connections):
    """Does ``session`` use one of the shares whose ``connections`` (ShareConnection) were listed?"""
    return any(connection_selects(session, c) for c in connections)


def unmatched_connections(sessions, connections):
    """The connections that name a client and a user but select none of ``sessions``: the server
    may spell a client one way in its connection list and another in its session list (a computer
    name against an address); selecting nothing is safe, but the user must hear of it."""
    return [c for c in connections
            if has_client_name(c.client) and not is_null_session(c.username)
            and not any(connection_selects(s, c) for s in sessions)]


def sessions_using_share(sessions, connections):
    """The sessions of ``sessions`` that use one of the shares (uses_share), in order; ``connections``
    None = no share selector: every session."""
    if connections is None:
        return list(sessions)
    return [s for s in sessions if uses_share(s, connections)]


NERR_NET_NAME_NOT_FOUND = 2310
ERROR_INVALID_NAME = 123   # Samba 4.17's answer for a share it does not have
UNKNOWN_SHARE_MESSAGE = "share '{share}' does not exist on the server."
# Samba 4.17 answers level 1 with the same placeholder for every connection (srv_srvsvc_nt.c,
# init_srv_conn_info_1): the right count, but user 'dummy_user' and netname 'IPC$' instead of the
# client computer. Selecting by it would select nothing and report success, so the share users
# stay connected through the maintenance: fail instead.
PLACEHOLDER_NETNAME = 'ipc$'
NO_SHARE_USERS_MESSAGE = (
    "share '{share}': the server does not say who uses its shares (NetConnectionEnum names the client "
    "'{client}' and the user '{user}' for every connection, as Samba does), so no session can be selected by "
    "share. Select the sessions by username or client instead; on a Samba server, smbstatus --shares lists "
    "who uses a share.")


SHARE_LEVEL_0_MESSAGE = ('level 0 carries no user name, so it cannot tell which sessions use a share: leave level '
                         'unset, or use level 1, with the share option.')


UNMATCHED_WARNING = (
    "share '{share}': {count} connection(s) match no session by client and user, so they select nothing (the "
    "first names client '{client}' and user '{user}'). The server may spell the client differently in its "
    "connection and session lists; select those sessions by client or username instead.")


def share_warnings(sessions, connections, clients=None, usernames=None):
    """One warning per share whose connections select none of ``sessions`` (see
    unmatched_connections); a connection that the client or username filters
    rule out anyway is not counted."""
    counted = {}
    first = {}
    for c in unmatched_connections(sessions, connections or []):
        if clients and not any(clients_match(c.client, selector) for selector in clients):
            continue
        if usernames and not any(usernames_match(c.username, selector) for selector in usernames):
            continue
        counted[c.share] = counted.get(c.share, 0) + 1
        first.setdefault(c.share, c)
    return [UNMATCHED_WARNING.format(share=share, count=counted[share], client=first[share].client,
                                     user=first[share].username) for share in sorted(counted)]


def share_listing_error(share, status):
    """The message for a NetConnectionEnum status that means ``share`` does not exist, else None."""
    if status in (NERR_NET_NAME_NOT_FOUND, ERROR_INVALID_NAME):
        return UNKNOWN_SHARE_MESSAGE.format(share=share)
    return None


def share_connections(share, entries):
    """ShareConnection of each listed entry of ``share``; ShareUsersError when the server answers
    with placeholders instead of client computers (Samba)."""
    connections = []
    for entry in entries:
        netname = entry.get('netname')
        if netname is not None and normalise_client(netname).lower() == PLACEHOLDER_NETNAME:
            raise ShareUsersError(NO_SHARE_USERS_MESSAGE.format(share=share, client=netname,
                                                                user=entry.get('username')))
        connections.append(ShareConnection(share, netname, entry.get('username')))
    return connections


def list_share_users(client, shares):
    """The connections of every share of ``shares`` (NetrConnectionEnum level 1, the share as
    qualifier), or None when ``shares`` is empty (no share selector). ShareUsersError for a share
    that does not exist, or a server that does not name its share users."""
    if not shares:
        return None
    found = []
    seen = set()
    for share in shares:
        if share.lower() in seen:
            continue   # share names are case-insensitive: one listing each
        seen.add(share.lower())
        try:
            entries = client.enum_connections(share, 1)
        except SrvsvcStatusError as e:
            message = share_listing_error(share, e.status)
            if message is None:
                raise
            raise ShareUsersError(message)
        found.extend(share_connections(share, entries))
    return found


class ShareUsersError(SrvsvcError):
    """The share selector cannot be answered (a SrvsvcError, so the modules catch one type)."""
