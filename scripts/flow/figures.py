#!/usr/bin/env python3
"""Figures of the stored sweep (results/flow/*.json) for docs/flow.md, written as plain SVG by
hand (standard library only: matplotlib is not among the packages scripts/setup.sh installs).

    python3 scripts/flow/figures.py        # writes docs/img/flow-wirelength.svg,
                                           # flow-power.svg, flow-fmax.svg

- flow-wirelength.svg: share of nets per routed-length bin, 2d against 3d-lol, for the largest
  point of each design family that has both.
- flow-power.svg: internal / net switching / leakage power of every style of every point,
  each bar relative to the 2d total of its point (absolute total written beside it).
- flow-fmax.svg: fmax per point and style.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

REPO = report.REPO
IMG = os.path.join(REPO, 'docs', 'img')
STYLE_COLOR = {'2d': '#4c72b0', '3d-mol': '#dd8452', '3d-lol': '#55a868'}
PART_COLOR = {'internal': '#4c72b0', 'switching': '#dd8452', 'leakage': '#c44e52'}
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


class Svg:
    def __init__(self, w, h):
        self.w, self.h = w, h
        self.items = []

    def rect(self, x, y, w, h, fill, title=None):
        t = '<title>%s</title>' % _esc(title) if title else ''
        self.items.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s">%s</rect>'
                          % (x, y, max(w, 0), max(h, 0), fill, t))

    def line(self, x1, y1, x2, y2, color='#999', width=1):
        self.items.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" '
                          'stroke-width="%g"/>' % (x1, y1, x2, y2, color, width))

    def text(self, x, y, s, size=11, anchor='start', rotate=None, weight='normal'):
        rot = ' transform="rotate(%g %.1f %.1f)"' % (rotate, x, y) if rotate else ''
        self.items.append('<text x="%.1f" y="%.1f" font-size="%g" text-anchor="%s" '
                          'font-weight="%s" %s%s>%s</text>' % (x, y, size, anchor, weight, FONT,
                                                                rot, _esc(s)))

    def write(self, path):
        body = '\n'.join(self.items)
        svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">\n'
               '<rect width="100%%" height="100%%" fill="white"/>\n%s\n</svg>\n'
               % (self.w, self.h, self.w, self.h, body))
        tmp = path + '.tmp'
        open(tmp, 'w').write(svg)
        os.replace(tmp, path)


def _esc(s):
    return str(s).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def legend(svg, x, y, entries):
    for k, (label, color) in enumerate(entries):
        svg.rect(x + k * 120, y - 9, 10, 10, color)
        svg.text(x + k * 120 + 14, y, label)


def axis_y(svg, x, y0, y1, vmax, ticks, fmt, label, x_end=None):
    svg.line(x, y0, x, y1, '#333')
    for t in ticks:
        yy = y0 - (y0 - y1) * t / vmax
        svg.line(x - 3, yy, x, yy, '#333')
        svg.line(x, yy, x_end or svg.w - 10, yy, '#eee')
        svg.text(x - 5, yy + 4, fmt % t, 10, 'end')
    svg.text(x - 38, (y0 + y1) / 2, label, 11, 'middle', rotate=-90)


def family(name):
    return name.rsplit('_', 1)[0]


def wirelength(rows, path):
    """Grouped bars: share of nets per length bin, 2d vs 3d-lol, largest point per family."""
    best = {}
    for (n, s), r in rows.items():
        if s == '3d-lol' and (n, '2d') in rows:
            f = family(n)
            if f not in best or r['cells']['count'] > rows[(best[f], '3d-lol')]['cells']['count']:
                best[f] = n
    names = sorted(best.values(), key=lambda n: rows[(n, '2d')]['cells']['count'])
    if not names:
        return
    pw, ph = 440, 230
    cols = 2
    nrow = (len(names) + cols - 1) // cols
    svg = Svg(cols * pw + 20, nrow * ph + 60)
    svg.text(10, 20, 'Routed length per net: share of nets per length bin (um), 2D vs Shrunk-2D '
             '(3d-lol)', 13, weight='bold')
    legend(svg, 20, 42, [('2d', STYLE_COLOR['2d']), ('3d-lol', STYLE_COLOR['3d-lol'])])
    for k, n in enumerate(names):
        ox, oy = 10 + (k % cols) * pw, 60 + (k // cols) * ph
        hs = {s: rows[(n, s)]['wirelength']['per_net_um']['histogram'] for s in ('2d', '3d-lol')}
        edges = [b['from'] for b in hs['2d']]
        shares = {s: [100.0 * b['count'] / max(sum(x['count'] for x in h), 1) for b in h]
                  for s, h in hs.items()}
        vmax = max(max(v) for v in shares.values())
        vmax = (int(vmax / 10) + 1) * 10
        x0, y0, y1 = ox + 50, oy + ph - 45, oy + 22
        svg.text(ox + pw / 2, oy + 12, '%s (%d cells)' % (n, rows[(n, '2d')]['cells']['count']),
                 12, 'middle', weight='bold')
        axis_y(svg, x0, y0, y1, vmax, range(0, vmax + 1, 10), '%d', '% of nets', ox + pw - 20)
        bw = (pw - 70) / len(edges)
        for i, e in enumerate(edges):
            for j, s in enumerate(('2d', '3d-lol')):
                v = shares[s][i]
                h = (y0 - y1) * v / vmax
                svg.rect(x0 + i * bw + 3 + j * (bw - 6) / 2, y0 - h, (bw - 6) / 2, h,
                         STYLE_COLOR[s], '%s %s >= %g um: %.1f %%' % (n, s, e, v))
            svg.text(x0 + i * bw + bw / 2, y0 + 13, '%g' % e, 9, 'middle')
        svg.text(x0 + (pw - 70) / 2, y0 + 28, 'net length from (um)', 10, 'middle')
    svg.write(path)


def bars_by_point(rows):
    """(name, style, result) of every style row, 3d-mol without macros left out (= 2d)."""
    out = []
    for n in report.order(rows):
        for s in report.STYLES:
            r = rows.get((n, s))
            if r and not (s == '3d-mol' and not r.get('3d', {}).get('macros')):
                out.append((n, s, r))
    return out


def spike_rows():
    """Layouts priced with an RTL testbench's toggle file (results/rtl/*-spikes.json)."""
    out = {}
    for f in sorted(report.glob.glob(os.path.join(REPO, 'results', 'rtl', '*-spikes.json'))):
        r = report.json.load(open(f))
        if r.get('complete'):
            out[(r['name'], r['style'])] = r
    return out


def power(rows, path):
    """Horizontal stacked bars: internal / switching / leakage relative to the 2d total;
    a layout also priced with real spike activity gets a second bar ('spikes')."""
    spikes = spike_rows()
    items = []
    for n, s, r in bars_by_point(rows):
        items.append((n, s, r))
        if (n, s) in spikes:
            items.append((n, s + ' spikes', spikes[(n, s)]))
    if not items:
        return
    bh, gap, left = 16, 8, 210
    h = 70 + len(items) * (bh + 4) + len({n for n, _, _ in items}) * gap + 30
    svg = Svg(960, h)
    svg.text(10, 20, 'Power at 100 MHz, default activity 0.1 per cycle ("spikes": the RTL '
             'testbench\'s toggles): share of the 2d total of the same point', 13, weight='bold')
    legend(svg, 20, 42, [('internal', PART_COLOR['internal']), ('net switching',
                                                                 PART_COLOR['switching']),
                         ('leakage', PART_COLOR['leakage'])])
    x0, xw = left, 440
    y = 60
    for t in (0, 25, 50, 75, 100):
        svg.line(x0 + xw * t / 100, 55, x0 + xw * t / 100, h - 30, '#eee')
        svg.text(x0 + xw * t / 100, h - 16, '%d %%' % t, 10, 'middle')
    last = None
    for n, s, r in items:
        if last is not None and n != last:
            y += gap
        last = n
        ref = rows.get((n, '2d'), r)['power']['total_w']
        p = r['power']
        svg.text(x0 - 6, y + bh - 4, '%s %s' % (n, s), 10, 'end')
        xx = x0
        for part, key in (('internal', 'internal_w'), ('switching', 'switching_w'),
                          ('leakage', 'leakage_w')):
            w = xw * p[key] / ref
            svg.rect(xx, y, w, bh, PART_COLOR[part], '%s %s %s: %.3f mW' % (n, s, part,
                                                                            p[key] * 1e3))
            xx += w
        svg.text(xx + 6, y + bh - 4, '%.2f mW (switching %.2f, leakage %.4f)' % (
            p['total_w'] * 1e3, p['switching_w'] * 1e3, p['leakage_w'] * 1e3), 10)
        y += bh + 4
    svg.write(path)


def fmax(rows, path):
    """Grouped vertical bars: fmax per point, one bar per style."""
    names = report.order(rows)
    if not names:
        return
    gw = 64
    svg = Svg(max(600, 90 + len(names) * gw), 330)
    svg.text(10, 20, 'fmax = 1 / (10 ns - worst setup slack), extracted parasitics (MHz)', 13,
             weight='bold')
    legend(svg, 20, 42, [(s, STYLE_COLOR[s]) for s in report.STYLES])
    vals = [r['timing']['fmax_mhz'] or 0 for r in rows.values()]
    vmax = (int(max(vals) / 100) + 1) * 100
    x0, y0, y1 = 60, 230, 60
    axis_y(svg, x0, y0, y1, vmax, range(0, vmax + 1, 100), '%d', 'fmax (MHz)')
    for i, n in enumerate(names):
        for j, s in enumerate(report.STYLES):
            r = rows.get((n, s))
            if not r:
                continue
            v = r['timing']['fmax_mhz'] or 0
            hh = (y0 - y1) * v / vmax
            svg.rect(x0 + 6 + i * gw + j * (gw - 12) / 3, y0 - hh, (gw - 12) / 3 - 1, hh,
                     STYLE_COLOR[s], '%s %s: %.0f MHz' % (n, s, v))
            svg.text(x0 + 6 + i * gw + j * (gw - 12) / 3 + (gw - 12) / 6, y0 - hh - 3, '%.0f' % v,
                     8, 'start', rotate=-90)
        svg.text(x0 + i * gw + gw / 2, y0 + 10, n, 9, 'end', rotate=-45)
    svg.write(path)


def main():
    rows = report.load()
    os.makedirs(IMG, exist_ok=True)
    wirelength(rows, os.path.join(IMG, 'flow-wirelength.svg'))
    power(rows, os.path.join(IMG, 'flow-power.svg'))
    fmax(rows, os.path.join(IMG, 'flow-fmax.svg'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
