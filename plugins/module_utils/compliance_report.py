# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compliance reports from session_policy evaluations: JSON, CSV, HTML and JUnit XML.

Every file is rendered in memory first, then written to a temporary file in the report
directory and renamed into place, so a failed run never leaves half a report.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import csv
import datetime
import hashlib
import html
import io
import json
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET

FILES = {
    'json': 'report.json',
    'sessions_csv': 'sessions.csv',
    'findings_csv': 'findings.csv',
    'html': 'report.html',
    'junit': 'junit.xml',
}
SESSION_COLUMNS = ('client', 'username', 'num_opens', 'active_seconds', 'idle_seconds',
                   'user_flags', 'is_guest', 'cleartext_password', 'client_type', 'transport')
# What the policy module says about each session beyond its fields (docs/policy.md).
LABEL_COLUMNS = ('anonymous', 'own_session', 'logon_in_progress', 'judged')
# Server order in every report: violations first, then errors, incomplete, waived, clean, duplicates.
STATUS_RANK = {'violation': 0, 'error': 1, 'not_evaluable': 2, 'waived': 3, 'pass': 4, 'duplicate': 5}
STATUS_LABEL = {'violation': 'violations', 'error': 'error', 'not_evaluable': 'not fully evaluable',
                'waived': 'pass (findings waived)', 'pass': 'pass', 'duplicate': 'duplicate'}
_XML_INVALID = re.compile(u'[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')
# Spreadsheets run a cell that starts with one of these as a formula; user and client names
# come from the network, so such text cells get a leading apostrophe in the CSV files.
_FORMULA_START = ('=', '+', '-', '@', '\t', '\r')


def _policy_data(policy):
    return policy.to_dict() if hasattr(policy, 'to_dict') else dict(policy or {})


def _unwaived(evaluation):
    return [f for f in evaluation.get('findings', ()) if f.get('waiver_status') != 'active']


def server_status(evaluation):
    if evaluation.get('duplicate_of'):
        return 'duplicate'
    if _unwaived(evaluation):
        return 'violation'
    if evaluation.get('error'):
        return 'error'
    if any(r['status'] == 'not_evaluable' for r in evaluation.get('rules', ())):
        return 'not_evaluable'
    if evaluation.get('findings'):
        return 'waived'
    return 'pass'


def ordered_servers(evaluations):
    """Violations first (most first), then errors, then not fully evaluable, then clean."""
    return sorted(evaluations, key=lambda e: (STATUS_RANK[server_status(e)],
                                              -len(_unwaived(e)),
                                              str(e.get('server')).lower()))


def _user_label(username):
    if username is None:
        return None
    return '(anonymous)' if username == '' else username


def _text(value):
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple)):
        # '' in a user list is the anonymous entry: show it, not an empty gap
        return '; '.join("''" if v == '' else _text(v) for v in value)
    return str(value)


# ---------------------------------------------------------------- JSON

def render_json(evaluations, summary, policy, title, generated, change=None):
    data = {
        'title': title,
        'generated': generated,
        'policy': _policy_data(policy),
        'summary': summary,
        'change': change,
        'servers': ordered_servers(evaluations),
        'findings': [f for e in ordered_servers(evaluations) for f in e.get('findings', ())],
    }
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + '\n'


# ---------------------------------------------------------------- CSV

def _csv_cell(value):
    text = _text(value)
    # Any text, a list joined into one cell too; a number is a number (-3 is not a formula).
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not numeric and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _csv(header, rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator='\r\n')
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buf.getvalue()


def render_sessions_csv(evaluations):
    header = ('server', 'level') + SESSION_COLUMNS + LABEL_COLUMNS + ('violations', 'waived')
    rows = []
    for ev in ordered_servers(evaluations):
        for s in ev.get('sessions', ()):
            rows.append([ev['server'], ev.get('level')] + [s.get(k) for k in SESSION_COLUMNS + LABEL_COLUMNS]
                        + [s.get('violations', []), s.get('waived', [])])
    return _csv(header, rows)


def _limit(value):
    """A finding's limit as a cell: the anonymous pattern '' shown as ''."""
    return "''" if value == '' else value


def finding_status(finding):
    return 'waived' if finding.get('waiver_status') == 'active' else 'violation'


def _waiver_text(finding):
    waiver = finding.get('waiver')
    if not waiver:
        return None
    return '%s waivers[%d] until %s: %s' % ('expired' if finding.get('waiver_status') == 'expired' else 'by',
                                            waiver['index'], waiver['expires'], waiver['justification'])


def render_findings_csv(evaluations):
    # file_id and path (open-file findings) come last: columns earlier readers know keep their place.
    header = ('server', 'rule', 'status', 'client', 'username', 'observed', 'limit', 'change', 'first_seen',
              'waiver', 'message', 'file_id', 'path')
    rows = []
    for ev in ordered_servers(evaluations):
        for f in ev.get('findings', ()):
            ref = f.get('session') or {}
            file_ref = f.get('file') or {}
            rows.append([f['server'], f['rule'], finding_status(f), ref.get('client'), ref.get('username'),
                         f.get('observed'), _limit(f.get('limit')), f.get('change'), f.get('first_seen'),
                         _waiver_text(f), f.get('message'), file_ref.get('id'), file_ref.get('path')])
    return _csv(header, rows)


# ---------------------------------------------------------------- JUnit

def _xml(value):
    return _XML_INVALID.sub(u'\ufffd', _text(value))


def _change_note(finding):
    if finding.get('change') == 'persisting':
        return ' [persisting, first seen %s]' % finding.get('first_seen')
    if finding.get('change') == 'new':
        return ' [new]'
    return ''


def _junit_rules(ev):
    """The test cases of one server: one per rule; one 'audit' case for a server that was not
    audited (an error) or is listed under another name (skipped)."""
    if ev.get('duplicate_of'):
        return [{'rule': 'audit', 'status': 'not_evaluable',
                 'reason': 'the same server as %s, listed once under that name' % ev['duplicate_of']}]
    if ev.get('error'):
        # Not audited: one error for the server, not one per rule (they all say the same).
        return [{'rule': 'audit', 'status': 'error', 'reason': ev['error']}]
    return ev.get('rules', ())


def render_junit(evaluations, title, generated):
    """One <testsuite> per server, one <testcase classname=server name=rule> per rule.

    GitLab shows classname as the suite column, dorny/test-reporter and
    mikepenz/action-junit-report group by <testsuite>, Jenkins by classname: one suite per
    server keeps the server as the group everywhere. A waived or not evaluable rule is skipped
    with the reason; a violated rule fails with every finding that is not waived.
    """
    root = ET.Element('testsuites')
    totals = {'tests': 0, 'failures': 0, 'errors': 0}
    for ev in ordered_servers(evaluations):
        server = _xml(ev.get('server'))
        rules = _junit_rules(ev)
        counts = {
            'tests': len(rules),
            'failures': sum(1 for r in rules if r['status'] == 'violation'),
            'errors': sum(1 for r in rules if r['status'] == 'error'),
            'skipped': sum(1 for r in rules if r['status'] in ('not_evaluable', 'waived')),
        }
        suite = ET.SubElement(root, 'testsuite', name=server, time='0', timestamp=generated,
                              **{k: str(v) for k, v in counts.items()})
        for k in totals:
            totals[k] += counts[k]
        props = ET.SubElement(suite, 'properties')
        for name in ('level', 'session_count', 'idle_time_reliable', 'server_kind', 'open_file_count'):
            ET.SubElement(props, 'property', name=name, value=_xml(ev.get(name)))
        for r in rules:
            case = ET.SubElement(suite, 'testcase', classname=server, name=_xml(r['rule']), time='0')
            if r['status'] == 'violation':
                findings = [f for f in r.get('findings', ()) if f.get('waiver_status') != 'active']
                waived = len(r.get('findings', ())) - len(findings)
                message = '%d violation%s: %s' % (len(findings), '' if len(findings) == 1 else 's',
                                                  findings[0]['message'])
                failure = ET.SubElement(case, 'failure', type='policy_violation',
                                        message=_xml(message))
                failure.text = _xml('\n'.join(f['message'] + _change_note(f) for f in findings)
                                    + ('\n%d more finding(s) waived' % waived if waived else '')
                                    + '\nlimit: %s' % _text(r.get('limit')))
            elif r['status'] == 'error':
                error = ET.SubElement(case, 'error', type='server_error', message=_xml(r.get('reason')))
                error.text = _xml(r.get('reason'))
            elif r['status'] in ('not_evaluable', 'waived'):
                ET.SubElement(case, 'skipped', message=_xml(r.get('reason')))
    root.set('name', _xml(title))
    root.set('time', '0')
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding='unicode') + '\n'


# ---------------------------------------------------------------- HTML

_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#1d1d1f}
h1{margin:0 0 .2em}h2{margin:1.4em 0 .4em}
.meta{color:#555}
.verdict{display:inline-block;padding:.3em .8em;border-radius:4px;font-weight:bold;color:#fff}
.verdict-pass{background:#1a7f37}.verdict-fail{background:#c62828}.verdict-error{background:#b26a00}
.counts{display:flex;gap:1.2em;flex-wrap:wrap;margin:.8em 0;padding:0;list-style:none}
.counts li{border:1px solid #ddd;border-radius:4px;padding:.4em .8em}
.counts b{font-size:1.3em;display:block}
table{border-collapse:collapse;width:100%;margin-bottom:1em}
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3;cursor:pointer;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.num{text-align:right}
.null{color:#999}
tr.st-violation td:first-child{border-left:4px solid #c62828}
td:first-child{white-space:nowrap}
tr.st-error td:first-child{border-left:4px solid #b26a00}
.status-violation{color:#c62828;font-weight:bold}.status-error{color:#b26a00;font-weight:bold}
.status-not_evaluable{color:#555}.status-pass{color:#1a7f37}.status-waived{color:#6a5acd}
.status-duplicate{color:#555}
"""

_JS = """
(function () {
  function sortKey(cell) {
    var v = cell.getAttribute('data-sort');
    if (v === null) { v = cell.textContent; }
    var n = Number(v);
    return (v.trim() !== '' && !isNaN(n)) ? {n: n} : {s: v.toLowerCase()};
  }
  function compare(a, b) {
    if ('n' in a && 'n' in b) { return a.n - b.n; }
    if ('n' in a) { return -1; }
    if ('n' in b) { return 1; }
    return a.s < b.s ? -1 : (a.s > b.s ? 1 : 0);
  }
  function sortBy(table, th, col) {
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    var heads = table.tHead.rows[0].cells;
    for (var h = 0; h < heads.length; h++) { heads[h].removeAttribute('aria-sort'); }
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (row, i) {
      return {row: row, index: i, key: sortKey(row.cells[col])};
    });
    rows.sort(function (x, y) {
      var xe = x.key.s === '', ye = y.key.s === '';
      if (xe !== ye) { return xe ? 1 : -1; }  // blanks (not reported) stay last both ways
      var c = compare(x.key, y.key);
      return (ascending ? c : -c) || x.index - y.index;
    });
    rows.forEach(function (x) { body.appendChild(x.row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.tabIndex = 0;
      th.title = 'Sort by this column';
      th.addEventListener('click', function () { sortBy(table, th, col); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(table, th, col); }
      });
    });
  });
})();
"""


def _e(value):
    # Control characters are not allowed in HTML text either; show them as U+FFFD.
    return html.escape(_XML_INVALID.sub(u'\ufffd', _text(value)), quote=True)


def _cell(value, sort=None, cls=None):
    """One <td>; None shows as a grey dash (the level does not report it)."""
    attrs = ''
    classes = [cls] if cls else []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        classes.append('num')
    if sort is not None:
        attrs += ' data-sort="%s"' % _e(sort)
    if value is None:
        classes.append('null')
        attrs += ' data-sort=""' if sort is None else ''
        body = '&ndash;'
    else:
        body = _e(value)
    if classes:
        attrs = ' class="%s"' % ' '.join(classes) + attrs
    return '<td%s>%s</td>' % (attrs, body)


def _table(table_id, headers, rows):
    head = ''.join('<th scope="col">%s</th>' % _e(h) for h in headers)
    body = '\n'.join(rows) if rows else (
        '<tr><td colspan="%d">none</td></tr>' % len(headers))
    return ('<table id="%s" class="sortable"><thead><tr>%s</tr></thead>\n<tbody>\n%s\n</tbody></table>'
            % (table_id, head, body))


def _server_rows(servers):
    rows = []
    for ev in servers:
        status = server_status(ev)
        blind = [r['rule'] for r in ev.get('rules', ()) if r['status'] == 'not_evaluable']
        detail = ev.get('error') or ('not evaluable: ' + ', '.join(blind) if blind else '')
        if ev.get('duplicate_of'):
            detail = 'the same server as %s, listed once under that name' % ev['duplicate_of']
        rows.append('<tr class="st-%s">%s%s%s%s%s%s%s%s</tr>' % (
            status, _cell(ev.get('server')),
            _cell(STATUS_LABEL[status], sort=STATUS_RANK[status], cls='status status-' + status),
            _cell(len(_unwaived(ev))), _cell(len(blind)),
            _cell(ev.get('session_count')), _cell(ev.get('open_file_count')), _cell(ev.get('level')), _cell(detail)))
    return rows


def _finding_rows(servers):
    rows = []
    for ev in servers:
        for f in ev.get('findings', ()):
            ref = f.get('session') or {}
            file_ref = f.get('file') or {}
            status = finding_status(f)
            rows.append('<tr class="st-%s">%s</tr>' % (status, ''.join((
                _cell(f['server']), _cell(f['rule']), _cell(status, cls='status-' + status),
                _cell(ref.get('client')), _cell(_user_label(ref.get('username'))),
                _cell(file_ref.get('id')), _cell(file_ref.get('path')), _cell(f.get('observed')),
                _cell(_text(_limit(f.get('limit')))), _cell(f.get('change')), _cell(f.get('first_seen')),
                _cell(_waiver_text(f)), _cell(f.get('message'))))))
    return rows


def _resolved_rows(change):
    rows = []
    for f in (change or {}).get('resolved_findings') or ():
        ref = f.get('session') or {}
        rows.append('<tr>%s</tr>' % ''.join((
            _cell(f.get('server')), _cell(f.get('rule')), _cell(ref.get('client')),
            _cell(_user_label(ref.get('username'))), _cell(f.get('first_seen')), _cell(f.get('last_seen')),
            _cell(f.get('message')))))
    return rows


def _rule_rows(servers):
    rows = []
    for ev in servers:
        for r in _junit_rules(ev):
            rows.append('<tr>%s%s%s%s%s%s</tr>' % (
                _cell(ev.get('server')), _cell(r['rule']),
                _cell(r['status'].replace('_', ' '), sort=STATUS_RANK[r['status']],
                      cls='status-' + r['status']),
                _cell(_text(r.get('limit'))), _cell(len(r.get('findings', ()))),
                _cell(r.get('reason'))))
    return rows


def _session_rows(servers):
    rows = []
    for ev in servers:
        sessions = sorted(ev.get('sessions', ()), key=lambda s: not s.get('violations'))
        for s in sessions:
            cells = [_cell(ev.get('server')), _cell(s.get('client')),
                     _cell(_user_label(s.get('username')))]
            cells += [_cell(s.get(k)) for k in SESSION_COLUMNS[2:]]
            cells.append(_cell(_labels_text(s)))
            cells.append(_cell(', '.join(s.get('violations', ()))))
            cells.append(_cell(', '.join(s.get('waived', ()))))
            rows.append('<tr%s>%s</tr>' % (' class="st-violation"' if s.get('violations') else '',
                                           ''.join(cells)))
    return rows


def _labels_text(session):
    words = [w for w, key in (('anonymous', 'anonymous'), ("audit's own", 'own_session'),
                              ('logon in progress', 'logon_in_progress')) if session.get(key)]
    if session.get('judged') is False:
        words.append('not judged: %s' % session.get('not_judged_reason'))
    return '; '.join(words)


def _csp_hash(text):
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode('utf-8')).digest()).decode('ascii')


def render_html(evaluations, summary, policy, title, generated, change=None):
    servers = ordered_servers(evaluations)
    data = _policy_data(policy)
    verdict = summary.get('verdict', 'pass')
    headline = {
        'pass': 'PASS: no violations',
        'fail': 'FAIL: %d violation%s on %d of %d server%s' % (
            summary['violations'], '' if summary['violations'] == 1 else 's',
            summary['servers_with_violations'], summary['servers'],
            '' if summary['servers'] == 1 else 's'),
        'error': 'ERROR: no violations found, but %d server%s could not be audited' % (
            summary['errors'], '' if summary['errors'] == 1 else 's'),
    }.get(verdict, verdict)
    shown = [('servers', 'servers'), ('servers_with_violations', 'servers with violations'),
             ('violations', 'violations')]
    if summary.get('new') is not None:
        shown += [('new', 'new since the last run'), ('resolved', 'resolved since the last run')]
    shown += [('waived', 'findings waived'), ('not_evaluable', 'rules not evaluable'),
              ('errors', 'servers with errors')]
    if summary.get('duplicates'):
        shown.append(('duplicates', 'duplicates'))
    counts = ''.join('<li id="count-%s"><b>%s</b>%s</li>' % (key, _e(summary.get(key, 0)), _e(label))
                     for key, label in shown)
    since = ('Compared with the report of %s.' % _e(change['previous_generated'])
             if change and change.get('previous_generated') else 'No previous report to compare with.')
    policy_line = 'Policy %s%s' % (_e(data.get('name') or '(unnamed)'),
                                   ': ' + _e(data['description']) if data.get('description') else '')
    rules_set = ', '.join('%s = %s' % (_e(k), _e(_text(v))) for k, v in data.items()
                          if k not in ('name', 'description', 'waivers'))
    if data.get('waivers'):
        rules_set += '; %d waiver(s)' % len(data['waivers'])
    csp = "default-src 'none'; style-src %s; script-src %s; base-uri 'none'; form-action 'none'" % (
        _csp_hash(_CSS), _csp_hash(_JS))
    parts = [
        '<!DOCTYPE html>',
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="%s">' % csp,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<title>%s</title>' % _e(title),
        '<style>%s</style></head><body>' % _CSS,
        '<header><h1>%s</h1>' % _e(title),
        '<p id="verdict" class="verdict verdict-%s">%s</p>' % (_e(verdict), _e(headline)),
        '<ul class="counts">%s</ul>' % counts,
        '<p class="meta">%s. Rules: %s. Generated %s. %s</p></header>' % (
            policy_line, rules_set, _e(generated), since),
        '<p class="meta">Click a column header to sort. &ldquo;Not evaluable&rdquo; means the '
        'server&rsquo;s answer cannot judge that rule (see docs/policy.md); it is never counted '
        'as a pass.</p>',
        '<section><h2>Servers</h2>',
        _table('servers', ('Server', 'Status', 'Violations', 'Not evaluable', 'Sessions', 'Open files',
                           'Level', 'Details'), _server_rows(servers)),
        '</section><section><h2>Findings</h2>',
        _table('findings', ('Server', 'Rule', 'Status', 'Client', 'User', 'File id', 'Path', 'Observed', 'Limit',
                            'Change', 'First seen', 'Waiver', 'Message'), _finding_rows(servers)),
        '</section><section><h2>Resolved since the last run</h2>',
        _table('resolved', ('Server', 'Rule', 'Client', 'User', 'First seen', 'Last seen', 'Message'),
               _resolved_rows(change)),
        '</section><section><h2>Rule results</h2>',
        _table('rules', ('Server', 'Rule', 'Status', 'Limit', 'Findings', 'Reason'),
               _rule_rows(servers)),
        '</section><section><h2>Sessions</h2>',
        _table('sessions', ('Server', 'Client', 'User', 'Open', 'Active s', 'Idle s', 'User flags',
                            'Guest', 'Cleartext password', 'Client type', 'Transport', 'Labels',
                            'Violations', 'Waived'), _session_rows(servers)),
        '</section>',
        '<script>%s</script>' % _JS,
        '</body></html>',
    ]
    return '\n'.join(parts) + '\n'


# ---------------------------------------------------------------- writing

def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def generated_now():
    """The time a report is generated, as every report writes it."""
    return _now()


def write_reports(report_dir, evaluations, summary, policy, title='SMB session compliance', change=None,
                  generated=None):
    """Write every report into ``report_dir``; return {kind: path} (kinds: see FILES).
    ``change`` is compliance_change.compare's summary (the findings carry their own change)."""
    evaluations = list(evaluations)
    generated = generated or _now()
    contents = {
        'json': render_json(evaluations, summary, policy, title, generated, change),
        'sessions_csv': render_sessions_csv(evaluations),
        'findings_csv': render_findings_csv(evaluations),
        'html': render_html(evaluations, summary, policy, title, generated, change),
        'junit': render_junit(evaluations, title, generated),
    }
    os.makedirs(report_dir, exist_ok=True)
    staging = tempfile.mkdtemp(prefix='.compliance-', dir=report_dir)
    try:
        umask = os.umask(0)
        os.umask(umask)
        staged = {}
        for kind, text in contents.items():
            path = os.path.join(staging, FILES[kind])
            with open(path, 'w', encoding='utf-8', newline='') as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(path, 0o666 & ~umask)
            staged[kind] = path
        paths = {}
        for kind, path in staged.items():
            paths[kind] = os.path.join(report_dir, FILES[kind])
            os.replace(path, paths[kind])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return paths
