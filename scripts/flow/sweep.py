#!/usr/bin/env python3
"""The measured sweep: runs flow.py for each listed design point and style, one at a time
(graywolf and qrouter are single-threaded; the machine is shared), and stores the result JSONs
in results/flow/<point>-<style>.json. A point already complete with the same command is kept.

    python3 scripts/flow/sweep.py                 # every point below
    python3 scripts/flow/sweep.py se_tile_2x2     # the named points only
    python3 scripts/flow/sweep.py se_tile_2x2:3d-lol   # one style of a point
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
SE_TILE = ['scripts/flow/designs/se_tile.v', 'hw/se_array.v', 'hw/se_pe.v', 'hw/glb.v',
           'hw/sram_bank.v', 'hw/sram_macro.v']
MACROS = ['--define', 'SS_SRAM_MACRO', '--macro', 'sram_macro']
# 2d with macros on the project's blocks: the macros are fixed above the logic by flow.py, not
# placed by graywolf (docs/flow.md, 3d-mol); ignored by the other styles
EDGE = ['--macro-place', 'edge']
# router_topk narrowed so that a point stays a few thousand cells (at the RTL's defaults,
# 64-bit scores and 32-bit multipliers, one expert alone is ~8 k cells): 12-bit accumulators,
# 8-bit multipliers, 20-bit scores (ACC_W + MUL_W); the structure (E accumulators and
# multipliers, K passes of E - 1 compares) is the RTL's
ROUTER = ['ACC_W=12', 'MUL_W=8', 'SCORE_W=20']

# name: dict(rtl, top, params, opts (every style), tier (3d-lol only), period ns, styles).
# 3d-lol partition, as the seed's: the synaptic array on the bottom tier, everything else
# (spike generation, membranes, accumulators, weight banks, control) on top. Blocks without
# sub-modules (attention_core, router_topk) are split by register (--bottom-regs): the map
# counters of attention_core, the score accumulators and multipliers of router_topk on the
# bottom; the A.V read-out and the top-k selection on top. se_core is not swept: at 2x2 with 2
# LIF lanes it maps to 36 k cells (the LIF's runtime multipliers), beyond graywolf's budget.
ALL = ['2d', '3d-mol', '3d-lol']
MOL = ['2d', '3d-mol']  # tiny_mac_sram: a design with macros in 2d and memory-on-logic only


# hw/ changes under the sweep (another session edits it): points run after this was known read
# their RTL from this commit (flow.py --rtl-commit), so that every style sees the same RTL
PIN = 'e91e3470fe448f6f4972e7d2c42d71c4584f4f1b'


def _p(rtl, top, params, tier, styles=ALL, opts=(), period=10.0, pending=None, pin=None):
    """pending: {style: why it is not stored} for listed styles not run (yet); the sweep skips
    them unless named as point:style, tests/flow checks that they are indeed not stored."""
    return {'rtl': rtl, 'top': top, 'params': params, 'opts': list(opts), 'tier': tier,
            'period': period, 'styles': styles, 'pending': dict(pending or {}),
            'pin': pin if isinstance(pin, dict) else {s: pin for s in styles if pin}}


POINTS = {
    'tiny_mac_2x2': _p(TINY, 'tiny_mac', ['ROWS=2', 'COLS=2'], ['--bottom-tier', 'g_pe']),
    'tiny_mac_sram_2x2': _p(TINY_SRAM, 'tiny_mac', ['ROWS=2', 'COLS=2', 'USE_SRAM=1'], [], MOL,
                            ['--macro', 'sram_macro']),
}
# styles not stored yet (tests/flow checks that they are not): the flow is run one point at a
# time on a shared 2-core machine
QUEUED = {s: 'queued' for s in ALL}
NOT_RUN = {s: 'not run: session time (one point at a time on a shared 2-core machine)' for s in ALL}
PENDING = {
    'se_array_5x5': {
        '3d-lol': 'run stopped after its 68 min placement (the routing, ~35 min more on the '
                  'loaded machine, would have ended after the session); not stored'},
    'se_tile_2x2': {
        '3d-lol': 'not run: Shrunk-2D with a full-size macro needs graywolf to place the macro '
                  '(mixed-size placement: off the track grid with one macro, a crash with two); '
                  'the 2d row places its macro itself (--macro-place edge), 3d-lol has no such '
                  'mode'},
    'se_tile_4x4': {s: 'not run to the end: started at 20:47 / 21:00 UTC, stopped at 21:15 (the 2d '
                       'placement was half done, its routing would have ended after the session; '
                       'a 3d-mol row without its 2d row validates nothing)' for s in MOL},
    'se_array_6x6': NOT_RUN, 'attention_core_6x6': NOT_RUN,
    'router_topk_e4': NOT_RUN}
# se_array was stored before --rtl-commit existed, and hw/se_array.v has changed since (the DW
# ports): the points in PINNED were re-run from PIN, which reproduced every stored value (4 Dec:
# 2x2 and 3x3, the fitted points, in all three styles; 4x4 on 5 Dec; 5x5's 2d row, first run
# from the working tree of 3 Dec, on 5 Dec); 6x6 is not run
PINNED = (2, 3, 4, 5)
for _n in (2, 3, 4, 5, 6):
    POINTS['se_array_%dx%d' % (_n, _n)] = _p(SE_ARRAY, 'se_array', ['ROWS=%d' % _n, 'COLS=%d' % _n],
                                             ['--bottom-tier', 'g_row'],
                                             pin=PIN if _n in PINNED else None)
# memory-on-logic on the project's blocks: the array fed by its weight buffer (glb, one bank of
# 128 x 32 bits, an sram_macro) and a 16-word spike buffer of registers (graywolf's macro
# compaction crashes with two or more macros); 3d-lol moves logic only
POINTS['se_tile_2x2'] = _p(SE_TILE, 'se_tile', ['ROWS=2', 'COLS=2', 'WB_BANKS=1', 'SB_MACRO=0',
                                                 'SB_DEPTH=16'],
                           ['--bottom-tier', 'u_array.g_row'], ALL, MACROS + EDGE, pin=PIN)
# three macros (two weight banks and the spike buffer as macros): the case graywolf's macro
# compaction crashed on; 2d fixes all three above the logic (--macro-place edge)
POINTS['se_tile_2x2_m3'] = _p(SE_TILE, 'se_tile', ['ROWS=2', 'COLS=2', 'WB_BANKS=2', 'SB_MACRO=1',
                                                    'SB_DEPTH=16'],
                              ['--bottom-tier', 'u_array.g_row'], MOL, MACROS + EDGE, pin=PIN)
# larger tiles: the weight word (one tile) grows with the array, so does the macro (128 words)
for _n in (3, 4):
    POINTS['se_tile_%dx%d' % (_n, _n)] = _p(
        SE_TILE, 'se_tile', ['ROWS=%d' % _n, 'COLS=%d' % _n, 'WB_BANKS=1', 'SB_MACRO=0',
                             'SB_DEPTH=16'],
        ['--bottom-tier', 'u_array.g_row'], MOL, MACROS + EDGE, pin=PIN)
for _n in (2, 4, 6):
    POINTS['attention_core_%dx%d' % (_n, _n)] = _p(
        ['hw/attention_core.v'], 'attention_core', ['ROWS=%d' % _n, 'COLS=%d' % _n],
        ['--bottom-regs', 'map_q'], ALL, ['--name-registers'], pin=PIN)
for _e, _k in ((2, 1), (4, 2)):
    POINTS['router_topk_e%d' % _e] = _p(
        ['hw/router_topk.v'], 'router_topk', ['E=%d' % _e, 'K=%d' % _k] + ROUTER,
        ['--bottom-regs', 'acc_q', '--bottom-regs', 'score_q'], ALL, ['--name-registers'],
        pin=PIN)

# logic-on-logic as the seed partitions it, on a design that has both parts: se_array with the
# per-column ping-pong accumulators and LIF lanes (and their membranes) of se_core behind it
# (scripts/flow/designs/se_unit.v); 3d-lol: the array (PEs, weight banks, skew and tag lines)
# on the bottom tier, the spike generators with their accumulator and membrane state on top:
# every column's partial sums cross the bonds. No macros: its 3d-mol row is its 2d layout.
SE_UNIT = ['scripts/flow/designs/se_unit.v', 'hw/se_array.v', 'hw/se_pe.v']
PIN_UNIT = 'e9be35825e073c44a696caefd0f4d7eadcc5254f'
for _n in (2, 3):
    POINTS['se_unit_%dx%d' % (_n, _n)] = _p(SE_UNIT, 'se_unit', ['ROWS=%d' % _n, 'COLS=%d' % _n],
                                            ['--bottom-tier', 'u_array'], ALL, pin=PIN_UNIT)
# held out for the physical model (docs/validation.md): se_unit 2x2 with 32-bit membranes
# (MEM_W, se_unit.v's default 24), predicted before it was placed. First run by hand from the
# PIN_UNIT files with --work /tmp (commits 6dfa8dd, 46f42db); re-run by this entry with the
# sweep's command, which reproduced every stored value (docs/flow.md, Design points)
POINTS['se_unit_2x2_m32'] = _p(SE_UNIT, 'se_unit', ['ROWS=2', 'COLS=2', 'MEM_W=32'],
                               ['--bottom-tier', 'u_array'], ALL, pin=PIN_UNIT)

# memory-on-logic with a shared buffer: one weight-buffer macro (one tile per word) feeding two
# se_arrays, every read-data bit a weight-bank input of one PE in each (the paper's weight GLB
# feeds four SE cores); measures kappa and rho where a buffer's bits reach several arrays
SE_TILE_X2 = ['scripts/flow/designs/se_tile_x2.v', 'hw/se_array.v', 'hw/se_pe.v', 'hw/glb.v',
              'hw/sram_bank.v', 'hw/sram_macro.v']
PIN_X2 = 'decdea410115293994cb57031bb846f1e33b690a'
POINTS['se_tile_x2_2x2'] = _p(SE_TILE_X2, 'se_tile_x2', ['ROWS=2', 'COLS=2'], [], MOL,
                              MACROS + EDGE, pin=PIN_X2)
for _k, _v in PENDING.items():
    POINTS[_k]['pending'] = dict(_v)


def command(name, style):
    p = POINTS[name]
    cmd = ['python3', 'scripts/flow/flow.py', '--rtl'] + p['rtl'] + ['--top', p['top']]
    for x in p['params']:
        cmd += ['--param', x]
    cmd += ['--name', name, '--style', style, '--period-ns', str(p['period']),
            '--out', 'results/flow/%s-%s.json' % (name, style)]
    cmd += p['opts'] + (p['tier'] if style == '3d-lol' else [])
    if p['pin'].get(style):
        cmd += ['--rtl-commit', p['pin'][style]]
    return cmd


def main(names):
    """names: points, or point:style for one style only."""
    names = names or list(POINTS)
    os.makedirs(OUT, exist_ok=True)
    failed = 0
    for arg in names:
        name, _, only = arg.partition(':')
        if name not in POINTS:
            print('sweep: unknown point %s (known: %s)' % (name, ', '.join(POINTS)), file=sys.stderr)
            return 1
        p = POINTS[name]
        for style in ([only] if only else [s for s in p['styles'] if s not in p['pending']]):
            cmd = command(name, style)
            out = os.path.join(OUT, '%s-%s.json' % (name, style))
            if os.path.exists(out):
                r = json.load(open(out))
                if r.get('complete') and r.get('command') == ' '.join(cmd):
                    print('sweep: %s %s: kept (complete, same command)' % (name, style), flush=True)
                    continue
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
