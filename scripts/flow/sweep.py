#!/usr/bin/env python3
"""The measured sweep: runs flow.py for each listed design point and style, one at a time
(graywolf and qrouter are single-threaded; the machine is shared), and stores the result JSONs
in results/flow/<point>-<style>.json. A point already complete with the same command is kept.

    python3 scripts/flow/sweep.py                 # every point below
    python3 scripts/flow/sweep.py se_core_2x2     # the named points only
"""
import json
import os
import subprocess
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(REPO, 'results', 'flow')

TINY = ['tests/flow/data/tiny_mac.v', 'tests/flow/data/tiny_pe.v']
TINY_SRAM = TINY + ['tests/flow/data/sram_macro.v']
SE_ARRAY = ['hw/se_array.v', 'hw/se_pe.v']
SE_CORE = ['hw/se_core.v', 'hw/se_array.v', 'hw/se_pe.v', 'hw/spike_gen.v']

# name: (rtl, top, params, extra flow options, period ns, styles). 3d-lol tier split: the
# synaptic array on the bottom tier, everything else (spike generation, membranes,
# accumulators, weight banks, control) on top. se_core is not swept: at 2x2 with 2 LIF lanes it
# maps to 36 k cells (the LIF's two multipliers per lane), beyond graywolf's budget here.
LOL = ['2d', '3d-mol', '3d-lol']
MOL = ['2d', '3d-mol']  # a design with macros: 3d-lol would need a shrunk macro view
POINTS = {
    'tiny_mac_2x2': (TINY, 'tiny_mac', ['ROWS=2', 'COLS=2'], ['--bottom-tier', 'g_pe'], 10.0, LOL),
    'tiny_mac_sram_2x2': (TINY_SRAM, 'tiny_mac', ['ROWS=2', 'COLS=2', 'USE_SRAM=1'],
                          ['--macro', 'sram_macro'], 10.0, MOL),
    'se_array_2x2': (SE_ARRAY, 'se_array', ['ROWS=2', 'COLS=2'], ['--bottom-tier', 'g_row'], 10.0,
                     LOL),
    'se_array_3x3': (SE_ARRAY, 'se_array', ['ROWS=3', 'COLS=3'], ['--bottom-tier', 'g_row'], 10.0,
                     LOL),
    'se_array_4x4': (SE_ARRAY, 'se_array', ['ROWS=4', 'COLS=4'], ['--bottom-tier', 'g_row'], 10.0,
                     LOL),
}


def command(name, style):
    rtl, top, params, extra, period, _ = POINTS[name]
    cmd = ['python3', 'scripts/flow/flow.py', '--rtl'] + rtl + ['--top', top]
    for p in params:
        cmd += ['--param', p]
    cmd += ['--name', name, '--style', style, '--period-ns', str(period),
            '--out', 'results/flow/%s-%s.json' % (name, style)]
    cmd += [x for x in extra if style == '3d-lol' or not x.endswith('-tier')
            and not (extra.index(x) > 0 and extra[extra.index(x) - 1].endswith('-tier'))]
    return cmd


def main(names):
    names = names or list(POINTS)
    os.makedirs(OUT, exist_ok=True)
    failed = 0
    for name in names:
        for style in POINTS[name][5]:
            cmd = command(name, style)
            t0 = time.time()
            p = subprocess.run(cmd, cwd=REPO)
            print('sweep: %s %s: exit %d in %.0f s' % (name, style, p.returncode, time.time() - t0),
                  flush=True)
            if p.returncode != 0:
                failed += 1
                break  # the 3D rows need their 2D row
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
