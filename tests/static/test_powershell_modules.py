"""Checks of the PowerShell modules that run without PowerShell: they parse, their `$spec`
matches the sidecar documentation, and they follow the ansible.windows module shape."""
import json
import pathlib
import re
import subprocess
import sys

import pytest
import yaml

from ps1_tree import read_spec, syntax_errors, unassigned_variables

ROOT = pathlib.Path(__file__).resolve().parents[2]
PS1_FILES = (sorted(ROOT.glob('plugins/**/*.ps1')) + sorted(ROOT.glob('tests/integration/targets/*/library/*.ps1'))
             + sorted(ROOT.glob('tests/integration/targets/*/files/*.ps1')))
MODULES = sorted(p.stem for p in ROOT.glob('plugins/modules/*.ps1'))
ANSIBLE_DOC = str(pathlib.Path(sys.executable).with_name('ansible-doc'))


def test_there_are_powershell_modules_to_check():
    assert MODULES == ['win_smb_open_file', 'win_smb_open_file_info', 'win_smb_session', 'win_smb_session_info']


@pytest.mark.parametrize('path', PS1_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_ps1_parses(path):
    assert syntax_errors(path.read_bytes()) == []


@pytest.mark.parametrize('path', PS1_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_variable_is_read_without_being_assigned(path):
    """Set-StrictMode 2.0 turns such a read (usually a typo) into a terminating error."""
    assert unassigned_variables(path.read_bytes()) == []


def test_unassigned_variable_check_catches_typos():
    sample = "$module = 1\nif ($modlue) { $x = $y }\nforeach ($i in @(1)) { $i }\n" \
             "function F { param ([string]$Name) $Name }\n$s = @\"\n`$literal\n\"@\n$obj.Prop = 1\n[int]$n = 2\n"
    assert unassigned_variables(sample) == [(2, '$modlue'), (2, '$y'), (8, '$obj')]


@pytest.mark.parametrize('broken', [
    "$spec = @{ options = @{ a = @{ type = 'str' }\n",
    "$x = @'\nunterminated here-string\n",
    "if ($true) { Write-Output 'x'\n",
    "$module.FailJson('unclosed string)\n",
])
def test_parse_check_catches_broken_powershell(broken):
    assert syntax_errors(broken)


_DOCS = {}


def _doc(module, env):
    """The module's documentation as ansible-doc merges it; every module this file asks about is
    read in one ansible-doc process (one per module cost ~2 s of start-up each)."""
    if not _DOCS:
        names = ['lanman.smb.%s' % m for m in MODULES + ['smb_session', 'smb_session_info']]
        proc = subprocess.run([ANSIBLE_DOC, '--json'] + names, env=env, check=False, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        _DOCS.update(json.loads(proc.stdout))
    return _DOCS['lanman.smb.%s' % module]


def compare_spec_with_doc(spec, doc):
    """Differences between a module's argument spec and its (fragment-merged) documentation."""
    problems = []
    documented = doc['doc'].get('options', {})
    options = spec.get('options', {})
    for name in sorted(set(options) | set(documented)):
        if name not in options:
            problems.append('%s: documented but not in $spec' % name)
            continue
        if name not in documented:
            problems.append('%s: in $spec but not documented' % name)
            continue
        s, d = options[name], documented[name]
        pairs = [
            ('type', s.get('type', 'str'), d.get('type', 'str')),
            ('elements', s.get('elements'), d.get('elements')),
            ('choices', s.get('choices'), d.get('choices')),
            ('default', s.get('default'), d.get('default')),
            ('required', bool(s.get('required')), bool(d.get('required'))),
            ('aliases', sorted(s.get('aliases') or []), sorted(d.get('aliases') or [])),
            ('no_log', bool(s.get('no_log')), bool(d.get('no_log', False))),
        ]
        for what, in_spec, in_doc in pairs:
            if in_spec != in_doc:
                problems.append('%s: %s is %r in $spec but %r in the docs' % (name, what, in_spec, in_doc))
    check_mode = doc['doc'].get('attributes', {}).get('check_mode', {}).get('support', 'none')
    if bool(spec.get('supports_check_mode')) != (check_mode != 'none'):
        problems.append('supports_check_mode %r but attributes.check_mode.support %r'
                        % (spec.get('supports_check_mode'), check_mode))
    for key in ('mutually_exclusive', 'required_one_of', 'required_together', 'required_if', 'required_by'):
        for group in spec.get(key) or []:
            for name in (group if key != 'required_if' else group[2]):
                if name not in options:
                    problems.append('%s names unknown option %s' % (key, name))
    return problems


@pytest.mark.parametrize('module', MODULES)
def test_spec_matches_sidecar_documentation(module, ansible_env):
    spec = read_spec((ROOT / 'plugins' / 'modules' / (module + '.ps1')).read_text())
    assert compare_spec_with_doc(spec, _doc(module, ansible_env)) == []


def test_spec_comparison_catches_drift(ansible_env):
    spec = read_spec((ROOT / 'plugins' / 'modules' / 'win_smb_session.ps1').read_text())
    doc = _doc('win_smb_session', ansible_env)
    spec['options']['all']['default'] = True
    spec['options']['state']['choices'] = ['absent', 'present']
    spec['options']['extra'] = {'type': 'str'}
    del spec['options']['client']
    spec['options']['username']['aliases'] = ['user']
    spec['supports_check_mode'] = False
    problems = '\n'.join(compare_spec_with_doc(spec, doc))
    for expected in ('all: default', 'state: choices', 'extra: in $spec', 'client: documented',
                     'username: aliases', 'supports_check_mode'):
        assert expected in problems


@pytest.mark.parametrize('module', MODULES)
def test_module_has_the_ansible_windows_shape(module):
    text = (ROOT / 'plugins' / 'modules' / (module + '.ps1')).read_text()
    lines = text.splitlines()
    assert lines[0] == '#!powershell'
    assert '#AnsibleRequires -CSharpUtil Ansible.Basic' in lines
    # the rules utils; ansible-core ships the wrapper with them (tests/static/test_csharp_util_deps.py)
    rules = ('OpenFileRules', 'OpenFileListAndClose') if '_open_file' in module else ('SessionNames', 'ShareSelector')
    for util in rules + ('LocalHostNames', 'ClientResolver', 'ListAndClose'):
        assert '#AnsibleRequires -CSharpUtil ansible_collections.lanman.smb.plugins.module_utils.' + util in lines
    create = text.index('[Ansible.Basic.AnsibleModule]::Create($args, $spec)')
    # validate-modules loads the spec without collection utils: none of our types before Create
    assert not re.search(r'\[Lanman|ansible_collections\.lanman', text[:create].split('#AnsibleRequires')[-1].split('\n', 1)[1])
    assert 'Write-Host' not in text
    assert '$module.ExitJson()' in text


@pytest.mark.parametrize('module, executor', [('win_smb_session', 'LanmanCloseExecutor'),
                                              ('win_smb_open_file', 'LanmanOpenFileCloser')])
def test_close_module_check_mode_reaches_the_executor(module, executor):
    text = (ROOT / 'plugins' / 'modules' / (module + '.ps1')).read_text()
    assert re.search(r'\[%s\]::Run\(\s*\$server, \$plan, \$module\.CheckMode\)' % executor, text)
    assert '::Close(' not in text  # closing only through the executor, which honours check mode


def test_examples_are_valid_yaml(ansible_env):
    for module in MODULES + ['smb_session', 'smb_session_info']:
        examples = yaml.safe_load(_doc(module, ansible_env)['examples'])
        assert isinstance(examples, list) and examples, module
        for task in examples:
            assert 'name' in task
