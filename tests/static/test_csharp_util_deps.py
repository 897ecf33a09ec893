"""The C# utils are split along their seam (NetSession.cs: the Win32 wrapper; SessionNames.cs,
LocalHostNames.cs, ClientResolver.cs, ShareSelector.cs, ClosePlanning.cs and ListAndClose.cs: the
session rules over it, one concern each). These checks hold the split to what ansible-core really does:

- a C# util requires another by a `using ansible_collections.<ns>.<coll>.plugins.module_utils.<Name>;`
  line (ansible-core's PSModuleDepFinder, executor/powershell/module_manifest.py, reads exactly
  those lines in a .cs; a comment or an alias is not read);
- a .ps1 requires a util by `#AnsibleRequires -CSharpUtil ...`, and every C# util the finder
  collects is compiled together by one Add-CSharpType call (exec_wrapper.ps1, Import-CSharpUtil),
  which then registers each `//TypeAccelerator` by the type's simple name.

So: what ansible-core ships for each util and each .ps1 must compile on its own, every type a
.ps1 names is a TypeAccelerator of a util it requires, and a .ps1 names no full type name.
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
UTILS_DIR = ROOT / 'plugins' / 'module_utils'
UTILS = sorted(UTILS_DIR.glob('*.cs'))
PREFIX = 'ansible_collections.lanman.smb.plugins.module_utils.'
PS1_FILES = sorted(ROOT.glob('plugins/modules/*.ps1')) + sorted(
    ROOT.glob('tests/integration/targets/module_utils_*/library/*.ps1'))
MCS = ['mcs', '-langversion:5', '-sdk:4.5-api', '-warnaserror+', '-nologo', '-target:library']
ACCELERATOR = re.compile(r'//\s*TypeAccelerator\s+-Name\s+(?P<name>[\w.]*)\s+-TypeName\s+(?P<type>[\w.]*)')

# Runs ansible-core's own dependency finder on one file (in a subprocess: it installs the
# collection loader). Prints the collection C# utils it would ship, as file names.
FINDER = textwrap.dedent('''
    import json, sys
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
    _AnsibleCollectionFinder(paths=[sys.argv[1]])._install()
    from ansible.executor.powershell.module_manifest import PSModuleDepFinder
    data = open(sys.argv[2], 'rb').read()
    deps = PSModuleDepFinder().scan_module(data, fqn=sys.argv[3], powershell=sys.argv[4] == 'ps1')
    prefix = 'ansible_collections.lanman.smb.plugins.module_utils.'
    print(json.dumps(sorted(d[len(prefix):] for d in deps if d.startswith(prefix) and d.endswith('.cs'))))
''')


def shipped_utils(collections_path, path, powershell):
    """The collection .cs files ansible-core would send along with this file."""
    fqn = 'ansible_collections.lanman.smb.plugins.%s.%s' % ('modules' if powershell else 'module_utils', path.stem)
    proc = subprocess.run([sys.executable, '-c', FINDER, str(collections_path), str(path), fqn,
                           'ps1' if powershell else 'cs'], check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def compile_problems(files, tmp_path):
    if not shutil.which('mcs'):
        pytest.fail('mcs missing: run scripts/setup.sh')
    proc = subprocess.run(MCS + ['-out:%s' % (tmp_path / 'out.dll')] + [str(f) for f in files],
                          check=False, capture_output=True, text=True, timeout=300)
    return '' if proc.returncode == 0 else proc.stdout + proc.stderr


def accelerators(files):
    found = {}
    for f in files:
        for m in ACCELERATOR.finditer(f.read_text(encoding='utf-8')):
            found[m.group('name')] = (f.name, m.group('type'))
    return found


RULES = ['ClientResolver.cs', 'ClosePlanning.cs', 'ListAndClose.cs', 'LocalHostNames.cs', 'SessionNames.cs',
         'ShareSelector.cs']
FILE_RULES = ['OpenFileListAndClose.cs', 'OpenFileRules.cs']


def test_the_utils_are_the_wrapper_and_the_rules():
    assert [p.name for p in UTILS] == sorted(RULES + FILE_RULES + ['NetSession.cs', 'NetConnection.cs', 'NetFile.cs'])


@pytest.mark.parametrize('util', UTILS, ids=lambda p: p.name)
def test_each_util_compiles_with_exactly_what_ansible_core_ships_with_it(util, collections_path, tmp_path):
    shipped = shipped_utils(collections_path, util, powershell=False)
    assert compile_problems([UTILS_DIR / name for name in shipped] + [util], tmp_path) == ''


@pytest.mark.parametrize('util, shipped', [
    ('NetSession.cs', []),
    ('NetConnection.cs', ['NetSession.cs']),
    ('SessionNames.cs', ['NetSession.cs']),
    ('LocalHostNames.cs', ['NetSession.cs', 'SessionNames.cs']),
    ('ClientResolver.cs', ['NetSession.cs', 'SessionNames.cs']),
    ('ShareSelector.cs', ['LocalHostNames.cs', 'NetConnection.cs', 'NetSession.cs', 'SessionNames.cs']),
    ('ClosePlanning.cs', ['LocalHostNames.cs', 'NetConnection.cs', 'NetSession.cs', 'SessionNames.cs',
                          'ShareSelector.cs']),
    ('ListAndClose.cs', ['ClosePlanning.cs', 'LocalHostNames.cs', 'NetConnection.cs', 'NetSession.cs',
                         'SessionNames.cs', 'ShareSelector.cs']),
])
def test_each_rules_util_requires_the_layers_below_it(util, shipped, collections_path):
    """Names, then local host / resolution / planning over them, then listing and closing over
    all: nothing requires a layer above it."""
    assert shipped_utils(collections_path, UTILS_DIR / util, powershell=False) == shipped


def test_open_file_utils_require_the_layers_below_them(collections_path):
    """The open-file wrapper over the session wrapper's exception type; the rules over it and the
    name rules; the executor over those and the session listing (for the client join)."""
    def shipped(name):
        return shipped_utils(collections_path, UTILS_DIR / name, powershell=False)
    assert shipped('NetFile.cs') == ['NetSession.cs']
    assert shipped('OpenFileRules.cs') == ['NetFile.cs', 'NetSession.cs', 'SessionNames.cs']
    assert shipped('OpenFileListAndClose.cs') == sorted(
        set(shipped('ListAndClose.cs')) | {'ListAndClose.cs', 'NetFile.cs', 'OpenFileRules.cs'})


@pytest.mark.parametrize('move', [
    # inside the namespace block: C# takes it, ansible-core only reads a `using` at the line start
    lambda t, line: t.replace(line + '\n', '').replace('SessionNames\n{\n', 'SessionNames\n{\n    ' + line + '\n'),
    # a trailing comment: ansible-core's pattern ends at the semicolon
    lambda t, line: t.replace(line, line + '  // the wrapper'),
    # dropped
    lambda t, line: t.replace(line + '\n', ''),
])
def test_a_dependency_ansible_core_does_not_read_is_caught(move, tmp_path):
    rules = (UTILS_DIR / 'SessionNames.cs').read_text(encoding='utf-8')
    line = 'using %sNetSession;' % PREFIX
    assert line in rules.splitlines()
    utils = tmp_path / 'ansible_collections' / 'lanman' / 'smb' / 'plugins' / 'module_utils'
    utils.mkdir(parents=True)
    shutil.copy(str(UTILS_DIR / 'NetSession.cs'), str(utils / 'NetSession.cs'))
    broken = utils / 'SessionNames.cs'
    broken.write_text(move(rules, line), encoding='utf-8')
    shipped = shipped_utils(tmp_path, broken, powershell=False)
    assert shipped == []
    assert 'CS0246' in compile_problems([utils / name for name in shipped] + [broken], tmp_path)


def _required(text):
    return [line.split()[-1] for line in text.splitlines() if re.match(r'(?i)#\s*ansiblerequires\s+-csharputil\s', line)]


def ps1_naming_problems(text, shipped):
    """What a .ps1 names that the utils it gets do not give it as a TypeAccelerator."""
    problems = []
    body = '\n'.join(line for line in text.splitlines() if not line.lstrip().lower().startswith('#ansiblerequires'))
    if 'ansible_collections.' in body:
        problems.append('a full type name instead of a TypeAccelerator')
    names = accelerators([UTILS_DIR / name for name in shipped])
    direct = [r[len(PREFIX):] + '.cs' for r in _required(text) if r.startswith(PREFIX)]
    used = set(re.findall(r'\b(Lanman\w+)\b', body))
    for name in sorted(used):
        if name not in names:
            problems.append('%s is no TypeAccelerator of the utils it requires' % name)
        elif names[name][0] not in direct:
            problems.append('%s comes from %s, which it does not require itself' % (name, names[name][0]))
    for util in direct:
        if not any(names.get(n, ('',))[0] == util for n in used):
            problems.append('requires %s but names none of its types' % util)
    return problems


@pytest.mark.parametrize('path', PS1_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_ps1_names_only_accelerators_of_the_utils_it_requires(path, collections_path, tmp_path):
    text = path.read_text(encoding='utf-8')
    shipped = shipped_utils(collections_path, path, powershell=True)
    assert 'SessionNames.cs' in shipped and 'NetSession.cs' in shipped
    assert ps1_naming_problems(text, shipped) == []
    assert compile_problems([UTILS_DIR / name for name in shipped], tmp_path) == ''


@pytest.mark.parametrize('broken', [
    lambda t: t.replace('[LanmanClosePlanner]', '[ansible_collections.lanman.smb.plugins.module_utils.ClosePlanning.ClosePlanner]'),
    lambda t: t.replace('[LanmanClosePlanner]', '[LanmanPlanner]'),
    lambda t: t.replace('module_utils.ClosePlanning', 'module_utils.NetSession'),
    # ClosePlanning dropped: ListAndClose still ships it, but the module must require what it names
    lambda t: t.replace('#AnsibleRequires -CSharpUtil %sClosePlanning\n' % PREFIX, ''),
    # required but unused
    lambda t: t.replace('#AnsibleRequires -CSharpUtil Ansible.Basic',
                        '#AnsibleRequires -CSharpUtil Ansible.Basic\n#AnsibleRequires -CSharpUtil %sClientResolver' % PREFIX)
    .replace('[LanmanClientResolution]', '[LanmanSessionList]'),
    lambda t: t.replace('#AnsibleRequires -CSharpUtil Ansible.Basic',
                        '#AnsibleRequires -CSharpUtil Ansible.Basic\n#AnsibleRequires -CSharpUtil %sNetSession' % PREFIX),
])
def test_naming_check_catches_breaks(broken):
    text = (ROOT / 'plugins' / 'modules' / 'win_smb_session.ps1').read_text(encoding='utf-8')
    assert ps1_naming_problems(broken(text), ['NetSession.cs'] + RULES)


def test_every_accelerator_names_one_public_type():
    """Add-CSharpType registers the first compiled type whose simple Name equals -TypeName."""
    texts = {f.name: f.read_text(encoding='utf-8') for f in UTILS}
    for name, (util, type_name) in accelerators(UTILS).items():
        assert name.startswith('Lanman'), name
        declared = [u for u, t in texts.items() for match in re.finditer(
            r'\b(?:class|struct|enum|interface)\s+%s\b' % re.escape(type_name), t)]
        assert declared == [util], '%s -> %s declared in %s' % (name, type_name, declared)
        assert re.search(r'\bpublic\s+(?:static\s+|sealed\s+)*(?:class|struct|enum)\s+%s\b' % type_name, texts[util]), type_name


def test_every_accelerator_is_used_by_a_ps1():
    used = set()
    for path in PS1_FILES:
        used.update(re.findall(r'\b(Lanman\w+)\b', path.read_text(encoding='utf-8')))
    assert sorted(set(accelerators(UTILS)) - used) == []
