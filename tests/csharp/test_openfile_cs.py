"""Builds the open-file utils (NetFile.cs, the wrapper; OpenFileRules.cs and
OpenFileListAndClose.cs, the rules and the executor) as C# 5 against .NET 4.5 with Mono, with the
stand-in netapi32 (every tests/csharp/standin/*.c), and runs tests/csharp/openfiles/*.cs in a
subprocess on Mono and on CoreCLR (conftest.py): the wrapper's layouts, paging, freeing and status
texts, the close path's argument log, and every row of tests/fixtures/open_file_rules_cases.json.

Like the session utils: the wrapper compiles with only what it requires (NetSession.cs), each
rules util with the utils its `using` lines name, and all of them into one assembly, which is what
ansible-core's Add-CSharpType does for a module."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
UTILS_DIR = ROOT / 'plugins' / 'module_utils'
FILE_UTILS = [UTILS_DIR / n for n in ('NetFile.cs', 'OpenFileRules.cs', 'OpenFileListAndClose.cs')]
# every other util (the session utils the executor builds on, and what they require)
SESSION_UTILS = sorted(p for p in UTILS_DIR.glob('*.cs') if p not in FILE_UTILS)
MCS = ['mcs', '-langversion:5', '-sdk:4.5-api', '-warnaserror+', '-nologo']
MAX_UTIL_LINES = 700

sys.path.insert(0, str(HERE))
from csharp5_lint import lint  # noqa: E402
import openfile_tables_tsv  # noqa: E402


def _run(cmd):
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, '%s failed:\n%s%s' % (' '.join(map(str, cmd)), proc.stdout, proc.stderr)
    return proc


@pytest.fixture(scope='module')
def build(tmp_path_factory):
    if not shutil.which('mcs') or not shutil.which('mono'):
        pytest.fail('mcs/mono missing: run scripts/setup.sh')
    out = tmp_path_factory.mktemp('openfiles')
    _run(['gcc', '-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Werror', '-o', str(out / 'libnetapi32.so')]
         + sorted(str(c) for c in (HERE / 'standin').glob('*.c')))

    def lib(name):
        return '-r:%s' % (out / name)

    _run(MCS + ['-target:library', '-out:%s' % (out / 'NetSession.dll'), str(UTILS_DIR / 'NetSession.cs')])
    # the wrapper against the session wrapper's public surface only
    _run(MCS + ['-target:library', lib('NetSession.dll'), '-out:%s' % (out / 'NetFile.dll'), str(FILE_UTILS[0])])
    # the rules with SessionNames.cs (their `using`), against the two wrappers' public surface
    _run(MCS + ['-target:library', lib('NetSession.dll'), lib('NetFile.dll'), '-out:%s' % (out / 'OpenFileRules.dll'),
                str(FILE_UTILS[1]), str(UTILS_DIR / 'SessionNames.cs')])
    _run(MCS + ['-target:library', '-out:%s' % (out / 'LanmanSmbUtils.dll')] + [str(p) for p in SESSION_UTILS + FILE_UTILS])
    _run(MCS + ['-target:exe', lib('LanmanSmbUtils.dll'), '-out:%s' % (out / 'OpenFileTests.exe')]
         + sorted(str(p) for p in (HERE / 'openfiles').glob('*.cs')))
    return out


@pytest.mark.parametrize('path', FILE_UTILS, ids=lambda p: p.name)
def test_util_is_csharp5_and_small(path):
    text = path.read_text(encoding='utf-8')
    assert lint(text) == []
    assert len(text.splitlines()) <= MAX_UTIL_LINES


def test_the_executor_does_not_compile_without_the_file_wrapper(tmp_path):
    proc = subprocess.run(MCS + ['-target:library', '-out:%s' % (tmp_path / 'x.dll')] +
                          [str(p) for p in SESSION_UTILS + FILE_UTILS[1:]],
                          check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and 'NetFile' in proc.stdout + proc.stderr


def test_open_file_utils_against_the_standin(build, runtime, tmp_path):
    table = tmp_path / 'open_file_rules.tsv'
    rows = openfile_tables_tsv.write(table)
    env = dict(os.environ, LD_LIBRARY_PATH=str(build), MONO_ENV_OPTIONS='')
    cmd = runtime.command(build / 'OpenFileTests.exe', env) + [str(table)]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=300, cwd=str(build), env=env)
    output = proc.stdout + proc.stderr
    failures = [line for line in proc.stdout.splitlines() if line.startswith('FAIL ')]
    assert not failures, runtime.name + ':\n' + '\n'.join(failures)
    # a crash (a misread buffer, a corrupted stack) is a failure too
    assert proc.returncode == 0, '%s: exit %d\n%s' % (runtime.name, proc.returncode, output[-6000:])
    # every row of the shared table ran (one PASS line a row)
    assert sum(line.startswith('PASS table: ') for line in proc.stdout.splitlines()) == rows
    assert rows == len(openfile_tables_tsv.cases()) > 0
    assert ' passed, 0 failed' in proc.stdout


def test_table_writer_refuses_a_key_it_does_not_know(monkeypatch):
    real = openfile_tables_tsv.cases()
    grown = [dict(real[0], expect=dict(real[0]['expect'], closed_by='x'))]
    monkeypatch.setattr(openfile_tables_tsv, 'cases', lambda: grown)
    with pytest.raises(AssertionError, match='closed_by'):
        openfile_tables_tsv.lines()
