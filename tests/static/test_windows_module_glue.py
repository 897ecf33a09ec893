"""Order of the glue in the Windows modules, which the C# tests cannot see: a failed close
still returns its result keys (FailJson keeps $module.Result), an unresolvable exclusion fails
before anything is listed, and the listing's warnings reach the user."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLOSE = (ROOT / 'plugins' / 'modules' / 'win_smb_session.ps1').read_text()
INFO = (ROOT / 'plugins' / 'modules' / 'win_smb_session_info.ps1').read_text()


def _at(text, pattern):
    m = re.search(pattern, text)
    assert m, pattern
    return m.start()


def close_glue_problems(text):
    problems = []
    try:
        results = _at(text, r'\$module\.Result\.\$key = \$result\[\$key\]')
        diff = _at(text, r'\$module\.Diff\.after = \$run\.DiffAfter\(\)')
        level = _at(text, r'\$module\.Result\.level = \$listing\.Level')
        failed = _at(text, r'if \(\$null -ne \$run\.FailedCall\) \{\s*(#[^\n]*\n\s*)*\$module\.FailJson\(\$run\.FailureMessage\(\)\)')
        exit_ = _at(text, r'\$module\.ExitJson\(\)')
        exclusions = _at(text, r'foreach \(\$message in \$excluded\.ExclusionErrors\(\)\) \{\s*\$module\.FailJson\(\$message\)')
        listing = _at(text, r'::ListSessions\(')
        warnings = _at(text, r'foreach \(\$warning in \$listing\.Warnings\) \{\s*\$module\.Warn\(\$warning\)')
    except AssertionError as e:
        return ['missing: %s' % e]
    if not (results < failed and diff < failed and level < failed):
        problems.append('FailJson for a failed close before the result keys, level and diff are set')
    if not failed < exit_:
        problems.append('ExitJson before the failed-close check')
    if not exclusions < listing:
        problems.append('exclusions checked after listing')
    if not warnings < failed:
        problems.append('listing warnings emitted after a possible failure')
    return problems


def test_close_module_glue_order():
    assert close_glue_problems(CLOSE) == []


@pytest.mark.parametrize('broken', [
    # the failure check moved before the results are copied
    lambda t: t.replace('if ($null -ne $run.FailedCall)', 'if ($false)').replace(
        '$result = $run.ToResult()', 'if ($null -ne $run.FailedCall) { $module.FailJson($run.FailureMessage()) }\n$result = $run.ToResult()'),
    # the failure swallowed: no FailJson for a failed close
    lambda t: re.sub(r'if \(\$null -ne \$run\.FailedCall\) \{.*?\n\}\n', '', t, flags=re.S),
    # exclusions checked only after the listing
    lambda t: t.replace('foreach ($message in $excluded.ExclusionErrors())', 'foreach ($message in @())').replace(
        '$module.ExitJson()', 'foreach ($message in $excluded.ExclusionErrors()) {\n    $module.FailJson($message)\n}\n$module.ExitJson()'),
])
def test_close_glue_check_catches_breaks(broken):
    assert close_glue_problems(broken(CLOSE))


def test_info_module_warns_for_clients_and_listing():
    assert re.search(r'foreach \(\$warning in \$clients\.SelectorWarnings\(\)\) \{\s*\$module\.Warn\(\$warning\)', INFO)
    assert re.search(r'foreach \(\$warning in \$listing\.Warnings\) \{\s*\$module\.Warn\(\$warning\)', INFO)
    assert '$module.Result.level = $listing.Level' in INFO


def test_close_module_does_not_assume_the_winrm_user_owns_its_session():
    # Unset is unknown: every session from the host's addresses is kept. Assigning $null would
    # store "" (PowerShell's string conversion), which the planner also reads as unknown.
    assert '$selection.OwnUsername' not in CLOSE
    assert '[Environment]::UserName' not in CLOSE


def try_blocks(text):
    """(body, catch body) of each top-level try/catch (they start at column 0)."""
    return re.findall(r'^try \{\n(.*?)^\}\ncatch \{\n(.*?)^\}', text, flags=re.S | re.M)


def error_glue_problems(text, options):
    problems = []
    blocks = try_blocks(text)
    if not blocks:
        problems.append('no try/catch')
    for body, handler in blocks:
        if handler.strip() != '$module.FailJson([LanmanSessionErrors]::ErrorText($_.Exception), $_)':
            problems.append('a catch that does not fail with ErrorText: %r' % handler.strip())
    if 'InnerException' in text:
        problems.append('unwraps exceptions itself instead of ErrorText')
    guarded = ''.join(body for body, handler in blocks)
    for option in options:
        if "ResolveClients('%s'," % option not in guarded:
            problems.append('%s not resolved (and validated, naming the option) inside a try' % option)
    return problems


@pytest.mark.parametrize('text,options', [(CLOSE, ['client', 'exclude_client']), (INFO, ['client'])],
                         ids=['win_smb_session', 'win_smb_session_info'])
def test_modules_fail_with_error_text_and_validate_selectors_inside_try(text, options):
    assert error_glue_problems(text, options) == []


@pytest.mark.parametrize('broken', [
    lambda t: t.replace('[LanmanSessionErrors]::ErrorText($_.Exception)', '$_.Exception.Message', 1),
    lambda t: t.replace("$excluded = [LanmanClientResolution]::ResolveClients('exclude_client',",
                        "$excluded = [LanmanClientResolution]::ResolveClients('client',"),
    lambda t: t.replace('try {\n    [LanmanLocalHost]::CheckServer', '[LanmanLocalHost]::CheckServer', 1).replace(
        "    $remote = -not [LanmanLocalHost]::IsLocalServer($server)\n}\ncatch {\n"
        "    $module.FailJson([LanmanSessionErrors]::ErrorText($_.Exception), $_)\n}\n",
        "    $remote = -not [LanmanLocalHost]::IsLocalServer($server)\n"),
])
def test_error_glue_check_catches_breaks(broken):
    assert broken(CLOSE) != CLOSE
    assert error_glue_problems(broken(CLOSE), ['client', 'exclude_client'])


def test_close_module_checks_the_server_before_listing():
    """A server that is a network (IsLocalServer refuses it) fails with ErrorText before anything is listed."""
    first_try = try_blocks(CLOSE)[0][0]
    assert '[LanmanLocalHost]::IsLocalServer($server)' in first_try
    assert '::ListSessions(' not in first_try


# ---------------------------------------------------------------- bad entries and servers first
# A blank selector entry used to be dropped here (Where-Object { $_ }), so `client: [x],
# username: ['']` closed every user on x; a blank client reached Dns.GetHostAddresses(""), which
# answers this host (issue 14). SelectorCheck.Entries and LocalHost.CheckServer (tested on Mono
# against tests/fixtures/selector_check_cases.json) must run first, and only their output may be used.

SELECTOR_OPTIONS = {'win_smb_session': ['client', 'username', 'exclude_client', 'exclude_username'],
                    'win_smb_session_info': ['client', 'username']}
TEXTS = {'win_smb_session': CLOSE, 'win_smb_session_info': INFO}


def selector_check_problems(text, options):
    problems = []
    blocks = try_blocks(text)
    first = blocks[0][0] if blocks else ''
    checks = []
    server = re.search(r'^\s*\[LanmanLocalHost\]::CheckServer\(\$server\)\s*$', first, flags=re.M)
    if not server:
        problems.append('CheckServer($server) is not called in the first try block')
    else:
        checks.append(server.start())
    for option in options:
        call = re.search(r"^\s*(\$\w+) = \[LanmanSelectorCheck\]::Entries\('%s', \$module\.Params\.%s\)\s*$"
                         % (option, option), first, flags=re.M)
        if not call:
            problems.append('%s is not checked by SelectorCheck.Entries in the first try block' % option)
            continue
        checks.append(call.start())
        variable = call.group(1)
        used = text[call.end():]
        if not re.search(r'(\(|, |= )%s(\)|,|\s*$)' % re.escape(variable), used, flags=re.M):
            problems.append('the checked %s entries (%s) are never used' % (option, variable))
    uses = [m.start() for m in re.finditer(r'::ResolveClients\(|::IsLocalServer\(|::ListSessions\(', first)]
    if checks and uses and max(checks) > min(uses):
        problems.append('a check runs after something was resolved or listed')
    if re.search(r'\$module\.Params\.(client|username|exclude_client|exclude_username)\b(?!\))', text) or \
            len(re.findall(r'\$module\.Params\.(?:client|username|exclude_client|exclude_username)\b', text)) != len(options):
        problems.append('a selector option is read other than through SelectorCheck.Entries')
    if 'Where-Object' in text:
        problems.append('Where-Object drops entries (a dropped entry widens a close)')
    return problems


@pytest.mark.parametrize('module', sorted(TEXTS))
def test_bad_entries_and_servers_are_refused_first(module):
    assert selector_check_problems(TEXTS[module], SELECTOR_OPTIONS[module]) == []


@pytest.mark.parametrize('module, broken', [
    ('win_smb_session', lambda t: t.replace('    [LanmanLocalHost]::CheckServer($server)\n', '', 1)),
    ('win_smb_session_info', lambda t: t.replace('    [LanmanLocalHost]::CheckServer($server)\n', '', 1)),
    ('win_smb_session', lambda t: t.replace(
        "    $usernames = [LanmanSelectorCheck]::Entries('username', $module.Params.username)\n", '', 1).replace(
        '$selection.Usernames = $usernames', '$selection.Usernames = [string[]]@($module.Params.username | Where-Object { $_ })')),
    ('win_smb_session', lambda t: t.replace(
        '$selection.ExcludeUsernames = $excludeUsernames', '$selection.ExcludeUsernames = [string[]]$module.Params.exclude_username')),
    ('win_smb_session', lambda t: t.replace(
        "ResolveClients('exclude_client', $excludeClientNames)", "ResolveClients('exclude_client', [string[]]@($module.Params.exclude_client))")),
    ('win_smb_session_info', lambda t: t.replace(
        "    $usernames = [LanmanSelectorCheck]::Entries('username', $module.Params.username)\n", '', 1).replace(
        '$level = if', "$usernames = [string[]]@($module.Params.username | Where-Object { $_ })\n$level = if")),
    ('win_smb_session_info', lambda t: t.replace(
        "ResolveClients('client', $clientNames)", "ResolveClients('client', [string[]]@($module.Params.client))")),
    # the check moved after the listing
    ('win_smb_session_info', lambda t: t.replace(
        "    $clientNames = [LanmanSelectorCheck]::Entries('client', $module.Params.client)\n", '', 1).replace(
        '    $listing = ', "    $clientNames = [LanmanSelectorCheck]::Entries('client', $module.Params.client)\n    $listing = ")),
])
def test_selector_check_glue_catches_breaks(module, broken):
    text = TEXTS[module]
    assert broken(text) != text
    assert selector_check_problems(broken(text), SELECTOR_OPTIONS[module])
