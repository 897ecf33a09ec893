"""tests/fixtures/share_user_cases.json as the tab-separated lines tests/csharp/ShareUserTests.cs
reads (path in LANMAN_SHARE_USER_CASES): CASE ... END blocks of the selection rows, then one line
per share error, placeholder, entry check (cells in base64: they hold control characters) and
listing limit."""
import base64
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
VARIABLE = 'LANMAN_SHARE_USER_CASES'


def table():
    return json.loads((ROOT / 'tests' / 'fixtures' / 'share_user_cases.json').read_text(encoding='utf-8'))


def cell(value):
    text = '<null>' if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    assert '\t' not in text and '\n' not in text, 'a cell may not hold a tab or a newline: %r' % value
    return text


def b64(value):
    return '<null>' if value is None else base64.b64encode(value.encode('utf-8')).decode('ascii')


def line(*cells):
    return '\t'.join(cell(c) for c in cells)


def lines():
    data = table()
    out = []
    for case in data['cases']:
        out.append('CASE ' + case['name'])
        out.extend(line('SESSION', *s) for s in case['sessions'])
        out.extend(line('CONN', *c) for c in case['connections'])
        for key, value in case['selection'].items():
            out.append(line('SEL', key, *(value if isinstance(value, list) else [value])))
        out.append(line('LISTED', *case['listed']))
        out.append(line('CLOSED', *case['closed']))
        out.extend(line('SKIP', index, reason) for index, reason in case['skipped'])
        out.extend(line('WARNING', text) for text in case['warnings'])
        out.append('END')
    out.extend(line('SHAREERROR', r['share'], r['status'], r['message']) for r in data['share_errors'])
    out.extend(line('PLACEHOLDER', r['share'], r['netname'], r['username'], r['message']) for r in data['placeholders'])
    out.extend('\t'.join(['ENTRY', b64(r['message'])] + [b64(e) for e in r['entries']]) for r in data['entries'])
    out.extend(line('LIMIT', key, value) for key, value in sorted(data['listing_limits'].items()))
    return out


def write(directory):
    """Writes the table; returns {environment variable: path}."""
    path = pathlib.Path(directory) / 'share_user_cases.tsv'
    path.write_text('\n'.join(lines()) + '\n', encoding='utf-8')
    return {VARIABLE: str(path)}


def expected_passes():
    """PASS line prefix -> rows the C# program must pass (one test per row)."""
    data = table()
    return {
        'share user case: ': len(data['cases']),
        'share error: ': len(data['share_errors']),
        'share placeholder: ': len(data['placeholders']),
        'share entries: ': len(data['entries']),
    }
