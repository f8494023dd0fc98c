#!/usr/bin/env python3
"""Tables of the stored sweep (results/flow/*.json) and of the synthesis table
(results/flow/synth_blocks*.json) as Markdown, written between the markers
'<!-- flow-tables:begin -->' and '<!-- flow-tables:end -->' of docs/flow.md (or printed).

    python3 scripts/flow/report.py            # rewrite the tables in docs/flow.md
    python3 scripts/flow/report.py --print
"""
import glob
import json
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DOC = os.path.join(REPO, 'docs', 'flow.md')
BEGIN, END = '<!-- flow-tables:begin -->', '<!-- flow-tables:end -->'
STYLES = ['2d', '3d-mol', '3d-lol']


def load():
    rows = {}
    for f in sorted(glob.glob(os.path.join(REPO, 'results', 'flow', '*.json'))):
        r = json.load(open(f))
        if 'style' in r and r.get('complete'):
            rows[(r['name'], r['style'])] = r
    return rows


def pct(a, b):
    return '%+.1f %%' % (100.0 * (a - b) / b) if b else '-'


def sweep_tables(rows):
    names = sorted({n for n, _ in rows}, key=lambda n: rows.get((n, '2d'), {}).get('cells', {}).get('count', 0))
    out = ['### Per design point and style', '',
           '| point | style | cells | cell area (um^2) | die (um^2) | footprint (um^2) | util. | '
           'wirelength (mm) | p50 / p90 net (um) | net switching (mW) | total (mW) | '
           'worst slack (ns) | fmax (MHz) | buf/inv (added) | clock wire (mm) | bonds |',
           '|' + '---|' * 16]
    for n in names:
        for s in STYLES:
            r = rows.get((n, s))
            if not r:
                continue
            b = r.get('3d', {}).get('bonds', {}).get('count', 0) if s != '2d' else 0
            w = r['wirelength']
            out.append('| %s | %s | %d | %.0f | %.0f | %.0f | %.2f | %.1f | %.1f / %.1f | %.3f | %.3f | '
                       '%.3f | %.0f | %d (%d) | %.2f | %s |' % (
                           n, s, r['cells']['count'], r['cells']['area_um2'], r['die']['area_um2'],
                           r['footprint_um2'], r['die']['utilization'], w['total_um'] / 1000,
                           w['per_net_um']['p50'], w['per_net_um']['p90'],
                           r['power']['switching_w'] * 1e3, r['power']['total_w'] * 1e3,
                           r['timing']['worst_slack_ns'], r['timing']['fmax_mhz'] or 0,
                           r['cells']['buffers_inverters'], r['cells']['buffers_inverters_added'],
                           r['clock']['length_um'] / 1000, b))
    out += ['', '### 3D against 2D (same netlist)', '',
            '| point | style | footprint | wirelength | p90 net | net switching | total power | '
            'fmax | bonds | bonds / capacity at pitch |', '|' + '---|' * 10]
    for n in names:
        r2 = rows.get((n, '2d'))
        if not r2:
            continue
        for s in STYLES[1:]:
            r = rows.get((n, s))
            if not r:
                continue
            bd = r.get('3d', {}).get('bonds', {})
            out.append('| %s | %s | %s | %s | %s | %s | %s | %s | %d | %s |' % (
                n, s, pct(r['footprint_um2'], r2['footprint_um2']),
                pct(r['wirelength']['total_um'], r2['wirelength']['total_um']),
                pct(r['wirelength']['per_net_um']['p90'], r2['wirelength']['per_net_um']['p90']),
                pct(r['power']['switching_w'], r2['power']['switching_w']),
                pct(r['power']['total_w'], r2['power']['total_w']),
                pct(r['timing']['fmax_mhz'] or 0, r2['timing']['fmax_mhz'] or 1),
                bd.get('count', 0),
                ('%d / %d' % (bd['count'], bd['capacity_at_pitch'])) if 'capacity_at_pitch' in bd else '-'))
    out += ['', '### Logic-on-logic tiers (3d-lol)', '',
            '| point | tier | cells | cell area (um^2) | utilization of footprint | wire driven (mm) | '
            'power (mW) | cut nets per cell |', '|' + '---|' * 8]
    for n in names:
        r = rows.get((n, '3d-lol'))
        if not r:
            continue
        for t in ('top', 'bottom'):
            tt = r['3d']['tiers'][t]
            out.append('| %s | %s | %d | %.0f | %.2f | %.1f | %.3f | %.3f |' % (
                n, t, tt['cells'], tt['area_um2'], tt.get('utilization', 0),
                tt['wirelength_um'] / 1000, tt['power']['total_w'] * 1e3,
                r['3d']['bonds']['cut_nets_per_cell']))
    out += ['', '### Net length distribution (share of nets per length bin, um)', '']
    edges = None
    lines = []
    for n in names:
        for s in STYLES:
            r = rows.get((n, s))
            if not r or s == '3d-mol' and not r.get('3d', {}).get('macros'):
                continue
            h = r['wirelength']['per_net_um']['histogram']
            edges = [b['from'] for b in h]
            tot = sum(b['count'] for b in h) or 1
            lines.append('| %s | %s | ' % (n, s) + ' | '.join('%.1f' % (100.0 * b['count'] / tot)
                                                            for b in h) + ' |')
    if edges:
        out.append('| point | style | ' + ' | '.join('>=%g' % e for e in edges) + ' |')
        out.append('|' + '---|' * (len(edges) + 2))
        out += lines
    out += ['', '### Runtime per point (s, this machine: 2 cores shared by 5 engineers)', '',
            '| point | style | cells | synth | place | route | extract + STA + metrics | total | '
            'tool CPU (s) |', '|' + '---|' * 9]
    for n in names:
        for s in STYLES:
            r = rows.get((n, s))
            if not r:
                continue
            t = r['runtime_s']
            note = ' (layout of 2d reused)' if s == '3d-mol' and not r.get('3d', {}).get('macros') else ''
            cpu = r.get('cpu_s') or {}
            cpu_txt = ('%.0f' % sum(v for v in cpu.values() if v)) if cpu and all(
                v is not None for v in cpu.values()) else '-'
            out.append('| %s | %s%s | %d | %.0f | %.0f | %.0f | %.1f | %.0f | %s |' % (
                n, s, note, r['cells']['count'], t['synth'], t['place'], t['route'],
                t['extract'] + t['sta'] + t['metrics'], t['total'], cpu_txt))
    return out


def synth_table():
    out = []
    for f in sorted(glob.glob(os.path.join(REPO, 'results', 'flow', 'synth_blocks*.json'))):
        j = json.load(open(f))
        for r in j['rows']:
            out.append('| %s | %s | %s | %s | %s | %s | %s | %s |' % (
                r['arch'], r['block'], ', '.join('%s=%s' % kv for kv in r['params'].items()),
                r.get('cells', '-'), r.get('flip_flops', '-'),
                ('%.0f' % r['area_um2']) if r.get('area_um2') else '-',
                r.get('macros', '-') if r.get('status') == 'ok' else '-',
                r['status'] if r['status'] != 'ok' else '%.0f s' % r['runtime_s']))
    if not out:
        return []
    return ['### Synthesis of the hw/ blocks (yosys 0.23 + abc -D, osu018)', '',
            '| arch | block | parameters | cells | flip-flops | cell area (um^2) | macros | '
            'run |', '|' + '---|' * 8] + out


def main():
    rows = load()
    text = '\n'.join(sweep_tables(rows) + [''] + synth_table())
    if '--print' in sys.argv:
        print(text)
        return 0
    doc = open(DOC).read()
    i, j = doc.index(BEGIN), doc.index(END)
    doc = doc[:i + len(BEGIN)] + '\n' + text + '\n' + doc[j:]
    tmp = DOC + '.tmp'
    open(tmp, 'w').write(doc)
    os.replace(tmp, DOC)
    return 0


if __name__ == '__main__':
    sys.exit(main())
