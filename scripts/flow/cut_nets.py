#!/usr/bin/env python3
"""The nets a 3d-lol partition cuts, measured in both layouts of a point: for each net with
cells on both tiers of the 3d-lol layout (the bonds), its routed length there (scaled back to
the ideal 1/sqrt(2) shrink, as the result does) and the routed length of the same net in the
2d layout (same netlist, same net names). Prints counts, totals and the mean length per net.

    python3 scripts/flow/cut_nets.py se_unit_3x3 --bottom-tier u_array [--work flow-work]

Reads the work directory of flow.py (synth/synth_info.json, <style>/pnr/<top>.blif and .def);
the result JSONs are not changed."""
import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))
import flow  # noqa: E402
import flowlib as fl  # noqa: E402


def net_lengths(defpath):
    d = fl.read_def(defpath)
    return d, {k: sum(v['len'].values()) for k, v in d['nets'].items()}


def load_lol_point(argv):
    """The command line shared with scripts/phys/unit_wire_split.py: a point, its work directory,
    its 3d-lol pnr directory and top name, and the tier of each gate of that layout."""
    ap = argparse.ArgumentParser()
    ap.add_argument('point')
    ap.add_argument('--bottom-tier', action='append', default=[])
    ap.add_argument('--top-tier', action='append', default=[])
    ap.add_argument('--work', default='flow-work')
    a = ap.parse_args(argv)
    w = os.path.join(a.work, a.point)
    synth = json.load(open(os.path.join(w, 'synth', 'synth_info.json')))
    lol = os.path.join(w, '3d-lol', 'pnr')
    top = [f[:-4] for f in os.listdir(lol) if f.endswith('.def') and '_unroute' not in f][0]
    gates = fl.read_qflow_blif(os.path.join(lol, top + '.blif'))
    return a.point, w, lol, top, flow.assign_tiers(gates, synth['driver_hier'], a.top_tier, a.bottom_tier)


def main(argv):
    point, w, lol, top, tiers = load_lol_point(argv)
    d3, len3 = net_lengths(os.path.join(lol, top + '.def'))
    _, len2 = net_lengths(os.path.join(w, '2d', 'pnr', top + '.def'))
    back = flow.SHRINK_IDEAL / flow.SHRINK
    cut = []
    for name, n in d3['nets'].items():
        ts = {tiers.get(i) for i, _ in n['conns'] if i != 'PIN' and i in tiers}
        if len(ts) > 1:
            cut.append(name)
    l3 = [len3[n] * back for n in cut]
    l2 = [len2.get(n, 0.0) for n in cut]
    die = d3['die']
    print('%s: %d cut nets; 2d %.2f mm (mean %.1f um, median %.1f um); 3d-lol %.2f mm '
          '(mean %.1f um, median %.1f um); 3d-lol / 2d %.3f; 3d-lol footprint side %.0f um' % (
              point, len(cut), sum(l2) / 1e3, statistics.mean(l2), statistics.median(l2),
              sum(l3) / 1e3, statistics.mean(l3), statistics.median(l3),
              sum(l3) / sum(l2), ((die[2] - die[0]) * (die[3] - die[1])) ** 0.5 * back))
    kinds = {}
    for n, x2, x3 in zip(cut, l2, l3):
        k = 'clock' if 'clk' in n else 'reset' if 'rst' in n else 'data'
        c = kinds.setdefault(k, [0, 0.0, 0.0])
        c[0] += 1
        c[1] += x2
        c[2] += x3
    for k, (c, x2, x3) in sorted(kinds.items()):
        print('  %s: %d nets, 2d %.2f mm (mean %.1f um), 3d-lol %.2f mm (mean %.1f um)' % (
            k, c, x2 / 1e3, x2 / c, x3 / 1e3, x3 / c))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
