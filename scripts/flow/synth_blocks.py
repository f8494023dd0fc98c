#!/usr/bin/env python3
"""Synthesis table (issue 12 item 4): maps each hw/ block with yosys 0.23 + abc onto osu018
(the flow's own script: synth, dfflibmap, abc -D <clock period>) at the sizes of
configs/arch/small.toml and configs/arch/paper.toml, and prints cells by type, flip-flops and
area. SRAM banks are synthesized with SS_SRAM_MACRO (the sram_macro black box: its area is the
physical model's, not the library's). A run that exceeds --timeout-s is reported as such.

    python3 scripts/flow/synth_blocks.py [--timeout-s 600] [--out results/flow/synth_blocks.json]
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
LIB = '/usr/share/qflow/tech/osu018/osu018_stdcells.lib'
ABC = '/usr/lib/qflow/bin/yosys-abc'


def blocks(arch):
    """(name, top, files, params, defines) of each block for one arch TOML."""
    se, at, sg, noc = arch['se_cores'], arch['attention_cores'], arch['spike_gen'], arch['noc']
    a = arch['arch']
    wb = arch['buffers']['weight']
    width = int(wb['width'].split()[0])
    lanes = se['time_lanes']
    bus_w = int(noc['width'].split()[0])
    return [
        ('se_array', 'se_array', ['se_array.v', 'se_pe.v'],
         {'ROWS': se['rows'], 'COLS': se['cols'], 'LANES': lanes,
          'WEIGHT_BITS': a['weight_bits'], 'PSUM_BITS': a['acc_bits']}, []),
        ('spike_gen', 'spike_gen', ['spike_gen.v'], {'LANES': sg['lanes_per_core']}, []),
        ('se_core', 'se_core', ['se_core.v', 'se_array.v', 'se_pe.v', 'spike_gen.v'],
         {'ROWS': se['rows'], 'COLS': se['cols'], 'LANES': lanes,
          'WEIGHT_BITS': a['weight_bits'], 'PSUM_BITS': a['acc_bits'],
          'SG_LANES': sg['lanes_per_core'], 'CHUNK': max(1, sg['acc_entries'] // se['cols'])}, []),
        ('attention_core', 'attention_core', ['attention_core.v'],
         {'ROWS': at['rows'], 'COLS': at['cols'], 'LANES': at['time_lanes'],
          'SCORE_BITS': a['score_bits']}, []),
        ('router_topk', 'router_topk', ['router_topk.v'],
         {'LANES': arch['router']['lanes'], 'W_W': a['weight_bits']}, []),
        ('bus', 'bus', ['bus.v', 'rr_arbiter.v'],
         {'WIDTH': bus_w, 'LATENCY': noc.get('latency_cycles', 1)}, []),
        ('glb (weight)', 'glb', ['glb.v', 'sram_bank.v', 'sram_macro.v'],
         {'BANKS': wb['banks'], 'WIDTH': width,
          'DEPTH': _bytes(wb['size']) * 8 // width}, ['SS_SRAM_MACRO']),
    ]


def _bytes(s):
    v, u = s.split()
    return int(float(v) * {'B': 1, 'KiB': 1024, 'MiB': 1 << 20}[u])


def synth(work, name, top, files, params, defines, period_ns, timeout):
    os.makedirs(work, exist_ok=True)
    missing = [f for f in files if not os.path.exists(os.path.join(REPO, 'hw', f))]
    if missing:
        return {'status': 'missing RTL: ' + ', '.join(missing)}
    d = ' '.join('-D' + x for x in defines)
    ys = ['read_liberty -lib -ignore_miss_dir -setattr blackbox %s' % LIB]
    ys += ['read_verilog -defer %s %s' % (d, os.path.join(REPO, 'hw', f)) for f in files]
    ys += ['chparam %s %s' % (' '.join('-set %s %s' % kv for kv in params.items()), top),
           'hierarchy -check -top %s' % top, 'synth -top %s -flatten' % top,
           'dfflibmap -liberty %s' % LIB, 'opt',
           'abc -exe %s -liberty %s -D %d' % (ABC, LIB, int(period_ns * 1000)),
           'opt_clean', 'stat -liberty %s' % LIB]
    ysf = os.path.join(work, 'synth.ys')
    open(ysf, 'w').write('\n'.join(ys) + '\n')
    log = os.path.join(work, 'yosys.log')
    t0 = time.time()
    p = subprocess.Popen(['yosys', '-q', '-l', log, '-s', ysf], stdout=subprocess.DEVNULL,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)  # yosys and its abc child
        p.wait()
        return {'status': 'did not finish in %d s' % timeout, 'runtime_s': timeout}
    dt = time.time() - t0
    if p.returncode:
        err = [ln for ln in open(log) if 'ERROR' in ln]
        return {'status': 'yosys failed: ' + (err[-1].strip() if err else 'see ' + log)}
    text = open(log).read()
    stat = text[text.rfind('Printing statistics'):]
    cells = {m.group(1): int(m.group(2)) for m in re.finditer(r'^\s+(\S+)\s+(\d+)\s*$', stat, re.M)}
    area = re.search(r'Chip area for module .*?: ([\d.]+)', stat)
    ff = sum(n for c, n in cells.items() if c.startswith('DFF') or c == 'LATCH')
    macros = sum(n for c, n in cells.items() if c.endswith('sram_macro'))
    return {'status': 'ok', 'runtime_s': round(dt, 1), 'cells': sum(
        n for c, n in cells.items() if not c.startswith('$') and not c.endswith('sram_macro')),
        'flip_flops': ff, 'area_um2': float(area.group(1)) if area else None,
        'macros': macros, 'by_type': cells, 'script': os.path.relpath(ysf, REPO)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--timeout-s', type=int, default=600)
    ap.add_argument('--archs', nargs='+', default=['small', 'paper'])
    ap.add_argument('--only', nargs='+', help='block names to map (default: all)')
    ap.add_argument('--out', default=os.path.join(REPO, 'results', 'flow', 'synth_blocks.json'))
    ap.add_argument('--work', default=os.path.join(REPO, 'flow-work', 'synth_blocks'))
    ap.add_argument('--merge', action='store_true',
                    help='keep the other rows of --out, replace those mapped now')
    a = ap.parse_args()
    rows = []
    old = json.load(open(a.out))['rows'] if a.merge and os.path.exists(a.out) else []
    for arch_name in a.archs:
        arch = tomllib.load(open(os.path.join(REPO, 'configs', 'arch', arch_name + '.toml'), 'rb'))
        period = 1000.0 / float(arch['arch']['clock'].split()[0])  # MHz -> ns
        period = max(period, 10.0)  # osu018 cannot reach 28 nm clocks: 100 MHz target at least
        for name, top, files, params, defines in blocks(arch):
            if a.only and name not in a.only:
                continue
            work = os.path.join(a.work, arch_name, top)
            r = synth(work, name, top, files, params, defines, period, a.timeout_s)
            r.update({'block': name, 'arch': arch_name, 'top': top, 'params': params,
                      'period_ns': period})
            rows.append(r)
            old = [o for o in old if (o['arch'], o['block']) != (arch_name, name)]
            print('%-8s %-16s %-10s cells %-8s FF %-7s area %-12s %s' % (
                arch_name, name, r['status'][:10], r.get('cells', '-'), r.get('flip_flops', '-'),
                ('%.0f um2' % r['area_um2']) if r.get('area_um2') else '-',
                ('%.1f s' % r['runtime_s']) if 'runtime_s' in r else ''), flush=True)
            tmp = a.out + '.tmp'
            os.makedirs(os.path.dirname(a.out), exist_ok=True)
            json.dump({'tool': 'yosys 0.23 + abc, osu018', 'rows': old + rows}, open(tmp, 'w'),
                      indent=1)
            os.replace(tmp, a.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
