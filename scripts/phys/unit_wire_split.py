#!/usr/bin/env python3
"""Where a 3d-lol point's 2D wire goes, by the tier its nets belong to in the 3d-lol partition:
each routed net of the 2d and 3d-lol layouts (same netlist, same net names) is classed as
bottom-only, top-only, cut (cells on both tiers) or clock, and its length summed per class in
both layouts (3d-lol scaled back to the ideal 1/sqrt(2) shrink, as the result does). Prints
the class totals, their 3d-lol / 2d ratios and the mean net per class.

    python3 scripts/phys/unit_wire_split.py se_unit_3x3 --bottom-tier u_array [--work flow-work]

Reads flow.py's work directory only (synth/synth_info.json, <style>/pnr/<top>.blif and .def)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'flow'))
import flow  # noqa: E402
import flowlib as fl  # noqa: E402
from cut_nets import load_lol_point  # noqa: E402


def main(argv):
    point, w, lol, top, tiers = load_lol_point(argv)
    back = flow.SHRINK_IDEAL / flow.SHRINK
    d3 = fl.read_def(os.path.join(lol, top + '.def'))
    d2 = fl.read_def(os.path.join(w, '2d', 'pnr', top + '.def'))
    classes = {}
    for name, n in d3['nets'].items():
        ts = {tiers.get(i) for i, _ in n['conns'] if i != 'PIN' and i in tiers}
        k = ('clock' if 'clk' in name else 'cut' if len(ts) > 1 else
             (ts.pop() if ts else 'io'))
        classes[name] = k
    tot = {}
    for style, d, scale in (('2d', d2, 1.0), ('3d-lol', d3, back)):
        for name, n in d['nets'].items():
            k = classes.get(name, 'other')
            c = tot.setdefault(k, {'2d': [0, 0.0], '3d-lol': [0, 0.0]})[style]
            c[0] += 1
            c[1] += sum(n['len'].values()) * scale
    s2 = sum(v['2d'][1] for v in tot.values())
    s3 = sum(v['3d-lol'][1] for v in tot.values())
    print('%s: 2d %.1f mm, 3d-lol %.1f mm (ratio %.3f)' % (point, s2 / 1e3, s3 / 1e3, s3 / s2))
    for k, v in sorted(tot.items()):
        (n2, l2), (n3, l3) = v['2d'], v['3d-lol']
        print('  %-7s nets %5d / %5d: 2d %7.2f mm (mean %6.1f um), 3d-lol %7.2f mm '
              '(mean %6.1f um), 3d-lol / 2d %.3f' % (
                  k, n2, n3, l2 / 1e3, l2 / max(n2, 1), l3 / 1e3, l3 / max(n3, 1),
                  l3 / l2 if l2 else 0))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
