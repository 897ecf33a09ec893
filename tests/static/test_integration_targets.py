"""The Windows integration targets load the way `ansible-test windows-integration` loads them.

ansible-test writes a play `hosts: windows, gather_facts: false, roles: [<target>]` with
ANSIBLE_ROLES_PATH at tests/integration/targets and runs it: the target is a static role, so
every action it names (and every action of roles it pulls in statically: meta dependencies,
import_role, import_tasks) must resolve when the play is parsed. `ansible-playbook
--syntax-check` parses exactly that and fails on an unknown action; no Windows host is needed.

ansible.windows cannot be installed offline: tests/static/mock_collections holds stubs of the
few ansible.windows modules the targets call, ONLY so their names resolve (each stub throws if
run, and each name must be a real ansible.windows module, see REAL_ANSIBLE_WINDOWS_MODULES).
"""
import json
import re
import pathlib
import shutil
import subprocess
import sys

import pytest
import yaml

from ps1_tree import parse, read_spec

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGETS = ROOT / 'tests' / 'integration' / 'targets'
MOCK = pathlib.Path(__file__).resolve().parent / 'mock_collections'
MOCK_MODULES = MOCK / 'ansible_collections' / 'ansible' / 'windows' / 'plugins' / 'modules'
PLAYBOOK = str(pathlib.Path(sys.executable).with_name('ansible-playbook'))
ANSIBLE_DOC = str(pathlib.Path(sys.executable).with_name('ansible-doc'))

# plugins/modules/*.ps1 of ansible-collections/ansible.windows 3.7.0 (commit a1e2a842): a stub
# may only stand in for one of these, so a misspelt name cannot be "fixed" by adding a stub.
REAL_ANSIBLE_WINDOWS_MODULES = set("""
async_status dsc3 setup slurp win_acl win_acl_inheritance win_audit_policy_system win_audit_rule
win_auto_logon win_capability win_capability_info win_certificate_info win_certificate_store
win_command win_computer_description win_copy win_credential win_dhcp_lease win_dns_client
win_dns_record win_dns_zone win_dsc win_environment win_eventlog win_feature win_feature_info
win_file win_file_compression win_find win_firewall win_get_url win_group win_group_membership
win_hostname win_hosts win_hotfix win_http_proxy win_inet_proxy win_listen_ports_facts
win_mapped_drive win_optional_feature win_owner win_package win_path win_ping win_powershell
win_product_facts win_reg_stat win_regedit win_region win_route win_service win_service_info
win_share win_shell win_stat win_tempfile win_timezone win_updates win_uri win_user
win_user_profile win_user_right win_wait_for win_whoami
""".split())


def _aliases(target):
    path = target / 'aliases'
    return path.read_text().split() if path.exists() else []


WINDOWS_TARGETS = sorted(t.name for t in TARGETS.iterdir() if 'windows' in _aliases(t))


def syntax_check(target, targets_dir, ansible_env, tmp_path, collections=None):
    """ansible-playbook --syntax-check of the play ansible-test generates for a Windows target."""
    play = [{
        'hosts': 'windows',
        'gather_facts': False,
        'vars_files': [],
        'vars': {'output_dir': str(tmp_path / 'output'), 'win_output_dir': 'C:\\ansible_testing'},
        'roles': [target],
    }]
    playbook = tmp_path / ('%s-play.yml' % target)
    playbook.write_text(json.dumps(play, indent=4))
    inventory = tmp_path / 'inventory.winrm'
    inventory.write_text('[windows]\nwin ansible_host=192.0.2.1 ansible_connection=winrm\n')
    env = dict(ansible_env)
    env['ANSIBLE_ROLES_PATH'] = str(targets_dir)
    env['ANSIBLE_COLLECTIONS_PATH'] = collections or '%s:%s' % (ansible_env['ANSIBLE_COLLECTIONS_PATH'], MOCK)
    return subprocess.run([PLAYBOOK, '--syntax-check', '-i', str(inventory), str(playbook)],
                          env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=300, check=False)


def test_there_are_windows_targets():
    assert {'win_smb_session', 'win_smb_session_info', 'module_utils_ClosePlanning', 'module_utils_SessionNames',
            'win_smb_open_file', 'win_smb_open_file_info', 'module_utils_OpenFileRules'} <= set(WINDOWS_TARGETS)


@pytest.mark.parametrize('target', WINDOWS_TARGETS)
def test_target_loads_as_ansible_test_loads_it(target, ansible_env, tmp_path):
    proc = syntax_check(target, TARGETS, ansible_env, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _sample_targets(tmp_path, tasks, meta=None):
    """A copy of the real setup role next to one sample target."""
    targets = tmp_path / 'targets'
    shutil.copytree(str(TARGETS / 'setup_win_smb_sessions'), str(targets / 'setup_win_smb_sessions'))
    sample = targets / 'sample'
    (sample / 'tasks').mkdir(parents=True)
    (sample / 'tasks' / 'main.yml').write_text(yaml.safe_dump(tasks))
    (sample / 'aliases').write_text('windows\n')
    if meta is not None:
        (sample / 'meta').mkdir()
        (sample / 'meta' / 'main.yml').write_text(yaml.safe_dump(meta))
    return targets


def test_check_fails_on_an_unknown_action(ansible_env, tmp_path):
    targets = _sample_targets(tmp_path, [{'name': 'typo', 'lanman.smb.win_smb_sesion': {'all': True}}])
    proc = syntax_check('sample', targets, ansible_env, tmp_path)
    assert proc.returncode != 0
    assert "couldn't resolve module/action 'lanman.smb.win_smb_sesion'" in proc.stdout + proc.stderr


def test_check_fails_on_a_library_module_of_a_dynamically_included_role(ansible_env, tmp_path):
    """Issue 8 item 9a as it was: the setup role via include_role, its library module unknown."""
    tasks = [{'block': [
        {'name': 'setup', 'ansible.builtin.include_role': {'name': 'setup_win_smb_sessions'}},
        {'name': 'state', 'win_smb_session_state': None},
    ]}]
    proc = syntax_check('sample', _sample_targets(tmp_path, tasks), ansible_env, tmp_path)
    assert proc.returncode != 0
    assert "couldn't resolve module/action 'win_smb_session_state'" in proc.stdout + proc.stderr


def test_meta_dependency_makes_the_library_module_known(ansible_env, tmp_path):
    tasks = [{'name': 'state', 'win_smb_session_state': None}]
    targets = _sample_targets(tmp_path, tasks, meta={'dependencies': ['setup_win_smb_sessions']})
    proc = syntax_check('sample', targets, ansible_env, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_parses_the_statically_loaded_setup_role_too(ansible_env, tmp_path):
    """Without the ansible.windows stubs the setup role's win_user is unknown: proof that the
    meta dependency's tasks are parsed, not skipped."""
    tasks = [{'name': 'state', 'win_smb_session_state': None}]
    targets = _sample_targets(tmp_path, tasks, meta={'dependencies': ['setup_win_smb_sessions']})
    proc = syntax_check('sample', targets, ansible_env, tmp_path,
                        collections=ansible_env['ANSIBLE_COLLECTIONS_PATH'])
    assert proc.returncode != 0
    assert "couldn't resolve module/action 'ansible.windows." in proc.stdout + proc.stderr


def test_mock_collection_holds_only_named_stubs_of_real_modules():
    stubs = sorted(MOCK_MODULES.iterdir())
    assert stubs
    for stub in stubs:
        assert stub.suffix == '.ps1', stub
        assert stub.stem in REAL_ANSIBLE_WINDOWS_MODULES, stub
        text = stub.read_text()
        assert 'SYNTAX-RESOLUTION STUB' in text and "throw 'stub of ansible.windows." in text, stub


def _tasks(node):
    """Every task dict in a task file (into block/rescue/always)."""
    for item in node or []:
        if not isinstance(item, dict):
            continue
        if 'block' in item:
            for key in ('block', 'rescue', 'always'):
                yield from _tasks(item.get(key))
        else:
            yield item


def _task_files():
    for path in sorted(TARGETS.glob('*/tasks/*.yml')):
        yield path, list(_tasks(yaml.safe_load(path.read_text())))


@pytest.fixture(scope='module')
def module_options(ansible_env):
    """Option names (and required ones) of the modules the targets may call by name."""
    options = {}
    names = ['lanman.smb.win_smb_session', 'lanman.smb.win_smb_session_info', 'lanman.smb.win_smb_open_file',
             'lanman.smb.win_smb_open_file_info']
    proc = subprocess.run([ANSIBLE_DOC, '-t', 'module', '--json'] + names, env=ansible_env,
                          capture_output=True, text=True, check=True, timeout=300)
    for name, doc in json.loads(proc.stdout).items():
        opts = doc['doc'].get('options', {})
        options[name] = (set(opts), set(k for k, v in opts.items() if v.get('required')))
    for path in sorted(TARGETS.glob('*/library/*.ps1')):
        spec = read_spec(path.read_text())
        opts = spec.get('options', {})
        options[path.stem] = (set(opts), set(k for k, v in opts.items() if v.get('required')))
    return options


def _option_problems(options):
    problems = []
    for path, tasks in _task_files():
        for task in tasks:
            # A key that names a module (or a target's library module) is the task's action.
            for action in [k for k in task if k in options]:
                known, required = options[action]
                given = set((task[action] or {}).keys())
                for name in sorted(given - known):
                    problems.append('%s: %s has no option %s' % (path.relative_to(ROOT), action, name))
                for name in sorted(required - given):
                    problems.append('%s: %s needs %s' % (path.relative_to(ROOT), action, name))
    return problems


def test_targets_pass_only_options_the_modules_have(module_options):
    """--syntax-check does not read module arguments; a misspelt option fails only on the host."""
    assert _option_problems(module_options) == []
    used = set(a for path, tasks in _task_files() for t in tasks for a in t if a in module_options)
    assert {'lanman.smb.win_smb_session', 'lanman.smb.win_smb_session_info', 'win_smb_session_fixture',
            'win_smb_session_state', 'netsession_planner_tests', 'netsession_name_rule_tests',
            'lanman.smb.win_smb_open_file', 'lanman.smb.win_smb_open_file_info', 'win_smb_open_file_fixture',
            'win_smb_open_file_probe', 'open_file_rules_tests'} <= used


def test_option_check_catches_a_misspelt_option(module_options):
    known, required = module_options['lanman.smb.win_smb_session']
    broken = dict(module_options)
    broken['lanman.smb.win_smb_session'] = (known - {'exclude_client'}, required)
    assert any('has no option exclude_client' in p for p in _option_problems(broken))
    known, required = module_options['win_smb_session_fixture']
    broken['win_smb_session_fixture'] = (known, required | {'no_such_required'})
    assert any('win_smb_session_fixture needs no_such_required' in p for p in _option_problems(broken))


@pytest.mark.parametrize('target, table', [('module_utils_ClosePlanning', 'close_planning_cases.json'),
                                           ('module_utils_OpenFileRules', 'open_file_rules_cases.json')])
def test_planning_vectors_reach_the_windows_target(target, table):
    """ansible-test copies only tests/integration into its temp work dir; the vectors travel
    through a needs/file alias, at the path the target reads them from."""
    target = TARGETS / target
    assert 'needs/file/tests/fixtures/%s' % table in _aliases(target)
    tasks = (target / 'tasks' / 'main.yml').read_text()
    assert "role_path ~ '/../../../fixtures/%s'" % table in tasks
    assert (target / '..' / '..' / '..' / 'fixtures' / table).resolve().is_file()


# ---------------------------------------------------------------- the session fixture (issue 14 item 12)
# Read without PowerShell (tree-sitter): the holder must log on as the test user, and the fixture
# must read the holder's status file in a way that cannot meet $null.

SETUP = TARGETS / 'setup_win_smb_sessions'
HOLDER = SETUP / 'files' / 'lanman_smb_holder.ps1'
FIXTURE = SETUP / 'library' / 'win_smb_session_fixture.ps1'

# LogonUser's dwLogonType / dwLogonProvider values (winbase.h)
LOGON32_LOGON_NETWORK_CLEARTEXT, LOGON32_LOGON_NEW_CREDENTIALS = 8, 9
LOGON32_PROVIDER_DEFAULT = 0


def _nodes(node, kind):
    if node.type == kind:
        yield node
    for child in node.children:
        yield from _nodes(child, kind)


def _text(node):
    return node.text.decode('utf-8')


def holder_logon(source):
    """(logon type, provider) of the holder's LogonUserW call, its constants resolved in its C#."""
    here = [_text(n) for n in _nodes(parse(source).root_node, 'verbatim_here_string_characters')]
    csharp = ''.join(h for h in here if 'LogonUserW' in h)
    csharp = re.sub(r'//[^\n]*', '', csharp)
    consts = dict((name, int(value)) for name, value in re.findall(r'const\s+int\s+(\w+)\s*=\s*(\d+)\s*;', csharp))
    calls = re.findall(r'(?<!extern bool )LogonUserW\s*\(([^;{]*?)\)\s*\)', csharp)
    assert len(calls) == 1, 'one LogonUserW call expected, found %r' % calls
    args = [a.strip() for a in calls[0].split(',')]

    def value(arg):
        return int(arg) if arg.isdigit() else consts[arg]
    return value(args[3]), value(args[4])


def _function(tree, name):
    for fn in _nodes(tree.root_node, 'function_statement'):
        if any(_text(c) == name for c in fn.children if c.type == 'function_name'):
            return fn
    return None


def _inside(node, ancestor):
    return ancestor is not None and ancestor.start_byte <= node.start_byte and node.end_byte <= ancestor.end_byte


def status_read_problems(source):
    """Why the fixture's read of the holder's status could meet $null or a half-written file."""
    tree = parse(source)
    problems = []
    reader = _function(tree, 'Read-HolderStatus')
    if reader is None:
        return ['no function Read-HolderStatus']
    for name in _nodes(tree.root_node, 'command_name'):
        if _text(name).lower() == 'get-content':
            problems.append('Get-Content at line %d: $null for an empty file' % (name.start_point[0] + 1))
    for call in _nodes(tree.root_node, 'invokation_expression'):
        members = [_text(m) for m in call.children if m.type == 'member_name']
        if members == ['Trim'] and not _inside(call, reader):
            problems.append('.Trim() outside Read-HolderStatus at line %d' % (call.start_point[0] + 1))
    tries = list(_nodes(reader, 'try_statement'))
    reads = [c for t in tries for c in _nodes(t, 'invokation_expression') if _text(c).startswith('[System.IO.File]::ReadAllText(')]
    caught = set(_text(t) for t in _nodes(reader, 'catch_type_list'))
    if not reads:
        problems.append('Read-HolderStatus does not read with [System.IO.File]::ReadAllText inside a try')
    if '[System.IO.IOException]' not in caught:
        problems.append('Read-HolderStatus does not catch [System.IO.IOException] (missing or locked file)')
    callers = [n for n in _nodes(tree.root_node, 'command_name') if _text(n) == 'Read-HolderStatus']
    if not callers:
        problems.append('nothing calls Read-HolderStatus')
    return problems


FILE_HOLDER = TARGETS / 'setup_win_smb_open_files' / 'files' / 'lanman_smb_file_holder.ps1'
FILE_FIXTURE = TARGETS / 'setup_win_smb_open_files' / 'library' / 'win_smb_open_file_fixture.ps1'


@pytest.mark.parametrize('holder', [HOLDER, FILE_HOLDER], ids=lambda p: p.name)
def test_holder_logs_on_as_the_test_user(holder):
    """NETWORK_CLEARTEXT with the default provider: the logon's identity is the test user. The
    NEW_CREDENTIALS logon it replaces cloned the WinRM administrator's token, whom a loopback
    server would record instead."""
    assert holder_logon(holder.read_text()) == (LOGON32_LOGON_NETWORK_CLEARTEXT, LOGON32_PROVIDER_DEFAULT)


def test_logon_check_catches_new_credentials():
    text = HOLDER.read_text()
    broken = text.replace('Logon32LogonNetworkCleartext, Logon32ProviderDefault', 'Logon32LogonNewCredentials, 3')
    broken = broken.replace('private const int Logon32ProviderDefault = 0;',
                            'private const int Logon32ProviderDefault = 0;\n    private const int Logon32LogonNewCredentials = 9;')
    assert broken != text
    assert holder_logon(broken) == (LOGON32_LOGON_NEW_CREDENTIALS, 3)


def test_holder_writes_its_status_whole():
    """Written under a temporary name and renamed: the fixture never reads half a line."""
    writer = _function(parse(HOLDER.read_text()), 'Write-Status')
    calls = [_text(c) for c in _nodes(writer, 'invokation_expression')]
    assert any(c.startswith('[System.IO.File]::WriteAllText($partial') for c in calls), calls
    assert any(c.startswith('[System.IO.File]::Move($partial, $StatusPath)') for c in calls), calls


@pytest.mark.parametrize('fixture', [FIXTURE, FILE_FIXTURE], ids=lambda p: p.name)
def test_fixture_reads_the_holder_status_robustly(fixture):
    assert status_read_problems(fixture.read_text()) == []


def test_status_check_catches_the_racy_read():
    """The read as it was: Get-Content -Raw of an empty file is $null, and .Trim() on it fails."""
    text = FIXTURE.read_text()
    racy = ("    $status = if (Test-Path -LiteralPath $statusPath) { (Get-Content -LiteralPath $statusPath -Raw).Trim() } "
            "else { '' }\n")
    broken = text.replace('    $status = Read-HolderStatus -Path $statusPath\n', racy)
    assert broken != text
    problems = status_read_problems(broken)
    assert any('Get-Content' in p for p in problems) and any('.Trim() outside' in p for p in problems)
    assert any('nothing calls Read-HolderStatus' in p for p in problems)


def test_fixture_timeout_names_the_sessions_that_did_appear():
    """A timeout that lists only the missing user hides the likely cause (the server recorded
    another user): every failure of the wait names the sessions that appeared meanwhile."""
    tree = parse(FIXTURE.read_text())
    waits = [c for c in _nodes(tree.root_node, 'command') if _text(c).startswith('Stop-AndFail')]
    timeout = [w for w in waits if 'appeared within' in _text(w)]
    assert len(timeout) == 1 and 'Format-NewSession -Before $sessionsBefore' in _text(timeout[0])
    assert _function(tree, 'Format-NewSession') is not None
    assert '$sessionsBefore = ' in FIXTURE.read_text()
