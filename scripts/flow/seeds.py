#!/usr/bin/env python3
"""How much of a layout is the placer's luck: reruns stored sweep points with other graywolf
seeds (the sweep's own command plus --seed), and prints each metric's spread over the seeds.

    python3 scripts/flow/seeds.py run se_unit_2x2:2d se_unit_2x2:3d-lol --seeds 2 3 4 5
    python3 scripts/flow/seeds.py report            # every stored seed run, with seed 1

A run writes results/flow/seeds/<point>-<style>-s<seed>.json (the same schema as the sweep's
rows; seed 1 is the sweep's row in results/flow/) in its own work directory
(flow-work/seeds/s<seed>/), so the sweep's layouts are not touched. A run already complete with the
same command is kept. report prints, per point and style, the seed-1 value, the median, the
range over all seeds and the 3D/2D ratio per seed where both styles ran. The physical model's
check (tests/phys/flow_validation_test.cpp) compares against the median of the stored runs.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sweep  # noqa: E402

REPO = sweep.REPO
OUT = os.path.join(REPO, 'results', 'flow', 'seeds')
WORK = os.path.join(REPO, 'flow-work', 'seeds')

# what a seed can move: the layout's wire, timing and power (cells and cell area are fixed by
# synthesis and blifFanout before placement, so they are checked equal, not summarized)
METRICS = {
    'wirelength_um': lambda r: r['wirelength']['total_um'],
    'wire_ff': lambda r: r['capacitance']['wire_ff'],
    'clock_length_um': lambda r: r['clock']['length_um'],
    'fmax_mhz': lambda r: r['timing']['fmax_mhz'],
    'switching_w': lambda r: r['power']['switching_w'],
    'total_w': lambda r: r['power']['total_w'],
    'footprint_um2': lambda r: r['footprint_um2'],
}


def command(point, style, seed):
    cmd = sweep.command(point, style)
    out = 'results/flow/seeds/%s-%s-s%d.json' % (point, style, seed)
    cmd[cmd.index('--out') + 1] = out
    work = os.path.relpath(os.path.join(WORK, 's%d' % seed), REPO)
    return cmd + ['--seed', str(seed), '--work', work], out


def run(targets, seeds):
    os.makedirs(OUT, exist_ok=True)
    for t in targets:
        point, _, style = t.partition(':')
        if point not in sweep.POINTS or style not in sweep.POINTS[point]['styles']:
            print('seeds: %s: not a point:style of scripts/flow/sweep.py' % t, file=sys.stderr)
            return 1
        for s in seeds:
            if s == 1:
                print('seeds: seed 1 is the sweep\'s row (results/flow/%s-%s.json)' % (point, style),
                      file=sys.stderr)
                return 1
            cmd, out = command(point, style, s)
            path = os.path.join(REPO, out)
            if os.path.exists(path):
                r = json.load(open(path))
                if r.get('complete') and r.get('command') == ' '.join(cmd):
                    print('seeds: %s %s seed %d: kept' % (point, style, s), flush=True)
                    continue
            t0 = time.time()
            p = subprocess.run(cmd, cwd=REPO)
            print('seeds: %s %s seed %d: exit %d in %.0f s' % (point, style, s, p.returncode,
                                                                time.time() - t0), flush=True)
            if p.returncode != 0:
                return 1
    return 0


def load():
    """{(point, style): {seed: row}}: the stored seed runs and their sweep rows (seed 1)."""
    rows = {}
    if not os.path.isdir(OUT):
        return rows
    for f in sorted(os.listdir(OUT)):
        if not f.endswith('.json'):
            continue
        r = json.load(open(os.path.join(OUT, f)))
        if not r.get('complete'):
            continue
        rows.setdefault((r['name'], r['style']), {})[r['seed']] = r
    for (point, style), by in rows.items():
        base = os.path.join(REPO, 'results', 'flow', '%s-%s.json' % (point, style))
        by[1] = json.load(open(base))
    return rows


def summarize(rows):
    out = []
    for (point, style), by in sorted(rows.items()):
        cells = {s: r['cells']['count'] for s, r in by.items()}
        if len(set(cells.values())) != 1:
            raise SystemExit('seeds: %s %s: cell counts differ between seeds (%s): not one netlist'
                             % (point, style, cells))
        e = {'point': point, 'style': style, 'seeds': sorted(by), 'cells': cells[1], 'metrics': {}}
        for m, get in METRICS.items():
            v = {s: get(r) for s, r in by.items()}
            med = statistics.median(v.values())
            e['metrics'][m] = {
                'by_seed': {str(s): v[s] for s in sorted(v)}, 'seed1': v[1], 'median': med,
                'min': min(v.values()), 'max': max(v.values()),
                'seed1_vs_median_pct': 100 * (v[1] / med - 1),
                'range_pct': 100 * (max(v.values()) - min(v.values())) / med}
        out.append(e)
    # 3D/2D ratios per seed where both styles have the same seeds (seed k with seed k)
    ratios = []
    by_point = {}
    for e in out:
        by_point.setdefault(e['point'], {})[e['style']] = e
    for point, st in sorted(by_point.items()):
        if '2d' not in st:
            continue
        for style in ('3d-lol',):
            if style not in st:
                continue
            common = sorted(set(st['2d']['seeds']) & set(st[style]['seeds']))
            for m in ('wirelength_um', 'fmax_mhz', 'total_w'):
                r = [st[style]['metrics'][m]['by_seed'][str(s)] / st['2d']['metrics'][m]['by_seed'][str(s)]
                     for s in common]
                ratios.append({'point': point, 'style': style, 'metric': m, 'seeds': common,
                               'ratio_by_seed': r, 'median': statistics.median(r),
                               'min': min(r), 'max': max(r)})
    return {'points': out, 'ratios_vs_2d': ratios}


def report():
    s = summarize(load())
    if not s['points']:
        print('seeds: no seed runs stored in %s' % os.path.relpath(OUT, REPO), file=sys.stderr)
        return 1
    print('| point | style | seeds | metric | seed 1 | median | min - max | seed 1 vs median | range |')
    print('|---|---|---|---|---:|---:|---:|---:|---:|')
    for e in s['points']:
        for m, v in e['metrics'].items():
            print('| %s | %s | %d | %s | %.4g | %.4g | %.4g - %.4g | %+.1f %% | %.1f %% |'
                  % (e['point'], e['style'], len(e['seeds']), m, v['seed1'], v['median'], v['min'],
                     v['max'], v['seed1_vs_median_pct'], v['range_pct']))
    print()
    print('| point | 3D / 2D | metric | per seed | median |')
    print('|---|---|---|---|---:|')
    for r in s['ratios_vs_2d']:
        print('| %s | %s | %s | %s | %.3f |' % (r['point'], r['style'], r['metric'],
                                               ' '.join('%.3f' % x for x in r['ratio_by_seed']),
                                               r['median']))
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('run', help='run point:style with each seed')
    r.add_argument('targets', nargs='+', help='point:style of scripts/flow/sweep.py')
    r.add_argument('--seeds', nargs='+', type=int, required=True)
    sub.add_parser('report', help='the spread over the stored seeds')
    a = ap.parse_args(argv)
    return run(a.targets, a.seeds) if a.cmd == 'run' else report()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
