"""The shared tables of issue 16 item 4 (level choice, resolution, close outcomes) as the
tab-separated lines tests/csharp/SharedTableTests.cs reads, one CASE ... END block a row."""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
# NetSessionDel answers the stand-in gives by itself (the rest are scripted, see FORCE)
NATURAL_DELETE_ANSWERS = (0, 2312, 2221)


def table(name):
    return json.loads((ROOT / 'tests' / 'fixtures' / name).read_text(encoding='utf-8'))['cases']


def cell(value):
    return '<null>' if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def line(*cells):
    text = '\t'.join(cell(c) for c in cells)
    assert '\n' not in text and '\r' not in text, 'a cell may not hold a newline'
    return text


def _cells(values):
    for value in values:
        assert '\t' not in cell(value), 'a cell may not hold a tab: %r' % value
    return values


def level_choice_lines():
    out = []
    for case in table('level_choice_cases.json'):
        out.append('CASE ' + case['name'])
        out.append(line('LEVELS', *[v for item in sorted(case['server']['levels'].items()) for v in item]))
        out.extend(line('SESSION', *_cells(s)) for s in case['server']['sessions'])
        out.append(line('LEVEL', case['level']))
        if case['client'] is not None:
            out.append(line('CLIENT', *_cells(case['client'])))
        if case['username'] is not None:
            out.append(line('USER', *_cells(case['username'])))
        out.extend(line('CALL', *call) for call in case['calls'])
        out.append(line('LEVELUSED', case['level_used']))
        out.extend(line('WARNING', w) for w in case['warnings'])
        out.append(line('ERROR', case['error']))
        out.extend(line('RESULT', s) for s in case['sessions'])
        out.append('END')
    return out


def resolution_lines():
    out = []
    for case in table('resolution_cases.json'):
        out.append('CASE ' + case['name'])
        out.append(line('OPTION', case['option']))
        out.extend(line('ENTRY', *_cells([e])) for e in case['entries'])
        out.extend(line('RESOLVE', name, *_cells(addresses)) for name, addresses in case['resolver'].items())
        out.extend(line('LOOKUP', n) for n in case['lookups'])
        out.extend(line('SELECTOR', s) for s in case['selectors'])
        out.extend(line('WARNING', w) for w in case['warnings'])
        out.append(line('ERROR', case['error']))
        out.append('END')
    return out


def close_outcome_cases():
    """The rows the C# twin runs: all but those marked python_only (each says why)."""
    return [c for c in table('close_outcome_cases.json') if 'python_only' not in c]


def close_outcome_lines():
    out = []
    for case in close_outcome_cases():
        out.append('CASE ' + case['name'])
        out.extend(line('SESSION', *_cells(s)) for s in case['sessions'])
        server = case['server']
        out.append(line('LIVE', *server['live']))
        out.append(line('SAMBA', int(server['samba_delete'])))
        out.append(line('RELIST', server['relist_status']))
        out.append(line('CHECK', int(case['check_mode'])))
        for call in case['calls']:
            out.append(line('CALL', call['raw_client'], call['username'], ','.join(str(i) for i in call['sessions'])))
        for index, answer in enumerate(case['answers']):
            if not (answer in NATURAL_DELETE_ANSWERS or (answer == 5 and server['samba_delete'])):
                out.append(line('FORCE', index, answer))
            call = case['calls'][index]
            out.append(line('DEL', (call['raw_client'] or '').lstrip('\\') or None, call['username'], answer))
        out.append(line('CLOSED', *case['closed']))
        out.append(line('VANISHED', *case['vanished']))
        if case['failed_call'] is not None:
            out.append(line('FAILED', case['failed_call']['call'], case['failed_call']['status']))
        out.append(line('UNTRIED', *case['untried']))
        out.append(line('CHANGED', case['changed']))
        out.append('END')
    return out


TABLES = (
    ('LANMAN_LEVEL_CHOICE_CASES', 'level_choice_cases.tsv', level_choice_lines, 'level choice case: '),
    ('LANMAN_RESOLUTION_CASES', 'resolution_cases.tsv', resolution_lines, 'resolution case: '),
    ('LANMAN_CLOSE_OUTCOME_CASES', 'close_outcome_cases.tsv', close_outcome_lines, 'close outcome case: '),
)


def write_issue16_tables(directory):
    """Writes the three tables; returns {environment variable: path}."""
    variables = {}
    for variable, name, lines, _prefix in TABLES:
        (directory / name).write_text('\n'.join(lines()) + '\n', encoding='utf-8')
        variables[variable] = str(directory / name)
    return variables


def expected_passes():
    """{PASS line prefix: number of rows the C# program must pass}."""
    return {
        'level choice case: ': len(table('level_choice_cases.json')),
        'resolution case: ': len(table('resolution_cases.json')),
        'close outcome case: ': len(close_outcome_cases()),
    }
