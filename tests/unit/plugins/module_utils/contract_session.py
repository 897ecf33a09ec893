"""A session dict as the listing modules return it (the contract keys), for the policy and
report tests: every key a level does not report is None."""
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import LEVEL_FIELDS

CONTRACT_KEYS = ('client', 'username', 'num_opens', 'active_seconds', 'idle_seconds',
                 'user_flags', 'is_guest', 'cleartext_password', 'client_type', 'transport')


def session(client, username='alice', level=502, num_opens=1, idle=0, flags=0):
    """A contract session dict as the listing modules return it at ``level``."""
    full = {
        'client': client, 'username': username, 'num_opens': num_opens, 'active_seconds': 100,
        'idle_seconds': idle, 'user_flags': flags, 'is_guest': bool(flags & 1),
        'cleartext_password': bool(flags & 2), 'client_type': 'SMB 3.1.1', 'transport': 'tcp',
    }
    return {k: (full[k] if k in LEVEL_FIELDS[level] else None) for k in CONTRACT_KEYS}
