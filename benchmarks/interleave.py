"""Run two peers interleaved (A, B, A, B, ...) and summarise the pairwise ratio.

Interleaving makes both peers share the same moments of machine noise, so the ratio of each
pair is steadier than the ratio of two medians taken minutes apart. Used by every benchmark.
"""
import pathlib
import resource
import statistics
import time


def paired(run_a, run_b, runs, setup=None, self_timed=False):
    """Times ``run_a`` and ``run_b`` alternately ``runs`` times each.

    Each call is timed here, or with ``self_timed`` returns its own time in ms (e.g. measured
    inside a child process, without its start-up). ``setup`` runs before
    every single measurement (e.g. open the session a close will end). Returns a dict with
    the median of each peer and the median, min and max of the per-pair ratio b / a.
    """
    a_times, b_times, ratios = [], [], []
    for index in range(runs):
        # Alternate which peer goes first, so neither always gets a warm or a cold start.
        order = (run_a, run_b) if index % 2 == 0 else (run_b, run_a)
        results = {}
        for fn in order:
            if setup:
                setup()
            start = time.perf_counter()
            value = fn()
            results[fn] = value if self_timed else (time.perf_counter() - start) * 1000.0
        pair = (results[run_a], results[run_b])
        a_times.append(pair[0])
        b_times.append(pair[1])
        ratios.append(pair[1] / pair[0])
    return {
        'a_ms': statistics.median(a_times),
        'b_ms': statistics.median(b_times),
        'ratio': statistics.median(ratios),
        'ratio_min': min(ratios),
        'ratio_max': max(ratios),
        'runs': runs,
    }


def ratio_text(result):
    return '%.1fx (%.1f-%.1f)' % (result['ratio'], result['ratio_min'], result['ratio_max'])


def spread(values, fmt='%.2f'):
    """'median (min-max)' of ``values``, each written with ``fmt``."""
    return (fmt + ' (' + fmt + '-' + fmt + ')') % (statistics.median(values), min(values), max(values))


def children_cpu_seconds():
    """CPU seconds used so far by this process's finished children (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def in_tree_import_base(root):
    """tests/output/collections under the checkout ``root``, holding ansible_collections/lanman/smb
    -> ``root`` (the tree tests/conftest.py makes; made here too when missing), so that
    ``ansible_collections.lanman.smb`` imports from the checkout."""
    base = pathlib.Path(root) / 'tests' / 'output' / 'collections'
    link = base / 'ansible_collections' / 'lanman' / 'smb'
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(root, target_is_directory=True)
    return base


def collection_path(root, base):
    """``base`` (a new directory) holding ansible_collections/lanman/smb -> the checkout ``root``,
    as ANSIBLE_COLLECTIONS_PATH wants it: Ansible finds a collection only in such a tree."""
    link = pathlib.Path(base) / 'ansible_collections' / 'lanman' / 'smb'
    link.parent.mkdir(parents=True)
    link.symlink_to(root, target_is_directory=True)
    return str(base)
