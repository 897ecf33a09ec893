"""Open-file findings in every report (docs/policy.md, "Open files"): JSON, findings.csv, JUnit (against
the schema) and HTML each name the file's id, path, user and client and the reason."""
import csv
import datetime
import html
import io
import json
import pathlib
import xml.etree.ElementTree as ET

import xmlschema

from ansible_collections.lanman.smb.plugins.module_utils.compliance_report import write_reports
from ansible_collections.lanman.smb.plugins.module_utils.policy_loading import load_policy
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import evaluate, summarize

from contract_session import session
from test_open_file_policy import open_file

XSD = pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'junit-report.xsd'
POLICY = {'forbidden_open_paths': ['D:\\Finance\\'], 'max_open_files_per_user': 2, 'forbidden_users': ['carol']}
HOSTILE = 'D:\\Finance\\=cmd|\' /C calc\'!A0 <script>x</script>.xlsx'


def write(tmp_path):
    policy = load_policy(POLICY)
    servers = [
        {'server': 'fs01', 'level': 502, 'error': None, 'sessions': [session('10.0.0.5', 'bob')],
         'open_files': [open_file(11, 'D:\\Finance\\q4.xlsx', 'bob'), open_file(12, HOSTILE, 'bob'),
                        open_file(13, 'D:\\Public\\a.txt', 'bob'), open_file(14, '\\PIPE\\srvsvc', 'bob')]},
        {'server': 'fs02', 'level': 502, 'error': None, 'sessions': [session('10.0.0.6', 'alice')],
         'open_files': None, 'open_files_error': 'access denied (5)'},
    ]
    evaluations = [evaluate(policy, r, today=datetime.date(2026, 12, 5)) for r in servers]
    summary = summarize(evaluations)
    return write_reports(str(tmp_path), evaluations, summary, policy), summary


def test_json_findings_carry_the_file_and_the_server_its_open_files(tmp_path):
    paths, summary = write(tmp_path)
    data = json.loads(pathlib.Path(paths['json']).read_text(encoding='utf-8'))
    assert summary['violations'] == 3 and summary['not_evaluable'] == 2
    fs01 = next(s for s in data['servers'] if s['server'] == 'fs01')
    assert fs01['open_file_count'] == 4
    assert [f['violations'] for f in fs01['open_files']] == [
        ['forbidden_open_paths', 'max_open_files_per_user'], ['forbidden_open_paths', 'max_open_files_per_user'],
        ['max_open_files_per_user'], []]
    files = [f['file'] for f in data['findings'] if f['rule'] == 'forbidden_open_paths']
    assert files == [{'id': 11, 'path': 'D:\\Finance\\q4.xlsx', 'username': 'bob', 'client': '10.0.0.5'},
                     {'id': 12, 'path': HOSTILE, 'username': 'bob', 'client': '10.0.0.5'}]
    fs02 = next(s for s in data['servers'] if s['server'] == 'fs02')
    assert {r['rule']: r['reason'] for r in fs02['rules'] if r['status'] == 'not_evaluable'} == {
        'forbidden_open_paths': 'the open files could not be listed: access denied (5)',
        'max_open_files_per_user': 'the open files could not be listed: access denied (5)'}


def test_findings_csv_has_file_id_and_path_last_and_neutralises_a_formula_path(tmp_path):
    paths = write(tmp_path)[0]
    text = pathlib.Path(paths['findings_csv']).read_text(encoding='utf-8')
    assert text.splitlines()[0].endswith(',message,file_id,path')
    rows = list(csv.DictReader(io.StringIO(text)))
    by_id = {r['file_id']: r for r in rows if r['rule'] == 'forbidden_open_paths'}
    assert set(by_id) == {'11', '12'}
    q4 = by_id['11']
    assert (q4['path'], q4['username'], q4['client'], q4['observed'], q4['limit']) == (
        'D:\\Finance\\q4.xlsx', 'bob', '10.0.0.5', 'D:\\Finance\\q4.xlsx', 'D:\\Finance\\')
    assert 'under forbidden_open_paths entry' in q4['message']
    assert by_id['12']['path'] == HOSTILE  # starts with D:, not a formula
    (cap,) = [r for r in rows if r['rule'] == 'max_open_files_per_user']
    assert (cap['file_id'], cap['path'], cap['observed'], cap['limit']) == ('', '', '3', '2')


def test_junit_fails_the_file_rule_with_each_file_and_validates(tmp_path):
    paths = write(tmp_path)[0]
    xmlschema.XMLSchema(str(XSD)).validate(paths['junit'])
    root = ET.parse(paths['junit']).getroot()
    suites = {s.get('name'): s for s in root.findall('testsuite')}
    cases = {c.get('name'): c for c in suites['fs01'].findall('testcase')}
    failure = cases['forbidden_open_paths'].find('failure')
    assert failure.get('message').startswith("2 violations: fs01: file 11 'D:\\Finance\\q4.xlsx' is open by bob")
    assert HOSTILE in failure.text
    props = {p.get('name'): p.get('value') for p in suites['fs01'].find('properties')}
    assert props['open_file_count'] == '4'
    skipped = {c.get('name'): c.find('skipped') for c in suites['fs02'].findall('testcase')}
    assert skipped['max_open_files_per_user'].get('message') == 'the open files could not be listed: access denied (5)'


def test_html_lists_the_file_findings_escaped(tmp_path):
    paths = write(tmp_path)[0]
    page = pathlib.Path(paths['html']).read_text(encoding='utf-8')
    assert '<script>x</script>' not in page
    assert html.escape(HOSTILE, quote=True) in page
    assert '<th scope="col">File id</th><th scope="col">Path</th>' in page
    assert '<th scope="col">Open files</th>' in page
    assert '<td class="num">11</td><td>D:\\Finance\\q4.xlsx</td>' in page
