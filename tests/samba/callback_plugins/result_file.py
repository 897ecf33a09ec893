"""Test helper for tests/samba/conftest.py's ModuleRunner: writes the task's result, every key of
it as the module returned it, to the file named by LANMAN_TEST_RESULT_FILE. This replaces a
second task (register, then copy the registered result to a file), which cost one more module
process per run; the result is the same one `register` would give (compared key by key when it
was introduced)."""
from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: result_file
type: aggregate
short_description: writes each task result to LANMAN_TEST_RESULT_FILE (tests only)
description: writes each task result to LANMAN_TEST_RESULT_FILE (tests only)
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'result_file'
    CALLBACK_NEEDS_ENABLED = True

    def _save(self, result, failed):
        # ansible-core >= 2.19 hands callbacks a CallbackTaskResult (.result); older ones a TaskResult (._result)
        data = dict(result.result if hasattr(result, 'result') else result._result)
        data['failed'] = failed   # callbacks of newer ansible-core drop 'failed'; the hook says it
        with open(os.environ['LANMAN_TEST_RESULT_FILE'], 'w') as f:
            json.dump(data, f)

    def v2_runner_on_ok(self, result):
        self._save(result, False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._save(result, True)
