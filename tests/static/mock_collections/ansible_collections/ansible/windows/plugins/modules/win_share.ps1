# SYNTAX-RESOLUTION STUB of ansible.windows.win_share, used ONLY by tests/static/test_integration_targets.py
# so that `ansible-playbook --syntax-check` can resolve the name offline. It is not the module
# and must never run: on a real host the real ansible.windows collection is installed.
throw 'stub of ansible.windows.win_share: install the ansible.windows collection'
