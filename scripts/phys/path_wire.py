#!/usr/bin/env python3
"""The wire on a layout's critical path: for each stored flow point (results/flow/<point>-<style>.json)
whose work directory is still on disk, the cells of OpenSTA's worst max path (<style>/pnr/sta/sta.out)
from the launching flip-flop's Q to the last cell before the capturing D, the routed length of the
net each of them drives (<style>/pnr/<top>.def), and that mean against the layout's mean routed net.

    python3 scripts/phys/path_wire.py se_array_2x2-2d se_array_3x3-2d [...]

Prints per point: stages, sum of their delays (ns, per stage), mean routed length of the nets they
drive (um), the layout's mean net (um), and the ratio of the two (the path-net factor that
src/phys/flow_carried.h carries, kPathNetPerMeanNet, is its mean over se_array 2x2 and 3x3 2D).
3d-lol lengths are scaled back to the ideal 1/sqrt(2) shrink, as the results are."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'flow'))
import flow  # noqa: E402
import flowlib as fl  # noqa: E402

OUT_PINS = ('Y', 'Q', 'YS', 'YC')


def critical_stages(sta_out):
    """(delay ns, instance, pin, cell) of the worst max path, launching flip-flop's Q included."""
    txt = open(sta_out).read()
    blk = txt.split('Path Type: max', 1)[1].split('data arrival time', 1)[0]
    st = []
    for line in blk.splitlines():
        m = re.match(r'\s+([\d.]+)\s+([\d.]+)\s+[\^v]\s+(\S+)/(\S+)\s+\((\S+)\)', line)
        if m and m.group(4) in OUT_PINS:
            st.append((float(m.group(1)), m.group(3), m.group(4), m.group(5)))
    return st


def main(argv):
    seen = {}
    for point in argv:
        j = json.load(open(os.path.join('results', 'flow', point + '.json')))
        style, top = j['style'], j['design']['top']
        pnr = os.path.join(j['work_dir'], style, 'pnr')
        if not os.path.exists(os.path.join(pnr, top + '.def')):
            print('%s: work directory %s not on disk' % (point, pnr))
            continue
        scale = flow.SHRINK_IDEAL / flow.SHRINK if style == '3d-lol' else 1.0
        d = fl.read_def(os.path.join(pnr, top + '.def'))
        drives = {}
        for name, n in d['nets'].items():
            for inst, pin in n['conns']:
                if pin in OUT_PINS:
                    drives[(inst, pin)] = sum(n['len'].values()) * scale
        st = critical_stages(os.path.join(pnr, 'sta', 'sta.out'))
        lens = [drives.get((i, p), 0.0) for _, i, p, _ in st]
        delay = sum(x[0] for x in st)
        mean_net = j['wirelength']['total_um'] / j['wirelength']['per_net_um']['count']
        path = sum(lens) / len(lens)
        print('%-22s stages %2d, %.4f ns (%.4f per stage), path net %.1f um, layout mean net '
              '%.1f um, ratio %.3f, fmax %.1f MHz' % (point, len(st), delay, delay / len(st), path,
                                                    mean_net, path / mean_net, j['timing']['fmax_mhz']))
        # Both layouts of one point (same netlist): the path's delay change per um of wire
        # change, against osu018's minimum inverter (FO4 123 ps / (5 x 9.32 fF) x the fit's
        # 0.1174 fF/um = 0.310 ps/um).
        seen[(j['name'], style)] = (delay, sum(lens))
        other = seen.get((j['name'], '2d' if style == '3d-lol' else '3d-lol'))
        if other and style in ('2d', '3d-lol'):
            (d2, w2), (d3, w3) = (other, (delay, sum(lens))) if style == '3d-lol' else \
                ((delay, sum(lens)), other)
            if w2 != w3:
                k = (d2 - d3) / (w2 - w3) * 1e3
                print('  %s 2d - 3d-lol: %.4f ns over %.1f um of path wire: %.4f ps/um, %.3f of '
                      'the minimum inverter\'s 0.3097' % (j['name'], d2 - d3, w2 - w3, k, k / 0.3097))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
