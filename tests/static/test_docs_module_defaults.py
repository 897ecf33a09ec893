"""Issue 14 item 10: every module_defaults the docs and playbooks show must work as written.

A key set for ``group/lanman.smb.agentless`` reaches every module of the group (meta/runtime.yml),
and a module refuses an option it does not have: the guide's ``server`` broke smb_session_audit.
This reads every YAML block of the Markdown docs and every playbook, finds each module_defaults,
and checks each key against the argument specs of the modules it reaches.
"""
import pathlib
import re

import pytest
import yaml

from ansible_collections.lanman.smb.plugins.module_utils.agentless_module import (
    close_spec, info_spec, open_file_close_spec, open_file_info_spec,
)
from ansible_collections.lanman.smb.plugins.module_utils.fleet_audit import audit_spec

REPO = pathlib.Path(__file__).resolve().parents[2]
SPECS = {'smb_session_info': info_spec(), 'smb_session': close_spec(), 'smb_session_audit': audit_spec(),
         'smb_open_file_info': open_file_info_spec(), 'smb_open_file': open_file_close_spec()}


def yaml_documents():
    """(where, parsed YAML) for each ```yaml block of the Markdown docs and each playbook."""
    for path in sorted([REPO / 'README.md'] + list((REPO / 'docs').rglob('*.md'))):
        for number, block in enumerate(re.findall(r'```ya?ml\n(.*?)```', path.read_text(), re.S)):
            yield '%s block %d' % (path.relative_to(REPO), number + 1), yaml.safe_load(block)
    for path in sorted((REPO / 'playbooks').rglob('*.yml')):
        yield str(path.relative_to(REPO)), yaml.safe_load(path.read_text())


def module_defaults_in(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'module_defaults' and isinstance(value, dict):
                yield value
            else:
                yield from module_defaults_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from module_defaults_in(item)


def modules_reached(action):
    groups = yaml.safe_load((REPO / 'meta' / 'runtime.yml').read_text())['action_groups']
    if action.startswith('group/lanman.smb.'):
        return groups[action[len('group/lanman.smb.'):]]
    if action.startswith('lanman.smb.'):
        return [action[len('lanman.smb.'):]]
    return []   # another collection's module: not ours to check


def accepted(spec):
    names = set(spec)
    for option in spec.values():
        names.update(option.get('aliases', []))
    return names


DEFAULTS = [(where, action, keys) for where, document in yaml_documents()
            for defaults in module_defaults_in(document) for action, keys in defaults.items()]


def test_the_docs_show_module_defaults_at_all():
    assert any(action == 'group/lanman.smb.agentless' for dummy, action, dummy2 in DEFAULTS)


@pytest.mark.parametrize('where, action, keys', DEFAULTS, ids=['%s: %s' % (w, a) for w, a, k in DEFAULTS])
def test_every_module_default_is_an_option_of_every_module_it_reaches(where, action, keys):
    for module in modules_reached(action):
        assert module in SPECS, '%s: cannot check module_defaults for %s (add its spec here)' % (where, module)
        refused = sorted(set(keys or {}) - accepted(SPECS[module]))
        assert not refused, '%s: %s sets %s, which %s refuses' % (where, action, ', '.join(refused), module)
