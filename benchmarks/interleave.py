"""Run two peers interleaved (A, B, A, B, ...) and summarise the pairwise ratio.

Interleaving makes both peers share the same moments of machine noise, so the ratio of each
pair is steadier than the ratio of two medians taken minutes apart. Used by every benchmark.
"""
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
