#!/usr/bin/env python3
"""Power of stored layouts with the switching activity of real spikes: reruns only the power
of a sweep point (its synthesis and layout are resumed from flow-work/<point>, stamps
matching) with an RTL testbench's toggle file, and stores the result in
results/rtl/<point>-<style>-spikes.json. The default-activity rows in results/flow/ are not
touched.

    python3 scripts/flow/spikes.py                  # every entry of SPIKES
    python3 scripts/flow/spikes.py se_unit_2x2      # one point (its styles below)

The toggle files come from the RTL testbenches (docs/flow.md, "Power with real spike
activity"): results/rtl/se_unit_*_activity.json and se_tile_x2_2x2_activity.json from
tests/rtl/se_unit_tb.cpp, the attention_core, router_topk, se_array and se_tile ones from
tests/rtl/flow_activity_tb.cpp.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sweep  # noqa: E402

REPO = sweep.REPO
ALL = ['2d', '3d-mol', '3d-lol']

# point: (toggle file, styles). 3d-mol of a design without macros is its 2d layout (flow.py
# places it in flow-work/<point>/2d).
SPIKES = {
    'se_unit_2x2': ('results/rtl/se_unit_2x2_activity.json', ['2d', '3d-lol']),
    'se_unit_3x3': ('results/rtl/se_unit_3x3_activity.json', ['2d', '3d-lol']),
    'se_unit_2x2_m32': ('results/rtl/se_unit_2x2_m32_activity.json', ['2d', '3d-lol']),
    'se_tile_x2_2x2': ('results/rtl/se_tile_x2_2x2_activity.json', ['2d', '3d-mol']),
    'attention_core_2x2': ('results/rtl/attention_core_2x2_activity.json', ALL),
    'attention_core_4x4': ('results/rtl/attention_core_4x4_activity.json', ALL),
    'router_topk_e2': ('results/rtl/router_topk_e2_activity.json', ALL),
    'se_tile_2x2': ('results/rtl/se_tile_2x2_activity.json', ['2d', '3d-mol']),
    'se_tile_2x2_m3': ('results/rtl/se_tile_2x2_m3_activity.json', ['2d', '3d-mol']),
    'se_tile_3x3': ('results/rtl/se_tile_3x3_activity.json', ['2d', '3d-mol']),
    # the se_array points re-placed from sweep.PIN (their stored rows reproduced)
    'se_array_2x2': ('results/rtl/se_array_2x2_activity.json', ALL),
    'se_array_3x3': ('results/rtl/se_array_3x3_activity.json', ALL),
    'se_array_4x4': ('results/rtl/se_array_4x4_activity.json', ALL),
    'se_array_5x5': ('results/rtl/se_array_5x5_activity.json', ['2d', '3d-mol']),
}


def out_path(name, style):
    return 'results/rtl/%s-%s-spikes.json' % (name, style)


def command(name, style):
    """The sweep's command of the point with the toggle file and another output."""
    cmd = sweep.command(name, style)
    i = cmd.index('--out')
    cmd[i + 1] = out_path(name, style)
    return cmd[:i + 2] + ['--activity', SPIKES[name][0]] + cmd[i + 2:]


def layout_style(name, style):
    """The style whose work directory holds the layout: 2d for a 3d-mol row without macros."""
    if style == '3d-mol':
        r = json.load(open(os.path.join(REPO, 'results', 'flow', '%s-%s.json' % (name, style))))
        if not r.get('3d', {}).get('macros'):
            return '2d'
    return style


def main(names):
    names = names or list(SPIKES)
    for name in names:
        if name not in SPIKES:
            print('spikes: unknown point %s (known: %s)' % (name, ', '.join(SPIKES)),
                  file=sys.stderr)
            return 1
        for style in SPIKES[name][1]:
            stamp = os.path.join(REPO, 'flow-work', name, layout_style(name, style), 'pnr',
                                 'place_route.stamp')
            if not os.path.exists(stamp):  # never place and route from here
                print('spikes: %s %s: no layout in flow-work (run scripts/flow/sweep.py %s:%s '
                      'first)' % (name, style, name, style), file=sys.stderr)
                return 1
            p = subprocess.run(command(name, style), cwd=REPO)
            if p.returncode:
                return 1
            r = json.load(open(os.path.join(REPO, out_path(name, style))))
            if 'place_route' not in r.get('steps_skipped', []):
                print('spikes: %s %s: the layout was redone (its stamp did not match)'
                      % (name, style), file=sys.stderr)
                return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
