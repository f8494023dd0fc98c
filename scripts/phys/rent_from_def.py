#!/usr/bin/env python3
"""Rent's rule measured on a placement (issue 14, part 2): the placed die of a DEF is cut into
k x k square regions (k = 2, 4, 8, ...); for each region G = its cells (fill cells excluded)
and T = nets with a pin inside and one outside (I/O pins count as outside). A least-squares
fit of log T = log t + p log G over the regions with at least `--min-cells` cells gives the
Rent exponent p and coefficient t of the placed netlist.

  python3 scripts/phys/rent_from_def.py flow-work/se_array_2x2/2d/pnr/se_array.def
"""
import argparse, math, re, sys


def parse(path):
    cells, nets, pins = {}, [], set()
    text = open(path).read()
    comps = text[text.index('\nCOMPONENTS'):text.index('END COMPONENTS')]
    for m in re.finditer(r'-\s+(\S+)\s+(\S+)\s+\+\s+PLACED\s+\(\s*(-?\d+)\s+(-?\d+)\s*\)', comps):
        name, macro, x, y = m.group(1), m.group(2), int(m.group(3)), int(m.group(4))
        if macro.startswith('FILL'):
            continue
        cells[name] = (x, y)
    body = text[text.index('\nNETS'):text.index('END NETS')]
    for block in body.split('\n- ')[1:]:
        head = block.split(';')[0]
        members = re.findall(r'\(\s*(\S+)\s+(\S+)\s*\)', head)
        net = [c for c, p in members if c != 'PIN' and c in cells]
        io = any(c == 'PIN' for c, p in members)
        if len(net) + io >= 2:
            nets.append((net, io))
    die = re.search(r'DIEAREA\s+\(\s*(-?\d+)\s+(-?\d+)\s*\)\s+\(\s*(-?\d+)\s+(-?\d+)\s*\)', text)
    return cells, nets, tuple(int(v) for v in die.groups())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('defs', nargs='+')
    ap.add_argument('--min-cells', type=int, default=8)
    a = ap.parse_args()
    for path in a.defs:
        cells, nets, (x0, y0, x1, y1) = parse(path)
        pts = []
        k = 2
        while True:
            dx, dy = (x1 - x0) / k, (y1 - y0) / k
            region = {c: (min(k - 1, int((x - x0) / dx)), min(k - 1, int((y - y0) / dy)))
                      for c, (x, y) in cells.items()}
            g, t = {}, {}
            for r in region.values():
                g[r] = g.get(r, 0) + 1
            for net, io in nets:
                rs = {region[c] for c in net}
                if io or len(rs) > 1:
                    for r in rs:
                        t[r] = t.get(r, 0) + 1
            level = [(g[r], t.get(r, 0)) for r in g if g[r] >= a.min_cells and t.get(r, 0) > 0]
            if not level:
                break
            pts += level
            if max(gg for gg, _ in level) < 4 * a.min_cells:
                break
            k *= 2
        xs = [math.log(gg) for gg, _ in pts]
        ys = [math.log(tt) for _, tt in pts]
        n = len(xs)
        mx, my = sum(xs) / n, sum(ys) / n
        p = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        t = math.exp(my - p * mx)
        print(f'{path}: cells {len(cells)}, nets {len(nets)}, regions {n}, '
              f'Rent p = {p:.3f}, t = {t:.2f} terminals per cell')


if __name__ == '__main__':
    sys.exit(main())
