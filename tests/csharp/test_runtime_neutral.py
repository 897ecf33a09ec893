"""A misread native buffer fails differently on each runtime the C# utils meet: Mono dies of
SIGSEGV, CoreCLR (PowerShell 7) throws AccessViolationException (fatal) or, near address 0, a
catchable NullReferenceException. A catch that takes those would turn the CoreCLR failure into
behaviour (a session skipped, a listing cut short) that the Mono run never shows, so the utils
catch only the exceptions they name, and none of these."""
import pathlib
import re
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from csharp5_lint import matches_by_line, strip_comments_and_strings  # noqa: E402

UTILS = sorted((HERE.parents[1] / 'plugins' / 'module_utils').glob('*.cs'))
RULES = [
    (re.compile(r'\bcatch\s*\{'), 'catch without a type takes a misread buffer'),
    (re.compile(r'\bcatch\s*\(\s*(System\.)?(Exception|SystemException|NullReferenceException|AccessViolationException)\b'),
     'catch of an exception a misread buffer throws on CoreCLR'),
]


def catch_alls(text):
    return matches_by_line(strip_comments_and_strings(text), RULES)


@pytest.mark.parametrize('path', UTILS, ids=lambda p: p.name)
def test_util_never_catches_what_a_misread_buffer_throws(path):
    assert catch_alls(path.read_text(encoding='utf-8')) == []


@pytest.mark.parametrize('snippet', [
    'try { F(); } catch { }',
    'try { F(); } catch (Exception e) { }',
    'try { F(); } catch (System.Exception) { }',
    'try { F(); } catch ( NullReferenceException ) { }',
    'try { F(); } catch (AccessViolationException e) { }',
    'try { F(); } catch (SystemException) { }',
])
def test_check_finds_each_catch_all(snippet):
    assert catch_alls(snippet)


def test_check_lets_named_exceptions_comments_and_strings_pass():
    assert catch_alls('try { F(); } catch (NetSessionException e) { } // catch (Exception)\n'
                      'string s = "catch { }"; try { } catch (ExceptionDetail) { }') == []
