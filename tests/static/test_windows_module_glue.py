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
    lambda t: t.replace('try {\n    $clients', '$clients', 1).replace(
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
