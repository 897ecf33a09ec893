"""Seeded random close-planning cases, in the shape of tests/fixtures/close_planning_cases.json.

Each case draws a few spellings of a few clients and a few users, so that sessions collide in
pairs, share clients with null sessions, lack client names, come from the module's own address
or are duplicates; its selection mixes those spellings with CIDR networks. Used by the Python
differential test (new planner against the quadratic reference) and by the C# one (ClosePlanner
against the Python planner). ``cidr_clients`` adds client names in CIDR form (a server's oddity:
the pair check reads them as networks); ``hostile`` adds those and what only the Python test
compares: malformed ones (the planner fails on them) and a malformed own_client entry.
"""

# Spellings of one client are grouped: a case takes a few groups, then a few spellings of each.
CLIENT_GROUPS = [
    ['10.0.0.5', '\\\\10.0.0.5', ' \\\\10.0.0.5 ', '::ffff:10.0.0.5', '\\\\[::ffff:10.0.0.5]'],
    ['10.0.0.6', '\\\\10.0.0.6'],
    ['10.1.2.3', '\\\\10.1.2.3'],
    ['192.168.1.10', '\\\\192.168.1.10'],
    ['fe80::1', 'fe80::1%3', 'fe80::1%4', '\\\\[FE80:0:0:0:0:0:0:1%3]', 'FE80::1', 'fe80::0:1%3', '[fe80::1]'],
    ['fd00::5', 'fd00::5%2', '\\\\[fd00::5]', 'FD00:0::5'],
    ['FILESRV1', 'filesrv1', 'filesrv1.', '\\\\FILESRV1'],
    ['filesrv1.corp.example', 'FILESRV1.CORP.EXAMPLE.', 'host%3', 'HOST%3', 'host'],
    [None, '', '\\\\', '  '],
    ['...', '.', '10.0.0.5.'],
]
CIDR_FORM_CLIENTS = ['10.0.0.0/8', '10.0.0.5/32', 'fe80::/10']
MALFORMED_CLIENTS = ['a/b', '10.0.0.5/40']

USER_GROUPS = [
    ['bob', 'BOB', 'CORP\\bob', 'bob@corp.example', ' bob '],
    ['alice', 'CORP\\Alice'],
    ['HOST1$', 'host1$', 'CORP\\HOST1$'],
    ['', None, 'ANONYMOUS LOGON', 'NT AUTHORITY\\ANONYMOUS LOGON', 'anonymous logon'],
    ['carol'],
]

NETWORKS = ['10.0.0.0/8', '10.0.0.5/32', '10.0.0.0/30', 'fe80::/10', 'fd00::/8', '::ffff:10.0.0.0/104',
            '192.168.0.0/16', '[fd00::]/8', '0.0.0.0/0']
MALFORMED_NETWORKS = ['10.0.0.0/33', 'fe80::1%3/64', 'filesrv1/24']
USER_SELECTORS_EXTRA = ['ANONYMOUS LOGON', '', '  ', 'nobody', 'HOST1$']
IDLE = [None, 0, 5, 100, 4000]


def _some(rng, values, low, high):
    return [rng.choice(values) for dummy in range(rng.randint(low, high))]


# One IPv6 client in many spellings: zoned and zoneless spellings are one client only pairwise
# (fe80::1 is fe80::1%3 and fe80::1%4, which are not each other), where counting goes wrong first.
ZONE_SPELLINGS = ['fe80::1', 'fe80::1%3', 'fe80::1%4', '\\\\[FE80::1%3]', 'FE80::1', 'fe80::0:1%4', 'fe80::1%3.']


def random_case(rng, name, hostile=False, cidr_clients=False, max_sessions=24):
    """One case: {'name', 'sessions', 'selection', 'same_object'}; ``same_object`` lists
    (i, j) pairs where the Python test puts session i's object again at position j. About a
    third of the cases mix the spellings of one IPv6 client and little else."""
    clients = []
    zones = rng.random() < 0.35
    if zones:
        clients.extend(rng.sample(ZONE_SPELLINGS, rng.randint(2, 5)))
        if rng.random() < 0.5:
            clients.append(rng.choice(CLIENT_GROUPS[8]))   # and a session without a client name
    else:
        for group in rng.sample(CLIENT_GROUPS, rng.randint(1, 4)):
            clients.extend(rng.sample(group, rng.randint(1, min(3, len(group)))))
    if (hostile or cidr_clients) and rng.random() < 0.3:
        clients.append(rng.choice(CIDR_FORM_CLIENTS + (MALFORMED_CLIENTS if hostile else [])))
    users = []
    if zones:   # a null session and one or two named users: pairs, client-wide closes, no-name closes
        users = [rng.choice(USER_GROUPS[3]), rng.choice(USER_GROUPS[0])] + rng.sample(['alice', 'HOST1$'], rng.randint(0, 1))
    else:
        for group in rng.sample(USER_GROUPS, rng.randint(1, 3)):
            users.extend(rng.sample(group, rng.randint(1, min(3, len(group)))))
    sessions = []
    for dummy in range(rng.randint(0, max_sessions)):
        if sessions and rng.random() < 0.15:
            sessions.append(dict(rng.choice(sessions)))     # a duplicate (another object)
        else:
            sessions.append({'client': rng.choice(clients), 'username': rng.choice(users),
                             'idle_seconds': rng.choice(IDLE)})
    client_pool = clients + NETWORKS
    if rng.random() < 0.03:
        client_pool = client_pool + MALFORMED_NETWORKS
    client_pool = [c for c in client_pool if c is not None]
    user_pool = [u for u in users if u is not None] + USER_SELECTORS_EXTRA
    own_pool = [c for c in clients if c is not None] + ['10.0.0.5', 'fe80::1', '127.0.0.1', '10.0.0.0/30']
    if hostile and rng.random() < 0.05:
        own_pool.append('a/b')
    selection = {
        'client': _some(rng, client_pool, 0, 2) if rng.random() < 0.6 else [],
        'username': _some(rng, user_pool, 0, 2) if rng.random() < 0.6 else [],
        'min_idle_seconds': rng.choice([None, None, 0, 10, 1000]),
        'exclude_client': _some(rng, client_pool, 0, 2) if rng.random() < 0.3 else [],
        'exclude_username': _some(rng, user_pool, 0, 2) if rng.random() < 0.3 else [],
        'all': rng.random() < (0.7 if zones else 0.4),
        'own_client': _some(rng, own_pool, 0, 3) if rng.random() < 0.5 else [],
        'own_username': rng.choice([None, None, '', 'bob', 'CORP\\alice', 'ANONYMOUS LOGON']),
    }
    same_object = []
    if len(sessions) > 1 and rng.random() < 0.1:
        same_object.append((rng.randrange(len(sessions)), rng.randrange(len(sessions))))
    return {'name': name, 'sessions': sessions, 'selection': selection, 'same_object': same_object}


def one_pair_case(rng, name, count):
    """A large case: ``count`` sessions of one (client, user) pair in several spellings, a few
    unselected or excluded, plus some null sessions of the same client."""
    spellings = rng.choice([CLIENT_GROUPS[0], CLIENT_GROUPS[4], CLIENT_GROUPS[6]])
    sessions = [{'client': rng.choice(spellings), 'username': rng.choice(USER_GROUPS[0] + ['']),
                 'idle_seconds': rng.choice([100, 4000, 4000, 4000, None])} for dummy in range(count)]
    selection = {'client': [], 'username': [], 'min_idle_seconds': rng.choice([None, 10, 1000]),
                 'exclude_client': [], 'exclude_username': [], 'all': True, 'own_client': [],
                 'own_username': None}
    return {'name': name, 'sessions': sessions, 'selection': selection, 'same_object': []}
