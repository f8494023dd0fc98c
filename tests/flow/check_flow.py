#!/usr/bin/env python3
"""ctest -L flow: (1) the tiny design through the whole flow (2d, 3d-mol, 3d-lol) in a fresh
work directory, its results against tests/flow/expected_tiny.json; (2) bad input fails with one
line naming the step; (3) the stored sweep results/flow/*.json is consistent.

    python3 tests/flow/check_flow.py run  WORKDIR   # (1) + (2), a few minutes
    python3 tests/flow/check_flow.py sweep          # (3), seconds

Tolerances (expected_tiny.json came from a real run, command inside it):
- cell count, flip-flops, cells by type, bonds: exact. yosys/abc and blifFanout are
  deterministic for one tool version; a change means the netlist changed.
- die area, total wirelength, wire capacitance: 3 %. graywolf with a fixed seed and qrouter are
  deterministic on one machine (the stored values were reproduced exactly); the margin only
  absorbs a rebuilt tool with different floating-point rounding, not a change of the flow.
- worst slack: 0.25 ns (about two gate delays of osu018 at FO4 123 ps); power: 5 %.
- physics: the Shrunk-2D layout must have less total wire than 2d (ratio < 0.9) and a
  footprint below 0.6 x the 2d die; 3d-mol without macros equals 2d exactly.
"""
import glob
import json
import os
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
EXPECTED = os.path.join(REPO, 'tests', 'flow', 'expected_tiny.json')
STYLES = ['2d', '3d-mol', '3d-lol']
METRICS = [  # dotted paths every complete point must carry
    'cells.count', 'cells.area_um2', 'cells.by_type', 'cells.flip_flops',
    'cells.buffers_inverters', 'cells.buffers_inverters_added', 'die.area_um2',
    'die.utilization', 'footprint_um2', 'wirelength.total_um', 'wirelength.per_net_um.p50',
    'wirelength.per_net_um.histogram', 'wirelength.per_net_gate_pitches.p50', 'fanout.histogram',
    'capacitance.wire_ff', 'capacitance.pin_ff', 'clock.length_um', 'clock.sinks',
    'timing.worst_slack_ns', 'timing.fmax_mhz', 'power.internal_w', 'power.switching_w',
    'power.leakage_w', 'power.total_w', 'power.activity', 'runtime_s.total', 'tools.yosys',
    'seed', 'commands', 'command',
    # the raw quantities the physical model reads (docs/flow.md, report.py)
    'gate_pitch_um', 'wirelength.per_net_gate_pitches.histogram', 'wirelength.per_net_um.p90',
    'wirelength.by_layer_um', 'fanout.p90', 'fanout.max', 'clock.buffers', 'clock.nets',
    'cells.synthesized_count', 'cells.placed_area_um2', 'die.width_um', 'timing.period_ns',
    'runtime_s.synth', 'runtime_s.place', 'runtime_s.route', 'runtime_s.sta']
failures = []


def get(d, path):
    for k in path.split('.'):
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def check(cond, msg):
    if not cond:
        failures.append(msg)


def close(name, got, want, rel=None, abs_=None):
    if got is None or want is None:
        check(False, '%s: missing (got %r, want %r)' % (name, got, want))
        return
    tol = (abs(want) * rel) if rel is not None else abs_
    check(abs(got - want) <= tol, '%s: got %.6g, want %.6g +- %.3g' % (name, got, want, tol))


def tiny_command(style, work, out):
    cmd = [sys.executable, os.path.join(REPO, 'scripts/flow/flow.py'),
           '--rtl', 'tests/flow/data/tiny_mac.v', 'tests/flow/data/tiny_pe.v',
           '--top', 'tiny_mac', '--param', 'ROWS=2', '--param', 'COLS=2',
           '--name', 'tiny_mac_2x2', '--style', style, '--period-ns', '10',
           '--work', work, '--out', out]
    if style == '3d-lol':
        cmd += ['--bottom-tier', 'g_pe']
    return cmd


def run(work):
    exp = json.load(open(EXPECTED))
    res = {}
    for style in STYLES:
        out = os.path.join(work, 'tiny-%s.json' % style)
        p = subprocess.run(tiny_command(style, work, out), cwd=REPO)
        check(p.returncode == 0, '%s: flow exit %d' % (style, p.returncode))
        if p.returncode:
            continue
        r = json.load(open(out))
        res[style] = r
        e = exp[style]
        check(r['complete'] is True, style + ': not complete')
        for k in ('cells.count', 'cells.flip_flops', 'cells.buffers_inverters'):
            check(get(r, k) == get(e, k), '%s %s: got %s, want %s' % (style, k, get(r, k), get(e, k)))
        check(get(r, 'cells.by_type') == get(e, 'cells.by_type'), style + ': cells by type differ')
        for k in ('die.area_um2', 'wirelength.total_um', 'capacitance.wire_ff', 'footprint_um2'):
            close('%s %s' % (style, k), get(r, k), get(e, k), rel=0.03)
        close(style + ' worst slack', get(r, 'timing.worst_slack_ns'),
              get(e, 'timing.worst_slack_ns'), abs_=0.25)
        for k in ('power.total_w', 'power.switching_w'):
            close('%s %s' % (style, k), get(r, k), get(e, k), rel=0.05)
        check(get(r, 'power.activity') == 'default', style + ': activity must say default')
        if style == '3d-lol':
            check(get(r, '3d.bonds.count') == get(e, '3d.bonds.count'),
                  '3d-lol bonds: got %s, want %s' % (get(r, '3d.bonds.count'), get(e, '3d.bonds.count')))
    if len(res) == 3:
        r2, rm, rl = res['2d'], res['3d-mol'], res['3d-lol']
        check(rm['wirelength'] == r2['wirelength'] and rm['timing'] == r2['timing'],
              '3d-mol without macros must equal 2d')
        check(rl['wirelength']['total_um'] < 0.9 * r2['wirelength']['total_um'],
              'Shrunk-2D must shorten the total wire (ratio %.3f)'
              % (rl['wirelength']['total_um'] / r2['wirelength']['total_um']))
        check(rl['footprint_um2'] < 0.6 * r2['die']['area_um2'], '3d-lol footprint not halved')
    # bad input: a missing RTL file -> exit 1, one line naming the step and its log, no result
    out = os.path.join(work, 'bad.json')
    cmd = tiny_command('2d', work, out)
    cmd[cmd.index('tests/flow/data/tiny_pe.v')] = 'tests/flow/data/no_such_file.v'
    cmd[cmd.index('tiny_mac_2x2')] = 'bad_input'
    p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    lines = [ln for ln in p.stderr.strip().split('\n') if ln]
    check(p.returncode == 1, 'bad input: exit %d, want 1' % p.returncode)
    check(len(lines) == 1 and 'synth failed' in lines[0] and '.log' in lines[0],
          'bad input: want one line naming the step and log, got %r' % p.stderr)
    check(not os.path.exists(out), 'bad input: a result file was written')
    if os.path.exists(out + '.partial'):
        check(json.load(open(out + '.partial'))['complete'] is False, 'partial marked complete')


def sweep():
    where = os.environ.get('FLOW_RESULTS', os.path.join(REPO, 'results', 'flow'))
    files = sorted(glob.glob(os.path.join(where, '*.json')))
    rows = {os.path.basename(f): json.load(open(f)) for f in files}
    rows = {f: r for f, r in rows.items() if r.get('schema') == 'spikestack.flow.point/1'}
    check(len(rows) >= 3, 'no stored sweep in results/flow')
    check(not glob.glob(os.path.join(where, '*.partial')), 'a partial result is stored')
    # every point the sweep script lists is stored in each of its styles, with its command
    sys.path.insert(0, os.path.join(REPO, 'scripts', 'flow'))
    import sweep as sw
    if 'FLOW_RESULTS' not in os.environ:
        for name, p in sw.POINTS.items():
            for style in p['styles']:
                f = '%s-%s.json' % (name, style)
                if style in p['pending']:  # listed, not run: must say why and not be stored
                    check(bool(p['pending'][style]) and f not in rows,
                          '%s: pending in sweep.py (%r) but stored, or no reason'
                          % (f, p['pending'][style]))
                    continue
                check(f in rows, '%s: listed in scripts/flow/sweep.py but not stored' % f)
                if f in rows:
                    check(rows[f]['command'] == ' '.join(sw.command(name, style)),
                          f + ': stored command differs from sweep.py\'s')
    for f, r in rows.items():
        check(r.get('complete') is True, f + ': not complete')
        for m in METRICS:
            check(get(r, m) is not None, '%s: missing %s' % (f, m))
        check(f == '%s-%s.json' % (r['name'], r['style']), f + ': name/style do not match the file')
        check(r['command'].startswith('python3 scripts/flow/flow.py'), f + ': no command')
        check(all('cmd' in c and 'step' in c for c in r.get('commands', [])) and r.get('commands'),
              f + ': tool commands not recorded')
        if r['style'] != '2d':
            ref = r.get('reference_2d')
            check(ref in rows, '%s: 2D row %s missing' % (f, ref))
            if ref in rows:
                r2 = rows[ref]
                check(r2['design'] == r['design'], f + ': design differs from its 2D row')
                check(r2['cells']['synthesized_count'] == r['cells']['synthesized_count'],
                      f + ': not the same netlist as its 2D row')
                if 'rtl_sha256' in r and 'rtl_sha256' in r2:
                    check(r['rtl_sha256'] == r2['rtl_sha256'], f + ': RTL differs from its 2D row')
        if r['style'] == '3d-lol':
            for m in ('3d.bonds.count', '3d.tiers.top.cells', '3d.tiers.bottom.power.total_w',
                      '3d.bonds.capacity_at_pitch', '3d.bonds.cut_nets_per_cell',
                      '3d.tiers.top.utilization', '3d.method'):
                check(get(r, m) is not None, '%s: missing %s' % (f, m))
            t = get(r, '3d.tiers') or {}
            check(all(t.get(k, {}).get('cells', 0) > 0 for k in ('top', 'bottom')),
                  f + ': a tier is empty (the partition found nothing to split)')
        if r['style'] == '3d-mol':
            for m in ('3d.bonds.count', '3d.bonds.capacity_at_pitch', '3d.macros', '3d.method'):
                check(get(r, m) is not None, '%s: missing %s' % (f, m))
            if get(r, '3d.macros'):
                check(get(r, '3d.dies.memory_um2') and get(r, '3d.bonds.count') > 0,
                      f + ': memory-on-logic without memory die or bonds')
        # designs with macros: the memory-to-logic wire is recorded (the physical model reads
        # it); memory-on-logic must shorten it when the 2D macro sits at the logic's edge
        # (--macro-place edge; a small macro graywolf placed amid its sinks need not: tiny_mac_sram)
        if get(r, 'macros.count') and r['style'] in ('2d', '3d-mol'):
            for m in ('memory_nets.count', 'memory_nets.length_um', 'memory_nets.io_count'):
                check(get(r, m) is not None, '%s: missing %s' % (f, m))
        pl = get(r, 'macros.placement')
        if pl:  # --macro-place edge: the macros inside the die, above the logic, not on it
            for mc in pl['macros']:
                check(mc['y_um'] >= pl['logic_die_height_um'] + pl['halo_um'] - 5.0 and  # die origin ~-3 um
                      mc['y_um'] + mc['height_um'] <= r['die']['height_um'] + 5.0 and
                      mc['x_um'] + mc['width_um'] <= r['die']['width_um'],
                      '%s: macro %s outside the die or on the logic' % (f, mc['inst']))
        if r['style'] == '3d-mol' and get(r, '3d.macros') and r.get('reference_2d') in rows \
                and get(rows[r['reference_2d']], 'macros.placement'):
            m2 = get(rows[r['reference_2d']], 'memory_nets.length_um')
            m3 = get(r, 'memory_nets.length_um')
            if m2 is not None and m3 is not None:
                check(m3 < m2, f + ': memory-on-logic did not shorten the memory nets')
    if 'FLOW_RESULTS' not in os.environ:
        spikes(rows)
        hold(rows)
        seeds(rows)


def seeds(rows):
    """results/flow/seeds/<point>-<style>-s<k>.json (scripts/flow/seeds.py): other placements of
    a stored row, which the physical model's check takes the median over: each complete, its
    command the one seeds.py builds, the same netlist and RTL as its seed-1 row, another seed."""
    import seeds as sd
    for f in sorted(glob.glob(os.path.join(REPO, 'results', 'flow', 'seeds', '*'))):
        b = os.path.basename(f)
        check(b.endswith('.json'), '%s: not a result (a .partial or stray file is stored)' % b)
        if not b.endswith('.json'):
            continue
        r = json.load(open(f))
        check(r.get('complete') is True, b + ': not complete')
        name, style, seed = r.get('name'), r.get('style'), r.get('seed')
        check(b == '%s-%s-s%s.json' % (name, style, seed), b + ': name/style/seed do not match')
        check(isinstance(seed, int) and seed != 1, b + ': seed 1 is the sweep row itself')
        d = rows.get('%s-%s.json' % (name, style))
        check(d is not None, b + ': no seed-1 row in results/flow')
        if d is None or name not in sd.sweep.POINTS:
            continue
        check(r['command'] == ' '.join(sd.command(name, style, seed)[0]),
              b + ': stored command differs from seeds.py\'s')
        for m in ('cells.count', 'cells.area_um2', 'rtl_sha256', 'design'):
            check(get(r, m) == get(d, m), '%s: %s differs from its seed-1 row' % (b, m))
        for m in METRICS:
            check(get(r, m) is not None, '%s: missing %s' % (b, m))


# layouts whose register-to-register hold fails (docs/flow.md, Hold: clock skew of an
# unbalanced blifFanout tree); every other measured layout must meet it
HOLD_SKEW_ROWS = {'se_tile_2x2_m3-2d.json', 'se_tile_2x2_m3-3d-mol.json'}


def hold(rows):
    """results/flow/hold.json (scripts/flow/hold.py): one row per stored layout it measured,
    its stored worst hold slack the row's, register-to-register hold met except the known
    skew rows, and no input violation left when the inputs come from a flip-flop of the tree."""
    f = os.path.join(REPO, 'results', 'flow', 'hold.json')
    check(os.path.exists(f), 'results/flow/hold.json missing (scripts/flow/hold.py --all)')
    if not os.path.exists(f):
        return
    h = json.load(open(f))
    check(h.get('schema') == 'spikestack.flow.hold/1', 'hold.json: schema')
    for r in h.get('rows', []):
        name = r['row']
        check(name in rows, 'hold.json: %s is not a stored row' % name)
        if name in rows:
            check(r['stored_worst_hold_slack_ns'] == get(rows[name], 'timing.worst_hold_slack_ns'),
                  'hold.json: %s measured another layout than the stored row' % name)
        bad = r['reg_to_reg']['violating_endpoints']
        if name in HOLD_SKEW_ROWS:
            check(bad > 0, 'hold.json: %s was listed as failing hold by skew' % name)
        else:
            check(bad == 0 and r['input_to_reg_launched_by_a_flip_flop']['violating_endpoints'] == 0,
                  'hold.json: %s has register-to-register or flip-flop-driven hold violations'
                  % name)


def is_parameter(net):
    """A Verilog parameter as Verilator traces it ("u_array.ROWS[3]"): upper-case name."""
    n = net.split('[')[0].split('.')[-1]
    return any(c.isupper() for c in n) and not any(c.islower() for c in n)


def spikes(rows):
    """results/rtl/<point>-<style>-spikes.json (scripts/flow/spikes.py): the stored layout of
    the sweep row priced with an RTL testbench's toggle file; same layout, same netlist, its
    command the one spikes.py builds."""
    import spikes as sp
    for name, (toggles, styles) in sp.SPIKES.items():
        check(os.path.exists(os.path.join(REPO, toggles)), '%s: toggle file %s missing'
              % (name, toggles))
        mean = None
        if os.path.exists(os.path.join(REPO, toggles)):
            # the rate flow.py prices unnamed nets and internal power at: the mean over the
            # file's nets, recomputed here from the rates; a rate is at most one toggle a cycle
            nets = json.load(open(os.path.join(REPO, toggles))).get('nets', {})
            check(len(nets) > 0 and all(0 <= v <= 1 for v in nets.values()),
                  '%s: no nets, or a rate outside [0, 1] per cycle' % toggles)
            mean = sum(nets.values()) / len(nets) if nets else None
            # no parameter listed as a net (it would pull the mean down)
            params = sum(1 for n in nets if is_parameter(n))
            check(params == 0, '%s: %d parameters listed as nets' % (toggles, params))
        by_style = {}
        for style in styles:
            f = os.path.join(REPO, sp.out_path(name, style))
            check(os.path.exists(f), '%s: not stored (scripts/flow/spikes.py %s)' % (f, name))
            if not os.path.exists(f):
                continue
            r = json.load(open(f))
            d = rows.get('%s-%s.json' % (name, style))
            check(d is not None, '%s: no default row in results/flow' % f)
            check(r.get('complete') is True, f + ': not complete')
            check(r['command'] == ' '.join(sp.command(name, style)),
                  f + ': stored command differs from spikes.py\'s')
            check(get(r, 'power.activity') == 'file' and get(r, 'power.activity_file') == toggles,
                  f + ': not priced with its toggle file')
            check((get(r, 'power.activity_nets_matched') or 0) > 0, f + ': no net matched')
            if mean is not None:
                check(abs(get(r, 'power.activity_per_cycle') - mean) <= 1e-9 * max(mean, 1e-9),
                      '%s: priced at %s per cycle, the file\'s mean is %s'
                      % (f, get(r, 'power.activity_per_cycle'), mean))
            p = r.get('power', {})
            check(abs(p.get('internal_w', 0) + p.get('switching_w', 0) + p.get('leakage_w', 0)
                      - p.get('total_w', -1)) <= 1e-12 + 1e-9 * abs(p.get('total_w', 0)),
                  f + ': total power is not internal + switching + leakage')
            by_style[style] = r
            if d is None:
                continue
            for m in ('cells.count', 'wirelength.total_um', 'capacitance.wire_ff',
                      'timing.worst_slack_ns', 'rtl_sha256'):
                check(get(r, m) == get(d, m), '%s: %s differs from the default row' % (f, m))
            if style == '3d-lol':
                for t in ('top', 'bottom'):
                    check(get(r, '3d.tiers.%s.power.switching_w_opensta' % t) is not None,
                          '%s: tier %s not priced per net' % (f, t))
        # a 3d-mol row without macros is the 2d layout (flow.py): priced the same
        if '2d' in by_style and '3d-mol' in by_style and not get(by_style['3d-mol'], '3d.macros'):
            for m in ('power.total_w', 'power.switching_w', 'power.internal_w'):
                check(get(by_style['2d'], m) == get(by_style['3d-mol'], m),
                      '%s: 3d-mol without macros differs from 2d in %s' % (name, m))


if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'run':
        os.makedirs(sys.argv[2], exist_ok=True)
        run(os.path.abspath(sys.argv[2]))
    elif len(sys.argv) >= 2 and sys.argv[1] == 'sweep':
        sweep()
    else:
        sys.exit(__doc__)
    for f in failures:
        print('FAIL ' + f)
    print('%d failures' % len(failures))
    sys.exit(1 if failures else 0)
