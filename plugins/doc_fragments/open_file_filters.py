# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Open-file selectors shared by the Windows and the agentless open-file modules
    (docs/developer/open-files.md, 'Selection rules')."""

    DOCUMENTATION = r'''
options:
  path:
    description:
      - Only open files at these paths, as the server reports them (its local path, for example
        C(D:\Shares\Data\report.xlsx) on Windows or C(/srv/data/report.xlsx) on Samba). A file
        matches when it matches any entry.
      - An entry that ends with a separator (C(D:\Shares\Data\), C(/srv/data/)) is a folder and
        selects every file at any depth under it, not the folder itself.
      - An entry with C(*) or C(?) is a pattern - C(*) is any run of characters and C(?) one
        character, neither crossing a separator; C([) is an ordinary character. C(**) is refused
        (end a folder with a separator instead). Any other entry is an exact path.
      - A path that starts with C(/) is a POSIX path - matched case-sensitively, separators C(/).
        Any other path is a Windows path - C(/) is read as C(\), repeated separators count as one,
        matching is case-insensitive. A selector of one form never matches a path of the other,
        except that Samba reports the unix path C(/srv/data/a.txt) as C(C:\srv\data\a.txt) and a
        POSIX entry matches that form too, case-sensitively (a Windows-form entry such as
        C(C:\srv\data\) matches it case-insensitively).
      - An entry must be absolute (C(X:\...), C(\\host\share\...), C(/...)) or name a pipe
        (C(\PIPE\name)), and may not hold a C(.) or C(..) component.
      - A whole volume (C(C:\), C(/), C(\\host\share\)) selects every open file, so the close
        module refuses it unless C(all=true) is set.
      - Named pipes (C(\PIPE\...)) are closed only when an entry names the pipe exactly; folders,
        patterns, O(share), O(username) and C(all) never close a pipe.
      - An empty entry, or one holding a control character, fails the task before anything is listed.
    type: list
    elements: str
  share:
    description:
      - Only open files under the local path of these shares (looked up on the server, which
        needs administrator rights there); each share acts as a folder entry of O(path).
        O(path) and O(share) entries are combined - a file matches when it matches any of them.
      - A share that does not exist, or that has no local path (C(IPC$), a printer), fails the task.
    type: list
    elements: str
  username:
    description:
      - Only open files held by these accounts (combined with O(path) and O(share) - both must match).
      - Matching is case-insensitive on the account part, so C(DOMAIN\user) and C(user@domain) match
        a file held by C(user). C(ANONYMOUS LOGON) selects files the server reports without a user.
      - An entry whose account part is empty, or holding a control character, fails the task.
    type: list
    elements: str
  exclude_path:
    description:
      - Never select open files at these paths (same forms and matching as O(path); a whole
        volume is allowed here).
    type: list
    elements: str
    default: []
  exclude_username:
    description:
      - Never select open files held by these accounts (same matching as O(username)).
    type: list
    elements: str
    default: []
  exclude_client:
    description:
      - Never select open files whose user has a session from one of these clients (an address,
        a host name, or a network in CIDR form, matched as the session modules match clients).
      - Servers do not report the client of an open file, so it is taken from the sessions of the
        file's user; a file whose user has no session (or no user) is kept too, because it might come from
        an excluded client.
    type: list
    elements: str
    default: []
notes:
  - The module's own connection to the server holds the C(\PIPE\srvsvc) pipe open; it is never
    listed, counted or closed.
'''

    # The close modules (smb_open_file, win_smb_open_file) add these.
    CLOSE = r'''
options:
  all:
    description:
      - Required to close open files when none of O(path), O(share) or O(username) is given (then
        every open file except named pipes is closed), and to give a whole volume in O(path). With
        selectors it changes nothing. The exclude options still apply.
    type: bool
    default: false
  state:
    description:
      - V(absent) closes the selected open files.
    type: str
    choices: [absent]
    default: absent
notes:
  - Each selected file is read again just before it is closed; a file that is gone by then is reported
    in RV(vanished_files), and one whose id now names another path or user (servers reuse ids) is kept
    with reason C(id_reused).
  - Closing a file ends that open handle; the user loses unsaved changes in it. Check mode and diff show
    exactly what would close.
  - When a close call fails the module stops and fails, and still returns what was closed, the failed
    call (RV(failed_call)) and the files not tried (RV(untried_files)).
'''
