# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of a fleet compliance run, made before any server is contacted
(action lanman.smb.session_compliance_plan; docs/compliance.md).

- the policy, inline or from a YAML file, checked completely;
- the paths the run writes and reads, resolved against the working directory of the job (as
  ``-i`` and ``-e @file`` are), never against the role or the playbook;
- the servers: each inventory host the pattern matches is agentless, Windows or of no known
  kind, plus the listed servers; nothing to audit is an error, never a green run.

Every problem is a PlanError whose ``outcome`` (bad-policy or bad-input) begins the message,
so a CI job can tell a broken policy from a broken inventory without parsing JSON.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.lanman.smb.plugins.module_utils.compliance_change import PreviousReportError, load_previous
from ansible_collections.lanman.smb.plugins.module_utils.compliance_run import UNKNOWN_KIND
from ansible_collections.lanman.smb.plugins.module_utils.fleet_audit import AuditInputError, parse_servers
from ansible_collections.lanman.smb.plugins.module_utils.policy_loading import load_policy
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import PolicyError

# The options of session_compliance_plan (its doc module and its action share them).
PLAN_SPEC = dict(
    policy=dict(type='dict'),
    policy_file=dict(type='str'),
    hosts=dict(type='str', default='all'),
    agentless_group=dict(type='str', default='smb_agentless'),
    servers=dict(type='list', elements='raw', default=[]),
    port=dict(type='int', default=445),
    report_dir=dict(type='str', required=True),
    previous_report=dict(type='str'),
)
# The host variables the plan reads for each inventory host of the pattern.
HOST_VARS = ('smb_agentless', 'smb_server', 'smb_port', 'ansible_host', 'ansible_connection')
WINDOWS_CONNECTIONS = ('winrm', 'psrp')
_TRUE = ('true', 'yes', 'on', '1')
_FALSE = ('false', 'no', 'off', '0', '')


class PlanError(ValueError):
    """A run that cannot start; ``outcome`` is 'bad-policy' or 'bad-input'."""

    def __init__(self, outcome, message):
        super(PlanError, self).__init__('SMB session compliance [%s]: %s' % (outcome, message))
        self.outcome = outcome


def resolve_path(path, cwd):
    """``path`` made absolute against ``cwd`` (``~`` expanded); None for an empty path."""
    if not path:
        return None
    path = os.path.expanduser(str(path))
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))


# ---------------------------------------------------------------- policy

def policy_from_file_data(path, data):
    """The policy mapping read from ``path``, or a PlanError naming the file and the problem."""
    if data is None:
        raise PlanError('bad-policy', 'the policy file %s is empty; write the policy as YAML keys, e.g. '
                                      "forbidden_users: ['']" % path)
    if isinstance(data, list):
        raise PlanError('bad-policy', 'the policy file %s holds a list; a policy is a mapping of keys to values '
                                      '(forbidden_users: [...], max_idle_seconds: 3600, ...), not a list' % path)
    if not isinstance(data, dict):
        raise PlanError('bad-policy', 'the policy file %s holds a %s (%r); a policy is a mapping of keys to values'
                        % (path, type(data).__name__, data))
    return data


def load_policy_input(policy, policy_file, cwd, read_yaml):
    """(Policy, where it came from). ``read_yaml(path)`` returns the file's data or raises (any
    error: a YAML, vault or OS error); a vaulted file is read by the caller's loader."""
    if policy is not None:
        source, data = 'session_compliance_policy', policy
    elif policy_file:
        source = resolve_path(policy_file, cwd)
        if not os.path.isfile(source):
            raise PlanError('bad-policy', 'the policy file %s (session_compliance_policy_file=%s, relative to the '
                                          'working directory %s) does not exist' % (source, policy_file, cwd))
        try:
            data = read_yaml(source)
        except Exception as e:  # the reader's own errors (YAML, vault, OS) all mean the same here
            raise PlanError('bad-policy', 'the policy file %s cannot be read as YAML: %s' % (source, e))
        data = policy_from_file_data(source, data)
    else:
        raise PlanError('bad-input', 'set session_compliance_policy (a mapping) or session_compliance_policy_file '
                                     '(a YAML file, relative to the working directory)')
    try:
        return load_policy(data), source
    except PolicyError as e:
        raise PlanError('bad-policy', 'the policy (%s) is invalid: %s' % (source, e))


# ---------------------------------------------------------------- servers

def _flag(name, value):
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise PlanError('bad-input', 'inventory host %s has smb_agentless=%r; use true or false' % (name, value))


def classify_host(name, host_vars, in_agentless_group):
    """'agentless', 'windows' or 'unknown' for one inventory host (``host_vars`` holds HOST_VARS)."""
    if in_agentless_group or _flag(name, host_vars.get('smb_agentless')):
        return 'agentless'
    connection = str(host_vars.get('ansible_connection') or '').rsplit('.', 1)[-1]
    return 'windows' if connection in WINDOWS_CONNECTIONS else 'unknown'


def plan_servers(hosts, servers, default_port, pattern='all'):
    """The servers of the run: ``hosts`` is [(name, host_vars, in_agentless_group)] for the inventory
    hosts of the pattern, ``servers`` the session_compliance_servers entries."""
    servers = list(servers or [])
    if not hosts and not servers:
        raise PlanError('bad-input', "nothing to audit: the host pattern '%s' matched no inventory host and "
                                     'session_compliance_servers is empty; check the inventory (-i), the pattern '
                                     '(session_compliance_hosts) and --limit' % pattern)
    entries, labels, windows, not_audited = [], [], [], []
    for name, host_vars, in_group in hosts:
        kind = classify_host(name, host_vars, in_group)
        if kind == 'agentless':
            server = host_vars.get('smb_server') or host_vars.get('ansible_host') or name
            var = 'smb_server' if host_vars.get('smb_server') else 'ansible_host' if host_vars.get('ansible_host') else None
            entries.append({'name': name, 'server': str(server),
                            'port': host_vars.get('smb_port') if host_vars.get('smb_port') not in (None, '') else
                            default_port})
            labels.append('inventory host %s%s' % (name, ' (%s)' % var if var else ''))
        elif kind == 'windows':
            windows.append(name)
        else:
            not_audited.append({'name': name, 'error': UNKNOWN_KIND})
    for index, entry in enumerate(servers):
        entries.append(entry)
        labels.append('session_compliance_servers[%d]' % index)
    agentless = []
    if entries:
        try:
            targets = parse_servers(entries, default_port, labels=labels)
        except AuditInputError as e:
            raise PlanError('bad-input', str(e))
        agentless = [{'name': t.name, 'server': t.server, 'port': t.port} for t in targets]
    taken = set(t['name'].lower() for t in agentless)
    for name in windows + [h['name'] for h in not_audited]:
        if name.lower() in taken:
            raise PlanError('bad-input', "inventory host %s has the name of an agentless server in "
                                         "session_compliance_servers; give that entry another name" % name)
    return {'agentless': agentless, 'windows': windows, 'not_audited': not_audited}


# ---------------------------------------------------------------- report paths

def report_paths(report_dir, previous_report, cwd):
    """(report_dir, previous report path, its data or None, warnings). The path is the one given
    (relative to ``cwd``) or the report.json in the report directory, whether or not it exists
    yet: the report module reads it, when there is one, before writing the new reports."""
    warnings = []
    directory = resolve_path(report_dir, cwd)
    if not directory:
        raise PlanError('bad-input', 'session_compliance_report_dir is empty; give the directory for the reports')
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise PlanError('bad-input', 'session_compliance_report_dir %s is a file, not a directory' % directory)
    if previous_report:
        previous = resolve_path(previous_report, cwd)
        if not os.path.exists(previous):
            warnings.append('no previous report at %s: every finding of this run is new' % previous)
    else:
        previous = os.path.join(directory, 'report.json')
    try:
        data = load_previous(previous)
    except PreviousReportError as e:
        raise PlanError('bad-input', str(e))
    return directory, previous, data, warnings
