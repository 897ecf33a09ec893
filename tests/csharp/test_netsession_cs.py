"""Builds the shipped C# utils as C# 5 against .NET 4.5 with Mono, with the C stand-in netapi32,
and runs tests/csharp/NetSessionTests.cs in a subprocess (a crash is a failure) on Mono and on
CoreCLR (conftest.py).

NetSession.cs (the Win32 wrapper) must compile alone; each rules util (SessionNames.cs,
LocalHostNames.cs, ClientResolver.cs, ShareSelector.cs, ClosePlanning.cs, ListAndClose.cs) must compile with the utils
it declares (its `using ...module_utils.<Name>;` lines) against the wrapper's public surface alone,
and all of them together into one assembly, which is what ansible-core's Add-CSharpType does with
every C# util a module requires. The tests run against that one assembly."""
import base64
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WRAPPER = ROOT / 'plugins' / 'module_utils' / 'NetSession.cs'
# NetConnectionEnum (the share selector): a second wrapper, over NetSession.cs's exception type
CONNECTION_WRAPPER = ROOT / 'plugins' / 'module_utils' / 'NetConnection.cs'
# the rules utils, each after the utils it requires
RULES = [ROOT / 'plugins' / 'module_utils' / name for name in
         ('SessionNames.cs', 'LocalHostNames.cs', 'ClientResolver.cs', 'ShareSelector.cs', 'ClosePlanning.cs',
          'ListAndClose.cs')]
UTILS = [WRAPPER, CONNECTION_WRAPPER] + RULES
_REQUIRES = re.compile(r'^using ansible_collections\.lanman\.smb\.plugins\.module_utils\.(\w+);\s*$', re.M)
MCS = ['mcs', '-langversion:5', '-sdk:4.5-api', '-warnaserror+', '-nologo']

sys.path.insert(0, str(HERE))
from csharp5_lint import lint  # noqa: E402
from shared_tables_tsv import expected_passes, write_issue16_tables  # noqa: E402
import share_users_tsv  # noqa: E402


def required_rules(path):
    """The rules utils path requires, directly or through another util (not the wrapper), in RULES order."""
    names, todo = set(), [path]
    while todo:
        for name in _REQUIRES.findall(todo.pop().read_text(encoding='utf-8')):
            if name not in ('NetSession', 'NetConnection') and name not in names:
                names.add(name)
                todo.append(path.parent / (name + '.cs'))
    return [p for p in RULES if p.stem in names]


def _run(cmd, **kw):
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=300, **kw)
    assert proc.returncode == 0, '%s failed:\n%s%s' % (' '.join(map(str, cmd)), proc.stdout, proc.stderr)
    return proc


def cell(value):
    """One value as the C# test reads it: <null>, true/false, or the text."""
    return '<null>' if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def write_vectors(path, cases=None):
    """tests/fixtures/close_planning_cases.json (or other cases in its shape) as tab-separated
    lines the C# test reads.

    CLOSE lines end with the indices of the sessions the call ends, so both twins are held to
    the same sessions per call, not only to the same count."""
    out = []
    if cases is None:
        cases = json.loads((ROOT / 'tests' / 'fixtures' / 'close_planning_cases.json').read_text(encoding='utf-8'))
    for case in cases:
        out.append('CASE ' + case['name'])
        for s in case['sessions']:
            out.append('\t'.join(['SESSION', cell(s['client']), cell(s['username']), cell(s['idle_seconds'])]))
        for key, value in case['selection'].items():
            values = value if isinstance(value, list) else [value]
            out.append('\t'.join(['SEL', key] + [cell(v) for v in values]))
        expect = case['expect']
        if expect['error']:
            out.append('\t'.join(['ERROR', expect['error'], expect['error_text']]))
        for c in expect['close']:
            assert c['count'] == len(c['sessions']), case['name']
            out.append('\t'.join(['CLOSE', cell(c['client']), cell(c['raw_client']), cell(c['username']),
                                  str(c['count']), ','.join(str(i) for i in c['sessions'])]))
        for k in expect['skipped']:
            out.append('\t'.join(['SKIP', cell(k['client']), cell(k['username']), k['reason']]))
        out.append('END')
    path.write_text('\n'.join(out) + '\n', encoding='utf-8')
    return len([line for line in out if line.startswith('CASE ')])


def write_name_rules(path):
    """tests/fixtures/name_rule_cases.json as 'TABLE<TAB>cell<TAB>...' lines, a row each (keys
    starting with _ are comments). Returns the number of tables."""
    tables = json.loads((ROOT / 'tests' / 'fixtures' / 'name_rule_cases.json').read_text(encoding='utf-8'))
    tables = dict((name, rows) for name, rows in tables.items() if not name.startswith('_'))
    lines = ['\t'.join([name] + [cell(v) for v in (row if isinstance(row, list) else [row])])
             for name, rows in tables.items() for row in rows]
    assert not any('\t' in str(v) or '\n' in str(v) for rows in tables.values() for row in rows for v in
                   (row if isinstance(row, list) else [row])), 'a cell may not hold a tab or a newline'
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return len(tables)


def _fixture(name):
    return json.loads((ROOT / 'tests' / 'fixtures' / name).read_text(encoding='utf-8'))


def _tsv(lines):
    assert not any('\n' in line for line in lines), 'a cell may not hold a newline'
    return '\n'.join(lines) + '\n'


def write_shared_tables(directory):
    """The tables the C# tests read through environment variables (ListingLimitTests.cs,
    WindowsSpecificsTests.cs), as tab-separated lines; returns those variables."""
    limits = _fixture('listing_limits.json')
    (directory / 'listing_limits.tsv').write_text(
        _tsv(['%s\t%s' % (key, limits[key]) for key in ('max_sessions', 'no_progress', 'too_many')]), encoding='utf-8')
    texts = _fixture('status_texts.json')['texts']
    (directory / 'status_texts.tsv').write_text(
        _tsv(['%s\t%s' % (code, text) for code, text in sorted(texts.items())]), encoding='utf-8')
    lines = []
    for case in _fixture('listing_cases.json')['cases']:
        lines.append('CASE ' + case['name'])
        lines.append('FILTERS\t' + case['server']['filters'])
        lines.extend('\t'.join(['SESSION', cell(c), cell(u)]) for c, u in case['server']['sessions'])
        lines.append('LEVEL\t' + cell(case['level']))
        if case['client'] is not None:
            lines.append('\t'.join(['CLIENT'] + case['client']))
        if case['username'] is not None:
            lines.append('\t'.join(['USER'] + case['username']))
        lines.extend('\t'.join(['CALL'] + [cell(v) for v in call]) for call in case['calls'])
        lines.extend('RESULT\t' + shown for shown in case['sessions'])
        lines.append('END')
    (directory / 'listing_cases.tsv').write_text(_tsv(lines), encoding='utf-8')
    variables = write_issue16_tables(directory)
    variables.update(share_users_tsv.write(directory))
    variables.update({
        'LANMAN_LISTING_LIMITS': str(directory / 'listing_limits.tsv'),
        'LANMAN_STATUS_TEXTS': str(directory / 'status_texts.tsv'),
        'LANMAN_LISTING_CASES': str(directory / 'listing_cases.tsv'),
    })
    return variables


def _b64(value):
    """One cell of the selector-check table: <null>, or the UTF-8 text in base64 (entries hold
    tabs, newlines and other control characters on purpose)."""
    return '<null>' if value is None else base64.b64encode(value.encode('utf-8')).decode('ascii')


def write_selector_checks(path):
    """tests/fixtures/selector_check_cases.json as lines PlannerRulesTests.cs reads:
    SELECTOR<TAB>option<TAB>error<TAB>count (-1: unset)<TAB>entry..., SERVER<TAB>server<TAB>error.
    Returns the number of rows."""
    table = json.loads((ROOT / 'tests' / 'fixtures' / 'selector_check_cases.json').read_text(encoding='utf-8'))
    lines = []
    for row in table['selectors']:
        entries = row['entries']
        lines.append('\t'.join(['SELECTOR', row['option'], _b64(row['error']), str(-1 if entries is None else len(entries))]
                               + [_b64(e) for e in entries or []]))
    for row in table['servers']:
        lines.append('\t'.join(['SERVER', _b64(row['server']), _b64(row['error'])]))
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return len(lines)


@pytest.fixture(scope='module')
def build(tmp_path_factory):
    if not shutil.which('mcs') or not shutil.which('mono'):
        pytest.fail('mcs/mono missing: run scripts/setup.sh')
    out = tmp_path_factory.mktemp('csharp')
    _run(['gcc', '-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Werror', '-o', str(out / 'libnetapi32.so')]
         + sorted(str(p) for p in (HERE / 'standin').glob('*.c')))
    _run(MCS + ['-target:library', '-out:%s' % (out / 'NetSession.dll'), str(WRAPPER)])
    _run(MCS + ['-target:library', '-r:%s' % (out / 'NetSession.dll'), '-out:%s' % (out / 'NetConnection.dll'),
                str(CONNECTION_WRAPPER)])
    for rules in RULES:
        _run(MCS + ['-target:library', '-r:%s' % (out / 'NetSession.dll'), '-r:%s' % (out / 'NetConnection.dll'),
                    '-out:%s' % (out / (rules.stem + '.dll')), str(rules)] + [str(p) for p in required_rules(rules)])
    _run(MCS + ['-target:library', '-out:%s' % (out / 'LanmanSmbUtils.dll')] + [str(p) for p in UTILS])
    # NetSessionTests.cs holds Main and the helpers; every other *Tests.cs adds a group (partial class).
    sources = sorted(str(p) for p in HERE.glob('*Tests.cs'))
    _run(MCS + ['-target:exe', '-r:%s' % (out / 'LanmanSmbUtils.dll'), '-out:%s' % (out / 'NetSessionTests.exe')]
         + sources)
    return out


def run_tests(build, runtime, *inputs):
    """The C# test program on a runtime (conftest.py: mono, coreclr)."""
    env = dict(os.environ, LD_LIBRARY_PATH=str(build), MONO_ENV_OPTIONS='')
    env.update(write_shared_tables(build))
    cmd = runtime.command(build / 'NetSessionTests.exe', env) + [str(p) for p in inputs]
    return subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=120, cwd=str(build), env=env)


def test_wrapper_compiles_alone_as_csharp5_against_net45(build):
    assert (build / 'NetSession.dll').exists()


@pytest.mark.parametrize('rules', RULES, ids=lambda p: p.name)
def test_rules_compile_against_the_wrappers_public_surface(build, rules):
    """Built against NetSession.dll with only the utils it declares, a rules util cannot reach the
    wrapper's internals (the seam holds) and needs no util it does not require."""
    assert (build / (rules.stem + '.dll')).exists()


def test_rules_declare_what_they_require():
    assert [[p.name for p in required_rules(r)] for r in RULES] == [
        [], ['SessionNames.cs'], ['SessionNames.cs'], ['SessionNames.cs', 'LocalHostNames.cs'],
        ['SessionNames.cs', 'LocalHostNames.cs', 'ShareSelector.cs'],
        ['SessionNames.cs', 'LocalHostNames.cs', 'ShareSelector.cs', 'ClosePlanning.cs']]


def test_rules_do_not_compile_without_the_wrapper(tmp_path):
    proc = subprocess.run(MCS + ['-target:library', '-out:%s' % (tmp_path / 'x.dll')] + [str(p) for p in RULES],
                          check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and 'NetSession' in proc.stdout + proc.stderr


@pytest.mark.parametrize('path', UTILS, ids=lambda p: p.name)
def test_util_has_no_csharp6_features_that_mcs_misses(path):
    assert lint(path.read_text(encoding='utf-8')) == []


@pytest.mark.parametrize('snippet', [
    'class A { public int P { get; } }',
    'class A { async void F() { try { } catch (System.Exception) { await T(); } } }',
    'class A { string F(string s) { return $"x{s}"; } }',
    'class A { int? F(string s) { return s?.Length; } }',
    'class A { object F() { return System.Array.Empty<int>(); } }',
])
def test_lint_catches_what_windows_powershell_would_reject(snippet):
    assert lint(snippet)


def test_lint_ignores_strings_and_comments():
    assert lint('class A { // { get; }\n string s = "$\\"x ?.y"; }') == []


def test_netsession_util_against_the_standin(build, runtime, tmp_path):
    vectors, name_rules, checks = tmp_path / 'vectors.tsv', tmp_path / 'name_rules.tsv', tmp_path / 'checks.tsv'
    count = write_vectors(vectors)
    assert write_name_rules(name_rules) == 7
    check_rows = write_selector_checks(checks)
    proc = run_tests(build, runtime, vectors, name_rules, checks)
    output = proc.stdout + proc.stderr
    failures = [line for line in proc.stdout.splitlines() if line.startswith('FAIL ')]
    assert not failures, runtime.name + ':\n' + '\n'.join(failures)
    # a crash (a misread buffer: SIGSEGV on Mono, a fatal AccessViolationException on CoreCLR) or an abort is a failure
    assert proc.returncode == 0, '%s: exit %d\n%s' % (runtime.name, proc.returncode, output[-6000:])
    skipped = [line[5:].partition(': ')[0] for line in proc.stdout.splitlines() if line.startswith('SKIP ')]
    assert skipped == runtime.skips, '%s skipped %s' % (runtime.name, skipped)
    assert sum(line.startswith('PASS vector: ') for line in proc.stdout.splitlines()) == count
    assert sum(line.startswith('PASS listing case: ') for line in proc.stdout.splitlines()) == \
        len(_fixture('listing_cases.json')['cases'])
    # every row of the shared selector-check table ran through the C# twin (one PASS line per row)
    assert sum(line.startswith('PASS check: ') for line in proc.stdout.splitlines()) == check_rows
    # every row of the level-choice, resolution and close-outcome tables ran through the C# twin
    for prefix, rows in list(expected_passes().items()) + list(share_users_tsv.expected_passes().items()):
        assert sum(line.startswith('PASS ' + prefix) for line in proc.stdout.splitlines()) == rows, prefix
    assert ' passed, 0 failed' in proc.stdout
