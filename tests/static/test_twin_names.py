"""docs/developer/contract.md's C# <-> Python name table against the code: every file it names
exists, every C# util of the rules has its Python twin there, and every name it gives is defined
in the file of its row (a rename on one side that the table does not follow fails here)."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
UTILS = ROOT / 'plugins' / 'module_utils'
CONTRACT = ROOT / 'docs' / 'developer' / 'contract.md'
RULES_UTILS = ['SessionNames.cs', 'LocalHostNames.cs', 'ClientResolver.cs', 'ShareSelector.cs', 'ClosePlanning.cs',
               'ListAndClose.cs', 'OpenFileRules.cs', 'OpenFileListAndClose.cs']


def table_rows(text=None):
    """(C# file, C# names, Python file, Python names) of each row of the name table."""
    text = CONTRACT.read_text(encoding='utf-8') if text is None else text
    section = text.split('## C# ↔ Python names', 1)[1].split('\n## ', 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) != 5 or cells[0] in ('C# file', '---'):
            continue
        rows.append((cells[0], names(cells[1]), cells[2].replace('`', ''), names(cells[3])))
    return rows


def names(cell):
    """The identifiers a cell gives in backticks: `A.B` is A and B, `f` / `g` is f and g; (...) counts too."""
    found = []
    for code in re.findall(r'`([^`]+)`', cell):
        found.extend(re.findall(r'[A-Za-z_]\w*', code))
    return found


def defined(path, name):
    text = path.read_text(encoding='utf-8')
    if path.suffix == '.cs':
        return re.search(r'\b(?:class|enum|struct)\s+%s\b|\b%s\s*\(|\b%s\s*[;=,]' % ((re.escape(name),) * 3), text)
    return re.search(r'^\s*(?:def|class)\s+%s\b|^%s\s*=|\bself\.%s\b' % ((re.escape(name),) * 3), text, re.M)


def test_every_rules_util_has_its_python_twin_in_the_table():
    rows = table_rows()
    assert sorted(set(r[0] for r in rows if r[0] in RULES_UTILS)) == sorted(RULES_UTILS)
    twins = dict((r[0], r[2]) for r in rows if r[0] in RULES_UTILS and r[2].endswith('.py'))
    assert twins == {'SessionNames.cs': 'session_names.py', 'LocalHostNames.cs': 'local_host_names.py',
                     'ClientResolver.cs': 'client_resolver.py', 'ShareSelector.cs': 'share_selector.py',
                     'ClosePlanning.cs': 'close_planning.py', 'ListAndClose.cs': 'list_and_close.py',
                     'OpenFileRules.cs': 'open_file_rules.py', 'OpenFileListAndClose.cs': 'open_files.py'}


@pytest.mark.parametrize('row', table_rows(), ids=lambda r: '%s-%s' % (r[0], '-'.join(r[1][:2])))
def test_every_name_in_the_table_is_defined_in_its_file(row):
    cs_file, cs_names, py_file, py_names = row
    missing = [n for n in cs_names if not defined(UTILS / cs_file, n)]
    py_files = [UTILS / f.strip() for f in py_file.split(',') if f.strip().endswith('.py')]
    if py_files:
        missing += [n for n in py_names if not any(defined(f, n) for f in py_files)]
    assert missing == []


def test_the_check_catches_a_rename():
    text = CONTRACT.read_text(encoding='utf-8').replace('`CloseRun`, `close_result`', '`CloseOutcome`, `close_result`')
    row = [r for r in table_rows(text) if r[0] == 'ListAndClose.cs' and 'CloseRun' in r[1]][0]
    assert not defined(UTILS / row[2], row[3][0])
