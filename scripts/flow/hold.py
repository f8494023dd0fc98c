#!/usr/bin/env python3
"""Where the stored layouts' negative hold slack comes from (docs/flow.md, "Hold"): reruns
OpenSTA on a stored layout (its work directory in flow-work/, the STA script the flow wrote,
same SPEF and constraints) and splits the min-delay checks by start point:

- register to register (both ends on the propagated clock tree): worst hold slack and count
  of violating end points;
- design input to register (inputs have `set_input_delay 0` against the clock at the port, so
  they launch at t = 0 while the capturing flip-flop sees the clock after the tree's insertion
  delay): worst slack, violating end points;
- the clock tree: earliest and latest arrival of the clock at a flip-flop clock pin (insertion
  delay) and OpenSTA's worst hold skew between two related flip-flops;
- the same input checks with the inputs launched at the earliest clock arrival of the tree
  (`set_input_delay <min latency>`: an input driven by a flip-flop of the same clock tree, with
  its clock-to-Q taken as 0, a bound): what is left violating.

    python3 scripts/flow/hold.py tiny_mac_2x2-2d se_unit_2x2-2d ...   # stored rows
    python3 scripts/flow/hold.py --all                                # every stored row
    python3 scripts/flow/hold.py --json results/flow/hold.json --all

Read-only for the layouts: OpenSTA only, seconds per point.
"""
import glob
import json
import os
import re
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def header(tcl):
    """The stored STA script up to its reports (design, parasitics, constraints)."""
    out = []
    for ln in open(tcl):
        if ln.startswith('puts') or ln.startswith('report_') or ln.startswith('set_power'):
            break
        out.append(ln.rstrip('\n'))
    return out


def run_sta(lines, cwd):
    p = subprocess.run(['sta', '-no_splash', '-exit', '/dev/stdin'], input='\n'.join(lines) + '\n',
                       capture_output=True, text=True, cwd=cwd, timeout=1800)
    return p.stdout


def section(out, tag):
    m = re.search(r'@@%s\n(.*?)(?=@@|\Z)' % tag, out, re.S)
    return m.group(1) if m else ''


def worst(text):
    m = re.search(r'(-?[\d.]+)\s+slack \((MET|VIOLATED)\)', text)
    return float(m.group(1)) if m else None


def count(text):
    return len(re.findall(r'\(VIOLATED\)', text))


def same_layout(r, proj):
    """The layout in the work directory is the stored row's: its DEF exists and its die is the
    stored die (a work directory re-placed after the row was stored, se_array_5x5 2d, is not)."""
    defs = glob.glob(os.path.join(proj, '*.def'))
    top = r['design']['top']
    d = os.path.join(proj, top + '.def')
    if d not in defs:
        return False
    txt = open(d).read(20000)
    u = re.search(r'UNITS DISTANCE MICRONS (\d+)', txt)
    a = re.search(r'DIEAREA \( (-?\d+) (-?\d+) \) \( (-?\d+) (-?\d+) \)', txt)
    if not (u and a):
        return False
    k = float(u.group(1))
    x0, y0, x1, y1 = (float(v) / k for v in a.groups())
    return abs((x1 - x0) * (y1 - y0) - r['die']['area_um2']) <= 0.005 * r['die']['area_um2']


def analyse(row):
    """row: results/flow/<point>-<style>.json. Returns the numbers, or None without a layout."""
    r = json.load(open(row))
    wd = os.path.join(REPO, r['work_dir'])
    style = r['style']
    if style == '3d-mol' and not r.get('3d', {}).get('macros'):
        style = '2d'  # its layout is the 2d one
    tcl = os.path.join(wd, style, 'pnr', 'sta', 'sta.tcl')
    if not os.path.exists(tcl) or not same_layout(r, os.path.join(wd, style, 'pnr')):
        return None
    clk = '[get_ports clk_i]'
    ins = '[delete_from_list [all_inputs] %s]' % clk
    regs = '-from [all_registers -clock_pins] -to [all_registers -data_pins]'
    many = '-group_count 1000000 -endpoint_count 1 -slack_max 0 -format end'
    q = header(tcl) + [
        'puts "@@R2R"', 'report_checks -path_delay min %s -digits 4' % regs,
        'puts "@@R2RN"', 'report_checks -path_delay min %s %s' % (regs, many),
        'puts "@@I2R"', 'report_checks -path_delay min -from %s -digits 4' % ins,
        'puts "@@I2RN"', 'report_checks -path_delay min -from %s %s' % (ins, many),
        'puts "@@ALL"', 'report_checks -path_delay min -digits 4',
        'puts "@@SKEW"', 'report_clock_skew -hold -digits 4',
        'puts "@@LAT"',
        'foreach p [all_registers -clock_pins] { report_arrival $p }',
    ]
    out = run_sta(q, os.path.dirname(tcl))
    lat = [float(x) for x in re.findall(r'\(clk \^\) r ([\d.]+):', section(out, 'LAT'))]
    skew = re.findall(r'([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$', section(out, 'SKEW'), re.M)
    res = {'row': os.path.basename(row), 'stored_worst_hold_slack_ns': r['timing'].get(
        'worst_hold_slack_ns'),
        'worst_hold_slack_ns': worst(section(out, 'ALL')),
        'reg_to_reg': {'worst_slack_ns': worst(section(out, 'R2R')),
                       'violating_endpoints': count(section(out, 'R2RN'))},
        'input_to_reg': {'worst_slack_ns': worst(section(out, 'I2R')),
                         'violating_endpoints': count(section(out, 'I2RN'))},
        'clock': {'flip_flops': len(lat), 'latency_min_ns': min(lat) if lat else None,
                  'latency_max_ns': max(lat) if lat else None,
                  'hold_skew_ns': float(skew[0][2]) if skew else None}}
    # clock-to-Q of the fastest register-to-register path's launching flip-flop
    tcq = re.search(r'^\s+([\d.]+)\s+[\d.]+ [\^v] \S+/Q \(', section(out, 'R2R'), re.M)
    res['clock']['clk_to_q_min_path_ns'] = float(tcq.group(1)) if tcq else None
    for key, d in (('input_to_reg_launched_at_min_latency', min(lat) if lat else None),
                   ('input_to_reg_launched_by_a_flip_flop',
                    min(lat) + float(tcq.group(1)) if lat and tcq else None)):
        if d is None:
            continue
        # the inputs launched at the tree's earliest clock arrival (+ a clock-to-Q): an input
        # driven by a flip-flop on the same clock tree
        # (only the design inputs at input delay 0: a 3d-mol bond terminal keeps the macro's
        # read-data delay the flow gave it)
        own = sorted({m.group(1) for m in (re.search(r'^set_input_delay .*\[get_ports \{(\S+)\}\]', ln)
                                           for ln in header(tcl)) if m})
        plain = '[delete_from_list [all_inputs] [get_ports {clk_i %s}]]' % ' '.join(own)
        q2 = header(tcl) + [
            'set_input_delay %.4f -clock clk %s' % (d, plain),
            'puts "@@I2R"', 'report_checks -path_delay min -from %s -digits 4' % ins,
            'puts "@@I2RN"', 'report_checks -path_delay min -from %s %s' % (ins, many)]
        out2 = run_sta(q2, os.path.dirname(tcl))
        res[key] = {'input_delay_ns': round(d, 4), 'worst_slack_ns': worst(section(out2, 'I2R')),
                    'violating_endpoints': count(section(out2, 'I2RN'))}
    return res


def main(argv):
    js = None
    if '--json' in argv:
        i = argv.index('--json')
        js = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    if '--all' in argv:
        rows = sorted(glob.glob(os.path.join(REPO, 'results', 'flow', '*-*.json')))
    else:
        rows = [os.path.join(REPO, 'results', 'flow', a if a.endswith('.json') else a + '.json')
                for a in argv]
    results = []
    print('| row | stored worst hold (ns) | reg->reg worst / violating | input->reg worst / '
          'violating | clock latency min-max (ns) | hold skew (ns) | inputs at min latency: '
          'worst / violating | inputs from a flip-flop (+ clk-to-Q): worst / violating |')
    print('|---|---|---|---|---|---|---|---|')
    for row in rows:
        res = analyse(row)
        if res is None:
            print('| %s | (its layout is not in flow-work) |||||||' % os.path.basename(row)[:-5])
            continue
        results.append(res)
        c, rr, ir = res['clock'], res['reg_to_reg'], res['input_to_reg']
        il = res.get('input_to_reg_launched_at_min_latency', {})
        iq = res.get('input_to_reg_launched_by_a_flip_flop', {})
        f = lambda v: '-' if v is None else '%.3f' % v  # noqa: E731
        print('| %s | %s | %s / %d | %s / %d | %s-%s | %s | %s / %s | %s / %s |' % (
            res['row'][:-5], f(res['stored_worst_hold_slack_ns']), f(rr['worst_slack_ns']),
            rr['violating_endpoints'], f(ir['worst_slack_ns']), ir['violating_endpoints'],
            f(c['latency_min_ns']), f(c['latency_max_ns']), f(c['hold_skew_ns']),
            f(il.get('worst_slack_ns')), il.get('violating_endpoints', '-'),
            f(iq.get('worst_slack_ns')), iq.get('violating_endpoints', '-')), flush=True)
    if js:
        with open(js + '.tmp', 'w') as fh:
            json.dump({'schema': 'spikestack.flow.hold/1',
                       'source': 'scripts/flow/hold.py (OpenSTA on the stored layouts)',
                       'rows': results}, fh, indent=1)
        os.replace(js + '.tmp', js)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
