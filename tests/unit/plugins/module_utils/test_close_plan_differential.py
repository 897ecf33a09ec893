"""plan_close against a straightforward reference planner over seeded random session sets.

plan_close precomputes client and selector keys and counts unselected sessions per group, so
that it is linear in the sessions (issue 16). The reference below is the planner as it was
before that: each selected session checked against every other session of its group with
clients_match. Both must return the same calls (with the same session objects, in order) and
the same skipped sessions with the same reasons, or fail with the same error.
"""
import collections
import random

import pytest

from ansible_collections.lanman.smb.plugins.module_utils import close_planning, session_names
from ansible_collections.lanman.smb.plugins.module_utils.close_planning import (
    ClosePlan, CloseSelection, CloseTarget, NO_SELECTOR_MESSAGE, SKIP_REASONS, CloseSelectionError, SkippedSession,
    plan_close,
)
from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    SessionInfo, account_part, clients_match, has_client_name, is_machine_account, is_null_session, usernames_match,
    validate_client_selectors,
)

from random_close_cases import one_pair_case, random_case


# ---------------------------------------------------------------- the reference (quadratic) planner

def _zoneless_key(name):
    key = session_names._client_key(name)
    return None if key is None else key.partition('%')[0]


def _any_client(session, names):
    return any(clients_match(session.client, n) for n in names)


def _any_user(session, names):
    return any(usernames_match(session.username, n) for n in names)


def _matches_selectors(session, clients, usernames):
    if clients and not any(clients_match(session.client, c) for c in clients):
        return False
    if usernames and not any(usernames_match(session.username, u) for u in usernames):
        return False
    return True


def _individual_reason(session, sel):
    if not has_client_name(session.client) and is_null_session(session.username):
        return 'no_client_name'
    if _any_client(session, sel.own_client) and (
            not sel.own_username or usernames_match(session.username, sel.own_username)):
        return 'own_session'
    if _any_client(session, sel.exclude_client):
        return 'excluded_client'
    if _any_user(session, sel.exclude_username):
        return 'excluded_username'
    if is_machine_account(session.username) and not _any_user(session, sel.username):
        return 'machine_account'
    if sel.min_idle_seconds is not None:
        if session.idle_seconds is None:
            return 'idle_unknown'
        if session.idle_seconds < sel.min_idle_seconds:
            return 'idle_below_threshold'
    return None


def _user_key(session):
    return account_part(session.username).lower()


def _group(sessions, key):
    groups = {}
    for session in sessions:
        groups.setdefault(key(session), []).append(session)
    return groups


def _all_selected(sessions, selected_ids):
    return all(id(s) in selected_ids for s in sessions)


def reference_plan(sessions, sel):
    if not sel.client and not sel.username and not sel.all:
        raise CloseSelectionError('no_selector', NO_SELECTOR_MESSAGE)
    try:
        validate_client_selectors('client', sel.client)
        validate_client_selectors('exclude_client', sel.exclude_client)
    except ValueError as e:
        raise CloseSelectionError('bad_client_selector', str(e))
    reasons, selected = {}, []
    for session in sessions:
        if not _matches_selectors(session, sel.client, sel.username):
            continue
        reason = _individual_reason(session, sel)
        if reason:
            reasons[id(session)] = reason
        else:
            selected.append(session)

    def still_selected():
        kept = [s for s in selected if id(s) not in reasons]
        return kept, set(id(s) for s in kept)

    named = [s for s in sessions if has_client_name(s.client)]
    selected_ids = set(id(s) for s in selected)
    by_pair = _group([s for s in named if not is_null_session(s.username)],
                     lambda s: (_zoneless_key(s.client), _user_key(s)))
    for session in selected:
        if is_null_session(session.username) or not has_client_name(session.client):
            continue
        siblings = [o for o in by_pair[(_zoneless_key(session.client), _user_key(session))]
                    if clients_match(o.client, session.client)]
        if not _all_selected(siblings, selected_ids):
            reasons[id(session)] = 'pair_has_unselected_session'
    selected, selected_ids = still_selected()

    by_user = _group([s for s in sessions if not is_null_session(s.username)], _user_key)
    user_wide = set()
    for session in selected:
        if has_client_name(session.client):
            continue
        if _all_selected(by_user[_user_key(session)], selected_ids):
            user_wide.add(_user_key(session))
        else:
            reasons[id(session)] = 'no_client_name'
    selected, selected_ids = still_selected()

    by_client = _group(named, lambda s: _zoneless_key(s.client))
    client_wide = set()
    for session in selected:
        if not is_null_session(session.username):
            continue
        if _any_client(session, sel.own_client):
            reasons[id(session)] = 'own_client'
        elif _all_selected([o for o in by_client[_zoneless_key(session.client)]
                            if clients_match(o.client, session.client)], selected_ids):
            client_wide.add(session_names._client_key(session.client))
        else:
            reasons[id(session)] = 'null_session_shares_client'
    selected, selected_ids = still_selected()

    targets, target_by_key = [], {}

    def in_user_wide(session):
        return not is_null_session(session.username) and _user_key(session) in user_wide

    ordered = [s for s in selected if in_user_wide(s)] + [s for s in selected if not in_user_wide(s)]
    for session in ordered:
        client_key, user_key = session.pair_key()
        if in_user_wide(session):
            key, target = (None, user_key), CloseTarget(None, None, session.username, [])
        elif client_key in client_wide:
            key, target = (client_key, None), CloseTarget(session.client, session.raw_client, None, [])
        else:
            key, target = (client_key, user_key), CloseTarget(session.client, session.raw_client, session.username, [])
        if key in target_by_key:
            target = target_by_key[key]
        else:
            target_by_key[key] = target
            targets.append(target)
        target.sessions.append(session)
    return ClosePlan(targets, [SkippedSession(s, reasons[id(s)]) for s in sessions if id(s) in reasons])


# ---------------------------------------------------------------- comparing

def _sessions(case):
    sessions = [SessionInfo(raw_client=e['client'], username=e['username'], idle_seconds=e['idle_seconds'])
                for e in case['sessions']]
    for source, position in case['same_object']:
        sessions[position] = sessions[source]   # the same object twice in the listing
    return sessions


def outcome(planner, sessions, selection):
    """What a planner decided, by session identity: its calls and skips, or its error."""
    try:
        plan = planner(sessions, selection)
    except CloseSelectionError as e:
        return ('SelectionError', e.code, str(e))
    except ValueError as e:
        return ('ValueError', str(e))
    return ('plan',
            [(t.client, t.raw_client, t.username, [id(s) for s in t.sessions]) for t in plan.targets],
            [(id(k.session), k.reason) for k in plan.skipped])


def _cases():
    rng = random.Random(16007)
    cases = [random_case(rng, 'random %d' % i, hostile=True) for i in range(3000)]
    cases += [one_pair_case(rng, 'one pair %d' % i, rng.choice([30, 60, 120])) for i in range(8)]
    return cases


@pytest.fixture(scope='module')
def compared():
    """Each case with the reference's outcome and plan_close's, on the same session objects."""
    results = []
    for case in _cases():
        sessions = _sessions(case)
        selection = CloseSelection(**case['selection'])
        results.append((case, outcome(reference_plan, sessions, selection), outcome(plan_close, sessions, selection)))
    return results


def test_plan_close_decides_exactly_as_the_reference_on_random_sessions(compared):
    mismatches = [(case, expected, got) for case, expected, got in compared if got != expected]
    assert not mismatches, '%d of %d cases differ; the first: %r' % (len(mismatches), len(compared), mismatches[0])


def test_the_random_cases_reach_every_rule(compared):
    """A generator that never reached a rule would compare nothing there: every skip reason,
    every kind of call and every error occurs among the cases."""
    seen = collections.Counter()
    for case, result, dummy in compared:
        if result[0] != 'plan':
            seen[result[:2] if result[0] == 'SelectionError' else result[0]] += 1
            continue
        for client, raw_client, username, ended in result[1]:
            seen['user-wide call' if client is None else 'client-wide call' if username is None else 'pair call'] += 1
            seen['call ending 5+ sessions'] += len(ended) >= 5
        for dummy, reason in result[2]:
            seen[reason] += 1
        seen['same object twice'] += bool(case['same_object'])
    wanted = list(SKIP_REASONS) + ['user-wide call', 'client-wide call', 'pair call', 'call ending 5+ sessions',
                                   'same object twice', ('SelectionError', 'no_selector'),
                                   ('SelectionError', 'bad_client_selector'), 'ValueError']
    assert not [w for w in wanted if not seen[w]], seen
    # rare branches still reached often enough to mean something
    assert min(seen[r] for r in SKIP_REASONS) >= 10, seen


def _normalisations_per_session(monkeypatch, planner, spellings, count):
    """Client-name normalisations (the costly step) per session of planning one pair."""
    sessions = [SessionInfo(spellings[i % len(spellings)], 'bob', idle_seconds=100) for i in range(count)]
    calls = []
    real = session_names.normalise_client

    def counting(name):
        calls.append(name)
        return real(name)
    # the planner normalises through both files' name (close_planning imports it from session_names)
    rules = (session_names, close_planning)
    for module in rules:
        monkeypatch.setattr(module, 'normalise_client', counting)
    try:
        plan = planner(sessions, CloseSelection(username=['bob'], own_client=['10.9.9.9', 'fd00::9', '10.0.0.0/30']))
    finally:
        for module in rules:
            monkeypatch.setattr(module, 'normalise_client', real)
    assert len(plan.sessions_to_close) == count
    return len(calls) / count


@pytest.mark.parametrize('spellings', [['\\\\10.0.0.5'], ['fe80::1', 'fe80::1%3', '\\\\[FE80::1%3]'],
                                       ['FILESRV1', 'filesrv1.']])
def test_work_per_session_does_not_grow_with_the_pair(monkeypatch, spellings):
    """One pair of 100 sessions and one of 400: plan_close normalises about as many client
    names per session in both (the reference's count per session grows with the pair)."""
    small = _normalisations_per_session(monkeypatch, plan_close, spellings, 100)
    large = _normalisations_per_session(monkeypatch, plan_close, spellings, 400)
    assert large <= small * 1.1 + 1, (small, large)


def test_the_work_count_tells_a_quadratic_planner(monkeypatch):
    spellings = ['fe80::1', 'fe80::1%3']
    small = _normalisations_per_session(monkeypatch, reference_plan, spellings, 40)
    large = _normalisations_per_session(monkeypatch, reference_plan, spellings, 160)
    assert large > 3 * small, (small, large)
