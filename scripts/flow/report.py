#!/usr/bin/env python3
"""Tables of the stored sweep (results/flow/*.json) and of the synthesis table
(results/flow/synth_blocks*.json) as Markdown, written between the markers
'<!-- flow-tables:begin -->' and '<!-- flow-tables:end -->' of docs/flow.md (or printed).

    python3 scripts/flow/report.py            # rewrite the tables in docs/flow.md
    python3 scripts/flow/report.py --print
"""
import glob
import json
import math
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
    names = order(rows)
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
    mol = [(n, rows[(n, '3d-mol')], rows.get((n, '2d'))) for n in names
           if rows.get((n, '3d-mol'), {}).get('3d', {}).get('macros')]
    if mol:
        out += ['', '### Memory-on-logic (3d-mol) dies', '',
                '| point | macros | memory die (um^2) | logic die (um^2) | 2d die, logic + macros '
                '(um^2) | footprint vs 2d | bonds | logic wire vs 2d | memory nets: 2d / 3d-mol '
                'wire (mm), mean per net (um) | inputs into the macros: 2d wire (mm) |',
                '|' + '---|' * 10]

        def memw(r2, r):
            m2, m3 = (r2 or {}).get('memory_nets'), r.get('memory_nets')
            if not m2 or not m3:
                return '-', '-'
            return ('%d: %.2f / %.2f, %.0f / %.0f' % (m2['count'], m2['length_um'] / 1e3,
                                                   m3['length_um'] / 1e3, m2['mean_um'],
                                                   m3['mean_um']),
                    '%d: %.2f' % (m2['io_count'], m2['io_length_um'] / 1e3))
        for n, r, r2 in mol:
            dd = r['3d']['dies']
            out.append('| %s | %s | %.0f | %.0f | %s | %s | %d | %s | %s | %s |' % (
                n, ', '.join('%d x %s' % (v, k) for k, v in sorted(
                    (r2 or r)['macros']['by_type'].items())) or r['3d']['macros'],
                dd['memory_um2'], dd['logic_um2'], ('%.0f' % r2['die']['area_um2']) if r2 else '-',
                pct(r['footprint_um2'], r2['footprint_um2']) if r2 else '-',
                r['3d']['bonds']['count'],
                pct(r['wirelength']['total_um'], r2['wirelength']['total_um']) if r2 else '-',
                *memw(r2, r)))
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
    return out


def order(rows):
    return sorted({n for n, _ in rows},
                  key=lambda n: (n.rsplit('_', 1)[0], rows.get((n, '2d'), {}).get('cells', {}).get('count', 0)))


def independent(rows):
    """(name, style, result) of every layout that was placed and routed (a 3d-mol row of a
    design without macros reuses the 2d layout and is left out)."""
    for n in order(rows):
        for s in STYLES:
            r = rows.get((n, s))
            if r and not (s == '3d-mol' and not r.get('3d', {}).get('macros')):
                yield n, s, r


def physmodel_tables(rows):
    """The raw quantities the physical model transfers to other nodes (docs/physical.md)."""
    out = ['### Raw quantities for the physical model', '',
           'Net lengths in gate pitches (gate pitch = sqrt(mean cell area)); wire share = '
           'C_wire / (C_wire + C_pin) over all nets; buffers per mm = buffers and inverters '
           '(of them added by blifFanout) per mm of routed wire; clock wire per sink = clock-tree '
           'wire / flip-flop clock pins; cut nets per cell = bonds / cells (3d-lol).', '',
           '| point | style | gate pitch (um) | net p10 / p50 / p90 / mean (pitches) | '
           'wire C (pF) | pin C (pF) | wire share | buf/inv per mm (added) | '
           'clock wire per sink (um) | fanout mean / p90 / max | cut nets per cell |',
           '|' + '---|' * 11]
    for n, s, r in independent(rows):
        g = r['wirelength']['per_net_gate_pitches']
        c = r['capacitance']
        mm = r['wirelength']['total_um'] / 1000.0
        f = r['fanout']
        cut = r.get('3d', {}).get('bonds', {}).get('cut_nets_per_cell') if s == '3d-lol' else None
        out.append('| %s | %s | %.2f | %.2f / %.2f / %.2f / %.2f | %.1f | %.1f | %.3f | %.2f (%.2f) | '
                   '%.1f | %.2f / %.0f / %d | %s |' % (
                       n, s, r['gate_pitch_um'], g['p10'], g['p50'], g['p90'], g['mean'],
                       c['wire_ff'] / 1000, c['pin_ff'] / 1000,
                       c['wire_ff'] / (c['wire_ff'] + c['pin_ff']),
                       r['cells']['buffers_inverters'] / mm, r['cells']['buffers_inverters_added'] / mm,
                       r['clock']['length_um'] / max(r['clock']['sinks'], 1),
                       f['mean'], f['p90'], f['max'], ('%.3f' % cut) if cut is not None else '-'))
    out += ['', '### Net length distribution in gate pitches (share of nets per bin, %)', '']
    edges, lines = None, []
    for n, s, r in independent(rows):
        h = r['wirelength']['per_net_gate_pitches']['histogram']
        edges = [b['from'] for b in h]
        tot = sum(b['count'] for b in h) or 1
        lines.append('| %s | %s | ' % (n, s) + ' | '.join('%.1f' % (100.0 * b['count'] / tot) for b in h)
                     + ' |')
    if edges:
        out.append('| point | style | ' + ' | '.join('>=%g' % e for e in edges) + ' |')
        out.append('|' + '---|' * (len(edges) + 2))
        out += lines
    out += ['', '### Fanout histogram (share of nets with this many sinks, %)', '']
    edges = None
    lines = []
    for n, s, r in independent(rows):
        h = r['fanout']['histogram']
        edges = [b['from'] for b in h]
        tot = sum(b['count'] for b in h) or 1
        lines.append('| %s | %s | ' % (n, s) + ' | '.join('%.1f' % (100.0 * b['count'] / tot) for b in h)
                     + ' |')
    if edges:
        out.append('| point | style | ' + ' | '.join(
            ('%d' % e) if i + 1 < len(edges) and edges[i + 1] == e + 1 else
            ('%d-%d' % (e, edges[i + 1] - 1)) if i + 1 < len(edges) else '>=%d' % e
            for i, e in enumerate(edges)) + ' |')
        out.append('|' + '---|' * (len(edges) + 2))
        out += lines
    return out


def fit_power_law(xs, ys):
    """Least squares of log y = log a + b log x: returns (a, b, r^2)."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    n = len(lx)
    mx, my = sum(lx) / n, sum(ly) / n
    sxx = sum((x - mx) ** 2 for x in lx)
    sxy = sum((x - mx) * (y - my) for x, y in zip(lx, ly))
    b = sxy / sxx
    a = math.exp(my - b * mx)
    ss_res = sum((y - (math.log(a) + b * x)) ** 2 for x, y in zip(lx, ly))
    ss_tot = sum((y - my) ** 2 for y in ly)
    return a, b, 1 - ss_res / ss_tot if ss_tot else 1.0


def se_array_cells(rows):
    """(n, cells) of the se_array n x n 2d points."""
    pts = []
    for (n, s), r in rows.items():
        if s == '2d' and n.startswith('se_array_'):
            k = int(r['design']['params']['ROWS'])
            pts.append((k, r['cells']['count']))
    return sorted(pts)


def growth_tables(rows):
    """Runtime per step against cell count over every placed and routed point, a fitted
    exponent per step, and an extrapolation to the full 32 x 32 SE core."""
    pts = [(r['cells']['count'], r['runtime_s'], r.get('cpu_s') or {}, n, s)
           for n, s, r in independent(rows)]
    out = ['### Runtime growth', '',
           'Fit of wall seconds t = a x cells^b over every placed and routed point above (%d '
           'layouts; the wall time depends on the load of the shared machine, so the exponent is '
           'a rough one):' % len(pts), '',
           '| step | a (s) | exponent b | r^2 | t at 10 k cells (s) |', '|---|---|---|---|---|']
    fits = {}
    for step in ('place', 'route', 'total'):
        xs = [c for c, t, _, _, _ in pts if t.get(step, 0) > 0]
        ys = [t[step] for c, t, _, _, _ in pts if t.get(step, 0) > 0]
        if len(xs) < 3:
            continue
        a, b, r2 = fit_power_law(xs, ys)
        fits[step] = (a, b)
        out.append('| %s | %.3g | %.2f | %.2f | %.0f |' % (step, a, b, r2, a * 1e4 ** b))
    cp = [(c, cpu['place_route']) for c, _, cpu, _, _ in pts if cpu.get('place_route')]
    if len(cp) >= 3:  # CPU seconds of graywolf + qrouter: much less sensitive to the load
        a, b, r2 = fit_power_law([c for c, _ in cp], [t for _, t in cp])
        out.append('| place + route, tool CPU (%d layouts that recorded it) | %.3g | %.2f | %.2f | '
                   '%.0f |' % (len(cp), a, b, r2, a * 1e4 ** b))
    sa = se_array_cells(rows)
    if 'total' in fits and len(sa) >= 3:
        # cells of the n x n array: quadratic in n through the stored sizes (least squares)
        k = [x for x, _ in sa]
        c = [y for _, y in sa]
        # normal equations of c = p n^2 + q n + r
        m = [[sum(x ** (i + j) for x in k) for j in (2, 1, 0)] for i in (2, 1, 0)]
        v = [sum(y * x ** i for x, y in zip(k, c)) for i in (2, 1, 0)]
        coef = _solve3(m, v)
        n32 = coef[0] * 32 ** 2 + coef[1] * 32 + coef[2]
        a, b = fits['total']
        out += ['', '**Extrapolation (not a measurement)**: the se_array cells follow '
                'cells = %.1f n^2 %+.1f n %+.0f for n = %s (least squares; 2 lanes, 8-bit weights, '
                '16-bit sums); a 32 x 32 array at these widths (paper.toml\'s array has 4 lanes: '
                'more) without spike generator, accumulators and buffers would be %.0f k cells, and the fitted total runtime t = %.3g x '
                'cells^%.2f gives %.1f h for it in one 2D run; the whole SE core at the issue\'s '
                'estimate of ~1.5 M cells gives %.0f h. graywolf and qrouter are single-threaded, '
                'so more cores do not help one run.' % (
                    coef[0], coef[1], coef[2], ', '.join(str(x) for x in k), n32 / 1000, a, b,
                    a * n32 ** b / 3600, a * 1.5e6 ** b / 3600)]
    out += ['', '| point | style | cells | synth | place | route | extract + STA + metrics | '
            'total | tool CPU (s) |', '|' + '---|' * 9]
    for c, t, cpu, n, s in sorted(pts, key=lambda p: (p[0], p[3], p[4])):
        cpu_txt = ('%.0f' % sum(v for v in cpu.values() if v)) if cpu and all(
            v is not None for v in cpu.values()) else '-'
        out.append('| %s | %s | %d | %.0f | %.0f | %.0f | %.1f | %.0f | %s |' % (
            n, s, c, t['synth'], t['place'], t['route'], t['extract'] + t['sta'] + t['metrics'],
            t['total'], cpu_txt))
    return out


def _solve3(m, v):
    """Gaussian elimination of a 3 x 3 system."""
    m = [row[:] + [x] for row, x in zip(m, v)]
    for i in range(3):
        p = max(range(i, 3), key=lambda r: abs(m[r][i]))
        m[i], m[p] = m[p], m[i]
        for r in range(3):
            if r != i:
                f = m[r][i] / m[i][i]
                m[r] = [x - f * y for x, y in zip(m[r], m[i])]
    return [m[i][3] / m[i][i] for i in range(3)]


def spikes_table(rows):
    """Power with the switching activity of real spikes (results/rtl/*-spikes.json, written by
    the RTL testbench's activity file through flow.py --activity) next to the default rate."""
    out = []
    for f in sorted(glob.glob(os.path.join(REPO, 'results', 'rtl', '*-spikes.json'))):
        r = json.load(open(f))
        if not r.get('complete'):
            continue
        d = rows.get((r['name'], r['style']))
        pw = r['power']
        out.append('| %s | %s | %s | %.3f | %d | %.3f | %.3f | %.3f | %s | %s |' % (
            r['name'], r['style'], pw.get('activity_file', '-'), pw['activity_per_cycle'],
            pw.get('activity_nets_matched', 0), pw['internal_w'] * 1e3, pw['switching_w'] * 1e3,
            pw['total_w'] * 1e3, ('%.3f' % (d['power']['switching_w'] * 1e3)) if d else '-',
            ('%.3f' % (d['power']['total_w'] * 1e3)) if d else '-'))
    if not out:
        return []
    return ['### Power with real spike activity', '',
            'Layouts of the sweep priced with an RTL testbench\'s toggle file (`--activity`; '
            'results/rtl/*-spikes.json); the last two columns are the same layout at the default '
            '0.1 per cycle.', '',
            '| point | style | activity file | mean toggles per cycle | nets matched | internal '
            '(mW) | net switching (mW) | total (mW) | default: net switching (mW) | default: total '
            '(mW) |', '|' + '---|' * 10] + out + [''] + spikes_3d_table(rows)


def spikes_3d_table(rows):
    """3d-lol against 2d and per tier, default rate against real spikes (points with both
    styles priced). Net switching on both sides is the flow's per-net sum (the default side:
    power.switching_w_flow_default, the same computation at 0.1 per cycle), so that the two
    columns differ only by the activity; totals: default = the stored row (OpenSTA)."""
    spk = {}
    for f in sorted(glob.glob(os.path.join(REPO, 'results', 'rtl', '*-spikes.json'))):
        r = json.load(open(f))
        if r.get('complete'):
            spk[(r['name'], r['style'])] = r
    out, tiers = [], []
    for n in sorted({n for n, _ in spk}):
        st = '3d-lol' if (n, '3d-lol') in spk else '3d-mol'
        r2, r3 = spk.get((n, '2d')), spk.get((n, st))
        d2, d3 = rows.get((n, '2d')), rows.get((n, st))
        if not (r2 and r3 and d2 and d3):
            continue
        sd2 = r2['power'].get('switching_w_flow_default', d2['power']['switching_w_flow'])
        sd3 = r3['power'].get('switching_w_flow_default', d3['power']['switching_w_flow'])
        out.append('| %s | %s | %.3f / %.3f (%s) | %.3f / %.3f (%s) | %.3f / %.3f (%s) | '
                   '%.3f / %.3f (%s) |' % (
                       n, st, sd2 * 1e3, sd3 * 1e3, pct(sd3, sd2),
                       r2['power']['switching_w'] * 1e3, r3['power']['switching_w'] * 1e3,
                       pct(r3['power']['switching_w'], r2['power']['switching_w']),
                       d2['power']['total_w'] * 1e3, d3['power']['total_w'] * 1e3,
                       pct(d3['power']['total_w'], d2['power']['total_w']),
                       r2['power']['total_w'] * 1e3, r3['power']['total_w'] * 1e3,
                       pct(r3['power']['total_w'], r2['power']['total_w'])))
        if st != '3d-lol':
            continue
        td, tr = d3['3d']['tiers'], r3['3d']['tiers']
        if 'switching_w_opensta' not in tr.get('top', {}).get('power', {}):
            continue
        sh = lambda t, k: t['top']['power'][k] / (t['top']['power'][k] + t['bottom']['power'][k])  # noqa: E731
        for t in ('top', 'bottom'):
            a, b = td[t]['power'], tr[t]['power']
            tiers.append('| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f (%s) |' % (
                n, t, a['switching_w'] * 1e3, b['switching_w_flow_default'] * 1e3,
                b['switching_w'] * 1e3, a['internal_w'] * 1e3, b['internal_w'] * 1e3,
                b['total_w'] * 1e3, pct(b['total_w'], a['total_w'])))
        tiers.append('| %s | top share of tier power | | | | | | default %.1f %%, spikes %.1f %% |'
                     % (n, 100 * sh(td, 'total_w'), 100 * sh(tr, 'total_w')))
    if not out:
        return []
    return ['3D against 2D with real spikes (mW, 2d / 3D (3D vs 2D)); net switching by '
            'the flow\'s per-net sum on both sides (default: the same sum at 0.1 per cycle; '
            'OpenSTA\'s default switching, in the tables above, differs from it by 2-3 %):', '',
            '| point | 3D style | net switching, default | net switching, spikes | total, default '
            '| total, spikes |', '|' + '---|' * 6] + out + [
            '', 'Per tier (3d-lol; each net\'s switching booked to the tier of its driver, as '
            'OpenSTA books it; internal power is OpenSTA\'s at the file\'s mean rate; nets '
            'driven by design inputs belong to no tier):', '',
            '| point | tier | default: switching (OpenSTA) | default: switching (flow) | '
            'spikes: switching | default: internal | spikes: internal | spikes: total (vs '
            'default total) |', '|' + '---|' * 8] + tiers


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
    text = '\n'.join(sweep_tables(rows) + [''] + physmodel_tables(rows) + [''] + spikes_table(rows)
                     + [''] + growth_tables(rows) + [''] + synth_table())
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
