"""tests/fixtures/open_file_rules_cases.json as the tab-separated lines
tests/csharp/openfiles/OpenFileTableTests.cs reads, one CASE ... END block a row. Text cells are
UTF-8 in base64 (<null> for null): paths hold backslashes, tabs and control characters on purpose.

Every key of a row must be known here: a key this writer does not know fails the test, so a
row can never pass unread when the table grows."""
import base64
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
TABLE = ROOT / 'tests' / 'fixtures' / 'open_file_rules_cases.json'
CASE_KEYS = {'name', 'files', 'sessions', 'shares', 'options', 'own_account', 'expect'}
FILE_KEYS = {'id', 'path', 'username', 'permissions', 'num_locks'}
OPTION_LISTS = ('path', 'share', 'username', 'exclude_path', 'exclude_username', 'exclude_client')
EXPECT_KEYS = {'error', 'close', 'skipped', 'listed', 'joined', 'decoded'}


def b64(value):
    return '<null>' if value is None else base64.b64encode(value.encode('utf-8')).decode('ascii')


def cases():
    return json.loads(TABLE.read_text(encoding='utf-8'))['cases']


def _known(keys, known, where):
    unknown = sorted(set(keys) - set(known))
    assert not unknown, 'unknown key(s) %s in %s: teach tests/csharp/openfile_tables_tsv.py' % (unknown, where)


def lines():
    out = []
    for case in cases():
        _known(case, CASE_KEYS, case['name'])
        _known(case['options'], set(OPTION_LISTS) | {'all'}, case['name'] + ' options')
        _known(case['expect'], EXPECT_KEYS, case['name'] + ' expect')
        out.append('CASE\t' + b64(case['name']))
        out.append('OWN\t' + b64(case['own_account']))
        for f in case['files']:
            _known(f, FILE_KEYS, case['name'] + ' file')
            out.append('\t'.join(['FILE', str(f['id']), b64(f['path']), b64(f['username']), str(f['permissions']),
                                  str(f['num_locks'])]))
        for s in case['sessions']:
            out.append('\t'.join(['SESSION', b64(s['client']), b64(s['username'])]))
        for name, share in case['shares'].items():
            _known(share, {'type', 'path'}, case['name'] + ' share')
            out.append('\t'.join(['SHARE', b64(name), str(share['type']), b64(share['path'])]))
        for option in OPTION_LISTS:
            values = case['options'].get(option)
            out.append('\t'.join(['OPT', option, str(-1 if values is None else len(values))] +
                                 [b64(v) for v in values or []]))
        out.append('ALL\t' + ('true' if case['options'].get('all') else 'false'))
        expect = case['expect']
        out.append('ERROR\t' + b64(expect['error']))
        if expect['error'] is None:
            out.append('CLOSE\t' + ','.join(str(i) for i in expect['close']))
            out.extend('\t'.join(['SKIP', str(i), reason]) for i, reason in expect['skipped'])
        if 'listed' in expect:
            out.append('LISTED\t' + ','.join(str(i) for i in expect['listed']))
        for file_id, client, clients in expect.get('joined', []):
            out.append('\t'.join(['JOINED', str(file_id), b64(client)] + [b64(c) for c in clients]))
        for file_id, names in expect.get('decoded', []):
            out.append('\t'.join(['DECODED', str(file_id), ','.join(names)]))
        out.append('END')
    return out


def write(path):
    """Writes the table; returns the number of rows."""
    text = lines()
    assert not any('\n' in line for line in text)
    path.write_text('\n'.join(text) + '\n', encoding='utf-8')
    return sum(line.startswith('CASE\t') for line in text)
