"""Compliance reports: JSON, CSV, JUnit (validated against tests/fixtures/junit-report.xsd) and the HTML
page as a person sees it in headless Chromium."""
import collections
import csv
import datetime
import html.parser
import io
import json
import os
import pathlib
import shutil
import xml.etree.ElementTree as ET

import pytest
import xmlschema

from ansible_collections.lanman.smb.plugins.module_utils import compliance_report
from ansible_collections.lanman.smb.plugins.module_utils.compliance_report import write_reports
from ansible_collections.lanman.smb.plugins.module_utils.policy_loading import load_policy
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import evaluate, summarize

from contract_session import session

REPO = pathlib.Path(__file__).resolve().parents[4]
XSD = REPO / 'tests' / 'fixtures' / 'junit-report.xsd'
SCREENSHOT = REPO / 'tests' / 'output' / 'screenshots' / 'compliance_report.png'
XSS = '<script>window.__pwned=1</script>'
XSS_IMG = '"><img src=x onerror="window.__pwned=2">'

POLICY = {
    'name': 'nightly <b>baseline</b>',
    'description': 'who may hold SMB sessions',
    'allowed_clients': ['10.0.0.0/8', 'fd00::/8'],
    'forbidden_users': ['CORP\\bob', 'svc_*'],
    'deny_guest': True,
    'max_idle_seconds': 3600,
    'max_sessions_per_user': 2,
    'max_open_files_per_session': 50,
}


def fleet():
    """Five servers: clean, violating (with hostile names), Samba, level 0, unreachable."""
    return [
        {'server': 'a-clean', 'level': 502, 'error': None,
         'sessions': [session('10.0.0.5', 'alice', idle=900), session('fd00::5', 'carol', idle=3600)]},
        {'server': 'm-bad', 'level': 502, 'error': None, 'sessions': [
            session('192.0.2.66', XSS),                      # client not allowed
            session('10.0.0.7', 'bob', num_opens=51),        # forbidden, too many opens
            session('10.0.0.8', 'guest', flags=1, idle=7200),
            session('10.0.0.9', '=HYPERLINK("x")'),
            session('203.0.113.9', XSS_IMG),
        ]},
        {'server': 'z-worse', 'level': 502, 'error': None, 'sessions': [
            session('10.0.0.%d' % i, 'svc_backup') for i in range(1, 6)] + [
            session('198.51.100.1', 'dave'),
        ]},
        {'server': 'samba1', 'level': 1, 'error': None, 'idle_time_reliable': False,
         'sessions': [session('10.0.0.20', 'erin', level=1)]},
        {'server': 'old0', 'level': 0, 'error': None, 'sessions': [session('10.0.0.30', None, level=0)]},
        {'server': 'down', 'level': None, 'error': 'connection refused (port 445)\x01', 'sessions': []},
    ]


@pytest.fixture()
def report(tmp_path):
    policy = load_policy(POLICY)
    evaluations = [evaluate(policy, r) for r in fleet()]
    summary = summarize(evaluations)
    paths = write_reports(str(tmp_path / 'out'), evaluations, summary, policy, title='Nightly <SMB>')
    return paths, evaluations, summary


def test_write_reports_returns_every_path(report, tmp_path):
    paths = report[0]
    out = tmp_path / 'out'
    assert paths == {'json': str(out / 'report.json'), 'sessions_csv': str(out / 'sessions.csv'),
                     'findings_csv': str(out / 'findings.csv'), 'html': str(out / 'report.html'),
                     'junit': str(out / 'junit.xml')}
    assert sorted(os.listdir(str(out))) == sorted(os.path.basename(p) for p in paths.values())


def test_json_holds_policy_summary_every_server_session_and_finding(report):
    paths, evaluations, summary = report
    data = json.loads(pathlib.Path(paths['json']).read_text(encoding='utf-8'))
    assert data['policy'] == load_policy(POLICY).to_dict()
    assert data['summary'] == summary
    assert summary['verdict'] == 'fail' and summary['errors'] == 1
    assert data['title'] == 'Nightly <SMB>'
    generated = datetime.datetime.fromisoformat(data['generated'])
    assert generated.tzinfo is not None
    assert abs((datetime.datetime.now(datetime.timezone.utc) - generated).total_seconds()) < 60
    assert [s['server'] for s in data['servers']] == ['z-worse', 'm-bad', 'down', 'old0', 'samba1', 'a-clean']
    assert sum(len(s['sessions']) for s in data['servers']) == 15
    all_findings = [f for e in evaluations for f in e['findings']]
    assert len(data['findings']) == len(all_findings) == summary['violations'] == 13
    assert {(f['server'], f['rule']) for f in data['findings']} == {(f['server'], f['rule']) for f in all_findings}


def test_sessions_csv_one_row_per_session_with_violations(report):
    paths = report[0]
    rows = list(csv.DictReader(io.StringIO(pathlib.Path(paths['sessions_csv']).read_text(encoding='utf-8'))))
    assert len(rows) == 15
    bob = next(r for r in rows if r['username'] == 'bob')
    assert (bob['server'], bob['level'], bob['num_opens']) == ('m-bad', '502', '51')
    assert bob['violations'] == 'forbidden_users; max_open_files_per_session'
    svc = [r for r in rows if r['username'] == 'svc_backup']
    assert [r['violations'] for r in svc] == ['forbidden_users; max_sessions_per_user'] * 5
    level0 = next(r for r in rows if r['server'] == 'old0')
    assert (level0['username'], level0['num_opens'], level0['violations']) == ('', '', '')
    # A name that a spreadsheet would run as a formula is neutralised.
    assert any(r['username'] == '\'=HYPERLINK("x")' for r in rows)


def test_findings_csv(report):
    paths, summary = report[0], report[2]
    rows = list(csv.DictReader(io.StringIO(pathlib.Path(paths['findings_csv']).read_text(encoding='utf-8'))))
    assert len(rows) == summary['violations']
    per_user = next(r for r in rows if r['rule'] == 'max_sessions_per_user')
    assert (per_user['server'], per_user['client'], per_user['username'], per_user['observed'],
            per_user['limit']) == ('z-worse', '', 'svc_backup', '5', '2')
    allowed = next(r for r in rows if r['rule'] == 'allowed_clients' and r['server'] == 'm-bad')
    assert allowed['limit'] == '10.0.0.0/8; fd00::/8'
    assert allowed['username'] == XSS


def test_list_cells_a_spreadsheet_would_run_are_neutralised_too(tmp_path):
    """A list cell (allowed_users' limit) is written as its items joined: it starts with the
    first item, which a policy may begin with '-' (defect 10)."""
    policy = load_policy({'allowed_users': ['-ops*', 'bob']})
    ev = evaluate(policy, {'server': 'fs', 'level': 502, 'error': None,
                           'sessions': [session('10.0.0.5', 'mallory', num_opens=-3)]})
    paths = write_reports(str(tmp_path), [ev], summarize([ev]), policy)
    (row,) = csv.DictReader(io.StringIO(pathlib.Path(paths['findings_csv']).read_text(encoding='utf-8')))
    assert row['limit'] == "'-ops*; bob"
    (row,) = csv.DictReader(io.StringIO(pathlib.Path(paths['sessions_csv']).read_text(encoding='utf-8')))
    assert row['num_opens'] == '-3'  # a number is not a formula


# ---------------------------------------------------------------- JUnit

def test_junit_validates_against_the_junit_schema(report):
    paths = report[0]
    xmlschema.XMLSchema(str(XSD)).validate(paths['junit'])


def test_junit_schema_check_can_fail(tmp_path):
    bad = tmp_path / 'bad.xml'
    bad.write_text('<testsuites><testsuite name="x"><testcase/></testsuite></testsuites>')
    assert not xmlschema.XMLSchema(str(XSD)).is_valid(str(bad))


def test_junit_one_suite_per_server_one_case_per_rule(report):
    paths, evaluations = report[:2]
    root = ET.parse(paths['junit']).getroot()
    assert root.tag == 'testsuites'
    assert root.get('name') == 'Nightly <SMB>'
    suites = root.findall('testsuite')
    assert [s.get('name') for s in suites] == ['z-worse', 'm-bad', 'down', 'old0', 'samba1', 'a-clean']
    assert root.get('tests') == str(5 * 6 + 1)  # an unaudited server is one error, not one per rule
    by_name = {s.get('name'): s for s in suites}
    bad = by_name['m-bad']
    assert (bad.get('tests'), bad.get('failures'), bad.get('errors'), bad.get('skipped')) == ('6', '5', '0', '0')
    cases = {c.get('name'): c for c in bad.findall('testcase')}
    assert set(cases) == set(load_policy(POLICY).rules)
    assert all(c.get('classname') == 'm-bad' for c in cases.values())
    failure = cases['allowed_clients'].find('failure')
    assert failure.get('message').startswith('2 violations: m-bad: %s from \'192.0.2.66\'' % XSS)
    assert XSS in failure.text and XSS_IMG in failure.text  # escaped in XML, intact when parsed
    assert cases['max_sessions_per_user'].find('failure') is None

    (down,) = by_name['down'].findall('testcase')
    assert (down.get('classname'), down.get('name')) == ('down', 'audit')
    assert down.find('error').get('message') == 'connection refused (port 445)\ufffd'
    assert (by_name['down'].get('tests'), by_name['down'].get('errors')) == ('1', '1')
    assert root.get('errors') == '1'
    samba = {c.get('name'): c for c in by_name['samba1'].findall('testcase')}
    assert 'Samba reports 0' in samba['max_idle_seconds'].find('skipped').get('message')
    assert samba['deny_guest'].find('skipped') is None and samba['deny_guest'].find('failure') is None
    old = {c.get('name'): c for c in by_name['old0'].findall('testcase')}
    assert old['forbidden_users'].find('skipped').get('message').startswith('level 0 does not report')
    assert by_name['old0'].get('skipped') == '5'
    assert all(len(c) == 0 for c in by_name['a-clean'].findall('testcase'))


# ---------------------------------------------------------------- atomic writes

def _snapshot(directory):
    return {p.name: p.read_bytes() for p in pathlib.Path(directory).iterdir()}


@pytest.mark.parametrize('break_at', ['render', 'write'])
def test_failed_run_leaves_the_previous_report_whole(report, tmp_path, monkeypatch, break_at):
    paths, evaluations, summary = report
    out = os.path.dirname(paths['json'])
    before = _snapshot(out)
    if break_at == 'render':
        def boom(*args, **kwargs):
            raise RuntimeError('render failed')
        monkeypatch.setattr(compliance_report, 'render_junit', boom)
    else:
        calls = []
        real_fsync = os.fsync

        def fsync(fd):
            calls.append(fd)
            if len(calls) == 3:
                raise OSError(28, 'No space left on device')
            real_fsync(fd)
        monkeypatch.setattr(compliance_report.os, 'fsync', fsync)
    with pytest.raises((RuntimeError, OSError)):
        write_reports(out, evaluations[:1], summarize(evaluations[:1]), load_policy(POLICY))
    assert _snapshot(out) == before  # no half-written file, no staging leftovers


def test_report_files_are_readable_like_normal_files(report):
    paths = report[0]
    mask = os.umask(0)
    os.umask(mask)
    for path in paths.values():
        assert os.stat(path).st_mode & 0o777 == 0o666 & ~mask


# ---------------------------------------------------------------- HTML (static)

def test_html_is_self_contained_and_escapes_every_value(report):
    paths = report[0]
    page = pathlib.Path(paths['html']).read_text(encoding='utf-8')
    assert XSS not in page and XSS_IMG not in page
    assert '&lt;script&gt;window.__pwned=1&lt;/script&gt;' in page
    assert 'nightly &lt;b&gt;baseline&lt;/b&gt;' in page
    assert '<title>Nightly &lt;SMB&gt;</title>' in page
    tags = _Tags()
    tags.feed(page)
    # Self-contained: nothing the browser would fetch; one script (ours); no injected element.
    assert tags.fetching == []
    assert tags.counts['script'] == 1 and tags.counts['style'] == 1
    assert tags.counts.get('img', 0) == 0 and tags.counts.get('link', 0) == 0
    assert all(not name.startswith('on') for name in tags.attributes)
    assert '@import' not in page and 'url(' not in page


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.counts = collections.Counter()
        self.attributes = set()
        self.fetching = []

    def handle_starttag(self, tag, attrs):
        self.counts[tag] += 1
        for name, value in attrs:
            self.attributes.add(name)
            if name in ('src', 'href', 'action', 'srcset', 'poster', 'data'):
                self.fetching.append((tag, name, value))


# ---------------------------------------------------------------- HTML in Chromium

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
CHROMEDRIVER = shutil.which('chromedriver')


@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    if not (CHROMIUM and CHROMEDRIVER):
        message = 'needs Debian chromium and chromium-driver (scripts/setup.sh installs them)'
        if os.environ.get('CI'):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run',
                 '--window-size=1400,1100',
                 '--user-data-dir=%s' % tmp_path_factory.mktemp('chromium-profile')):
        options.add_argument(flag)
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _column(driver, table_id, index):
    return [row.find_elements('tag name', 'td')[index].text
            for row in driver.find_elements('css selector', '#%s tbody tr' % table_id)]


def test_html_as_a_person_sees_it(report, browser, capsys):
    paths, summary = report[0], report[2]
    browser.get(pathlib.Path(paths['html']).as_uri())
    assert browser.title == 'Nightly <SMB>'
    assert browser.find_element('id', 'verdict').text == 'FAIL: 13 violations on 2 of 6 servers'
    assert browser.find_element('id', 'count-violations').text.split('\n') == ['13', 'violations']
    assert browser.find_element('id', 'count-errors').text.split('\n') == ['1', 'servers with errors']
    assert browser.find_element('id', 'count-not_evaluable').text.split('\n')[0] == str(summary['not_evaluable'])

    # Violations first: the server with most violations on top, clean servers last.
    assert _column(browser, 'servers', 0) == ['z-worse', 'm-bad', 'down', 'old0', 'samba1', 'a-clean']
    assert _column(browser, 'servers', 1)[:3] == ['violations', 'violations', 'error']
    assert _column(browser, 'servers', 2) == ['7', '6', '0', '0', '0', '0']

    # Hostile names are shown as text and never run.
    users = _column(browser, 'findings', 4)
    assert XSS in users and XSS_IMG in users
    assert browser.execute_script('return window.__pwned === undefined')
    assert '(anonymous)' not in users
    assert 'connection refused (port 445)\ufffd' in _column(browser, 'servers', 7)
    assert any('nightly <b>baseline</b>' in p.text for p in browser.find_elements('css selector', 'p.meta'))

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script('return document.documentElement.scrollHeight')
    browser.set_window_size(1400, min(height + 150, 8000))  # the whole page in one picture
    browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10000
    with capsys.disabled():
        print('\ncompliance report screenshot: %s' % SCREENSHOT)

    severe = [e for e in browser.get_log('browser') if e['level'] == 'SEVERE']
    assert severe == []  # no CSP violation, no script error


def test_html_clicking_a_header_sorts(report, browser):
    paths = report[0]
    browser.get(pathlib.Path(paths['html']).as_uri())
    headers = {th.text: th for th in browser.find_elements('css selector', '#servers thead th')}

    headers['Violations'].click()
    assert headers['Violations'].get_attribute('aria-sort') == 'ascending'
    assert _column(browser, 'servers', 2) == ['0', '0', '0', '0', '6', '7']
    headers['Violations'].click()
    assert headers['Violations'].get_attribute('aria-sort') == 'descending'
    assert _column(browser, 'servers', 2)[:2] == ['7', '6']

    headers['Server'].click()
    assert _column(browser, 'servers', 0) == ['a-clean', 'down', 'm-bad', 'old0', 'samba1', 'z-worse']
    assert headers['Violations'].get_attribute('aria-sort') is None

    headers['Sessions'].click()  # the unaudited server's blank count stays last
    assert _column(browser, 'servers', 4) == ['1', '1', '2', '5', '6', '\u2013']

    headers['Status'].click()  # by severity, not alphabetically
    assert _column(browser, 'servers', 1)[:3] == ['violations', 'violations', 'error']

    idle = browser.find_elements('css selector', '#sessions thead th')[5]
    assert idle.text == 'Idle s'
    idle.click()  # numbers sort as numbers ("900" > "7200" as text); blanks last
    values = _column(browser, 'sessions', 5)
    assert values[-1] == '\u2013' and values[-5:-1] == ['0', '900', '3600', '7200']
    idle.click()
    values = _column(browser, 'sessions', 5)
    assert values[:3] == ['7200', '3600', '900'] and values[-1] == '\u2013'


# ---------------------------------------------------------------- waivers, duplicates, change

def test_waived_duplicate_and_changed_findings_in_every_report(tmp_path):
    from ansible_collections.lanman.smb.plugins.module_utils.compliance_change import compare
    policy = load_policy({'forbidden_users': ['carol', 'eve'], 'waivers': [
        {'rule': 'forbidden_users', 'user': 'eve', 'justification': 'vendor <b>access</b>', 'expires': '2999-01-01'}]})
    results = [{'server': 'fs1', 'level': 502, 'error': None,
                'sessions': [session('10.0.0.5', 'carol'), session('10.0.0.6', 'eve')]},
               {'server': 'fs1-alias', 'duplicate_of': 'fs1', 'error': None, 'level': None, 'sessions': []}]
    evaluations = [evaluate(policy, r) for r in results]
    previous = {'generated': '2026-01-01T00:00:00+00:00', 'findings': [
        {'server': 'fs1', 'rule': 'forbidden_users', 'session': {'client': '10.0.0.5', 'username': 'carol'}},
        {'server': 'fs1', 'rule': 'forbidden_users', 'session': {'client': '10.0.0.7', 'username': 'carol'},
         'message': 'fs1: carol from 10.0.0.7'}]}
    change = compare(evaluations, previous, '2026-01-02T00:00:00+00:00')
    summary = summarize(evaluations)
    summary.update((k, change[k]) for k in ('new', 'persisting', 'resolved'))
    paths = write_reports(str(tmp_path), evaluations, summary, policy, change=change)

    data = json.loads(pathlib.Path(paths['json']).read_text(encoding='utf-8'))
    assert data['change']['resolved'] == 1 and data['summary']['waived'] == 1 and data['summary']['duplicates'] == 1
    assert [(f['session']['username'], f['change'], f['waiver_status']) for f in data['findings']] == [
        ('carol', 'persisting', None), ('eve', 'new', 'active')]

    rows = list(csv.DictReader(io.StringIO(pathlib.Path(paths['findings_csv']).read_text(encoding='utf-8'))))
    assert [(r['username'], r['status'], r['change'], r['first_seen']) for r in rows] == [
        ('carol', 'violation', 'persisting', '2026-01-01T00:00:00+00:00'),
        ('eve', 'waived', 'new', '2026-01-02T00:00:00+00:00')]
    assert rows[1]['waiver'] == 'by waivers[0] until 2999-01-01: vendor <b>access</b>'

    xmlschema.XMLSchema(str(XSD)).validate(paths['junit'])
    root = ET.parse(paths['junit']).getroot()
    suites = dict((s.get('name'), s) for s in root.findall('testsuite'))
    (case,) = suites['fs1'].findall('testcase')
    failure = case.find('failure')
    assert failure.get('message').startswith('1 violation: fs1: carol')
    assert '[persisting, first seen 2026-01-01T00:00:00+00:00]' in failure.text
    assert '1 more finding(s) waived' in failure.text
    (alias,) = suites['fs1-alias'].findall('testcase')
    assert alias.get('name') == 'audit' and 'the same server as fs1' in alias.find('skipped').get('message')

    page = pathlib.Path(paths['html']).read_text(encoding='utf-8')
    assert 'id="resolved"' in page and 'fs1: carol from 10.0.0.7' in page
    assert 'vendor &lt;b&gt;access&lt;/b&gt;' in page and 'vendor <b>' not in page
    assert 'Compared with the report of 2026-01-01T00:00:00+00:00.' in page


def test_a_rule_whose_every_finding_is_waived_is_skipped_in_junit(tmp_path):
    policy = load_policy({'forbidden_users': ['eve'], 'waivers': [
        {'rule': 'forbidden_users', 'justification': 'ok', 'expires': '2999-01-01'}]})
    ev = evaluate(policy, {'server': 'fs1', 'level': 502, 'error': None, 'sessions': [session('10.0.0.6', 'eve')]})
    paths = write_reports(str(tmp_path), [ev], summarize([ev]), policy)
    root = ET.parse(paths['junit']).getroot()
    (case,) = root.iter('testcase')
    assert case.find('skipped').get('message') == 'waived until 2999-01-01: ok'
    assert root.get('failures') == '0'
