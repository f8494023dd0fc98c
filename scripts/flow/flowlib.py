"""Parsers and writers of the open flow: Liberty, LEF (read and scale), BLIF (clean, tiers),
DEF (placement, routes), SPEF (a DEF-based RC estimate). Standard library only.

Units inside: micrometres, femtofarads, ohms, nanoseconds, watts, unless a name says otherwise.
"""
import math
import re

# ---------------------------------------------------------------------------------------------
# Liberty (only what the flow needs: cell area, pin direction and capacitance, leakage)


def read_liberty(path):
    """Returns {cell: {'area': um2, 'pins': {pin: {'dir': 'input'|'output', 'cap_ff': fF}},
    'ff': bool}} from a Liberty file whose capacitive_load_unit is pF (osu018)."""
    text = open(path).read()
    cells = {}
    cap_scale = 1000.0  # pF -> fF
    m = re.search(r'capacitive_load_unit\s*\(\s*([\d.]+)\s*,\s*(\w+)\s*\)', text)
    if m:
        unit = m.group(2).lower()
        cap_scale = float(m.group(1)) * {'pf': 1000.0, 'ff': 1.0}.get(unit, 1000.0)
    for cm in re.finditer(r'\n\s*cell\s*\(\s*"?([\w]+)"?\s*\)\s*\{', text):
        name = cm.group(1)
        start = cm.end()
        depth, i = 1, start
        while depth and i < len(text):
            c = text[i]
            depth += (c == '{') - (c == '}')
            i += 1
        body = text[start:i]
        area = re.search(r'\barea\s*:\s*([\d.eE+-]+)', body)
        pins = {}
        for pm in re.finditer(r'\bpin\s*\(\s*"?([\w]+)"?\s*\)\s*\{', body):
            pstart = pm.end()
            d, j = 1, pstart
            while d and j < len(body):
                d += (body[j] == '{') - (body[j] == '}')
                j += 1
            pbody = body[pstart:j]
            direction = re.search(r'direction\s*:\s*"?(\w+)', pbody)
            cap = re.search(r'\bcapacitance\s*:\s*([\d.eE+-]+)', pbody)
            pins[pm.group(1)] = {
                'dir': direction.group(1) if direction else 'input',
                'cap_ff': float(cap.group(1)) * cap_scale if cap else 0.0,
            }
        cells[name] = {
            'area': float(area.group(1)) if area else 0.0,
            'pins': pins,
            'ff': bool(re.search(r'\b(ff|latch)\s*\(', body)),
        }
    return cells


# ---------------------------------------------------------------------------------------------
# LEF


def read_lef_macros(path):
    """Returns {macro: (width_um, height_um)} and {layer: {'pitch','width','rpersq',
    'cpersq','edge'}} of the routing layers."""
    macros, layers = {}, {}
    cur, layer = None, None
    for line in open(path):
        t = line.split()
        if not t:
            continue
        if t[0] == 'MACRO':
            cur = t[1]
        elif t[0] == 'SIZE' and cur and len(t) >= 4:
            macros[cur] = (float(t[1]), float(t[3]))
        elif t[0] == 'END' and len(t) > 1 and t[1] == cur:
            cur = None
        elif t[0] == 'LAYER' and cur is None and len(t) == 2:
            layer = t[1]
            layers.setdefault(layer, {})
        elif layer and cur is None:
            key = {'PITCH': 'pitch', 'WIDTH': 'width'}.get(t[0])
            if key:
                layers[layer][key] = float(t[1])
            elif t[0] == 'RESISTANCE' and t[1] == 'RPERSQ':
                layers[layer]['rpersq'] = float(t[2])
            elif t[0] == 'CAPACITANCE' and t[1] == 'CPERSQDIST':
                layers[layer]['cpersq'] = float(t[2])
            elif t[0] == 'EDGECAPACITANCE':
                layers[layer]['edge'] = float(t[1])
            elif t[0] == 'TYPE' and t[1] != 'ROUTING':
                layers.pop(layer, None)
                layer = None
    routing = {k: v for k, v in layers.items() if 'rpersq' in v}
    return macros, routing


def wire_rc_per_um(layer):
    """(ohm/um, fF/um) of a LEF routing layer: r = RPERSQ / WIDTH, c = CPERSQDIST x WIDTH +
    2 x EDGECAPACITANCE (pF -> fF), the formula of technologies/osu018.toml [wires]."""
    r = layer['rpersq'] / layer['width']
    c = (layer['cpersq'] * layer['width'] + 2 * layer['edge']) * 1000.0
    return r, c


_GEOM_KEYS = {'SIZE', 'RECT', 'PITCH', 'WIDTH', 'SPACING', 'OFFSET', 'ORIGIN', 'POLYGON',
              'MINWIDTH', 'MAXWIDTH', 'AREA', 'FOREIGN'}


def scale_lef(src, dst, s):
    """Writes src with every geometric number multiplied by s (Shrunk-2D: cells and wire
    pitches by 1/sqrt(2)); resistance/capacitance statements, units and grid kept. AREA
    scales by s^2. Numbers are rounded to the 0.005 um grid."""
    def fmt(v):
        return ('%.3f' % (round(v / 0.005) * 0.005)).rstrip('0').rstrip('.') or '0'
    out = []
    for line in open(src):
        t = line.split()
        if t and t[0] in _GEOM_KEYS and not (t[0] == 'SPACING' and len(t) > 1 and not _isnum(t[1])):
            factor = s * s if t[0] == 'AREA' else s
            toks = re.split(r'(\s+)', line)
            new = []
            first = True
            for tok in toks:
                if first and tok.strip():
                    first = False
                    new.append(tok)
                    continue
                new.append(fmt(float(tok) * factor) if _isnum(tok) else tok)
            line = ''.join(new)
        elif t and t[0] == 'MANUFACTURINGGRID':
            line = 'MANUFACTURINGGRID 0.005 ;\n'
        out.append(line)
    open(dst, 'w').write(''.join(out))


def _isnum(tok):
    try:
        float(tok)
        return True
    except ValueError:
        return False


def scale_par(src, dst, s):
    """GrayWolf .par with its RULES widths/spacings (centimicrons) scaled by s."""
    out = []
    for line in open(src):
        t = line.split()
        if t and t[0] in ('width', 'spacing', 'overhang'):
            t[-1] = str(max(1, int(round(float(t[-1]) * s))))
            line = '    ' + ' '.join(t) + '\n'
        out.append(line)
    open(dst, 'w').write(''.join(out))


# ---------------------------------------------------------------------------------------------
# BLIF from yosys (with .cname): safe net names, hierarchy of each driver


OUTPUT_PINS = {'Y', 'Q', 'YC', 'YS'}


def _hier_of(cname):
    """Hierarchical instance path of a flattened yosys cell name ('' for the top level):
    '$flatten\\g_pe[0].u_pe.$abc$..' -> 'g_pe[0].u_pe'; 'u_a.u_b.name' -> 'u_a.u_b'."""
    n = cname
    if n.startswith('$flatten\\'):
        n = n[len('$flatten\\'):]
    if n.startswith('\\'):
        n = n[1:]
    cut = n.find('.$')
    if cut >= 0:
        return n[:cut]
    return n.rsplit('.', 1)[0] if '.' in n else ''


def safe_name(n):
    """The net name the flow gives an internal RTL net (qflow's blif2Verilog keeps it as is)."""
    return re.sub(r'[^A-Za-z0-9_]', '_', n)


def _macro_base(typ, macros):
    for m in macros:
        if typ == m or typ.endswith('\\' + m):
            return m
    return None


def clean_blif(src, dst, macros=(), driver_cells=None):
    """Rewrites yosys' BLIF with safe net names (private '$..' names -> '_N_', public names
    with any character outside [A-Za-z0-9_] replaced by '_'), drops .cname lines and returns
    (driver_hier: {net: hier path of its driving cell}, rename: {old: new},
    macro_insts: [{'type','module','hier','width','depth','pins':{pin: net},'outputs':[pin]}]).
    A black-box macro instance gets a type named after its size, '<module>_<depth>x<width>'
    (width = rdata bits, depth = 2^address bits: the black box keeps no parameters), and pin
    names without brackets ('rdata_o[3]' -> 'rdata_o_3_'). driver_cells, when given, is
    filled with {net: name of its driving cell} for cells with public names (yosys
    'rename -wire': '<register>[bit]_reg')."""
    lines = open(src).read().replace('\\\n', ' ').split('\n')
    ports = set()
    for ln in lines:
        t = ln.split()
        if t and t[0] in ('.inputs', '.outputs'):
            ports.update(t[1:])
    rename = {}
    counter = [0]

    def net(n):
        if n in ports:
            return n
        if n not in rename:
            if n.startswith('$'):
                counter[0] += 1
                rename[n] = '_%d_' % counter[0]
            else:
                rename[n] = safe_name(n)
        return rename[n]

    out, driver_hier, macro_insts = [], {}, []
    last = None
    for ln in lines:
        t = ln.split()
        if not t:
            out.append(ln)
            continue
        if t[0] == '.subckt':
            pins = dict(p.split('=', 1) for p in t[2:])
            pins = {k: net(v) for k, v in pins.items()}
            typ = t[1]
            base = _macro_base(typ, macros)
            if base:
                width = sum(1 for p in pins if p.startswith('rdata'))
                abits = sum(1 for p in pins if p.startswith('addr'))
                typ = '%s_%dx%d' % (base, 2 ** abits, width)
                outs = [safe_name(p) for p in pins if p.startswith('rdata')]
                pins = {safe_name(k): v for k, v in pins.items()}
                macro_insts.append({'type': typ, 'module': base, 'hier': '', 'width': width,
                                    'depth': 2 ** abits, 'pins': pins, 'outputs': outs})
            last = {'type': typ, 'pins': pins}
            out.append('.subckt %s %s' % (typ, ' '.join('%s=%s' % kv for kv in pins.items())))
        elif t[0] == '.cname':
            if last is not None:
                hier = _hier_of(' '.join(t[1:]))
                cname = ' '.join(t[1:])
                for p, n in last['pins'].items():
                    if p in OUTPUT_PINS:
                        driver_hier[n] = hier
                        if driver_cells is not None and not cname.startswith('$'):
                            driver_cells[n] = cname.replace('$flatten\\', '')
                if macro_insts and macro_insts[-1]['pins'] is last['pins']:
                    macro_insts[-1]['hier'] = ' '.join(t[1:]).replace('$flatten\\', '')
        elif t[0] == '.names':
            out.append('.names ' + ' '.join(net(x) for x in t[1:]))
        elif t[0] == '.conn':
            out.append('.conn ' + ' '.join(net(x) for x in t[1:]))
        else:
            out.append(ln)
    open(dst, 'w').write('\n'.join(out))
    return driver_hier, rename, macro_insts


def macro_views(inst, width_um, height_um, access_ns, setup_ns, pin_cap_ff, clk_cap_ff,
                pitch=0.8):
    """LEF and Liberty text of a black-box SRAM macro: pins on metal2 along the bottom edge
    (every other metal2 track), routing blocked on metal1-3 above a 2 um pin strip; timing:
    outputs valid access_ns after clk_i rises, inputs set up setup_ns before it. pitch: the
    metal2 track pitch the pins sit on (every other track, half a pitch in: 0.8 um for osu018,
    0.56 um in the Shrunk-2D LEF, where a full-size macro keeps its size but its pins must be on
    the shrunk tracks)."""
    name = inst['type']
    pins = sorted(inst['pins'])
    w = math.ceil(max(width_um, 2 * pitch * (len(pins) + 2)) / pitch) * pitch
    h = math.ceil(height_um / 10.0) * 10.0
    lef = ['MACRO %s' % name, '  CLASS BLOCK ;', '  FOREIGN %s 0 0 ;' % name, '  ORIGIN 0 0 ;',
           '  SIZE %.3f BY %.3f ;' % (w, h), '  SYMMETRY X Y ;']
    for k, p in enumerate(pins):
        x = pitch / 2 + 2 * pitch * (k + 1)
        lef += ['  PIN %s' % p,
                # INOUT, not INPUT: qflow's blif2cel would write a buffer-tree pin_group,
                # which graywolf rejects inside a hardcell
                '    DIRECTION %s ;' % ('OUTPUT' if p in inst['outputs'] else 'INOUT'),
                '    USE %s ;' % ('CLOCK' if p == 'clk_i' else 'SIGNAL'), '    PORT',
                '      LAYER metal2 ;', '        RECT %.3f 0.000 %.3f 0.600 ;' % (x - 0.15, x + 0.15),
                '    END', '  END %s' % p]
    lef += ['  OBS']
    for ly in ('metal1', 'metal2', 'metal3'):
        lef += ['    LAYER %s ;' % ly, '      RECT 0.000 2.000 %.3f %.3f ;' % (w, h)]
    lef += ['  END', 'END %s' % name, '']
    lib = ['library(%s) {' % name, '  delay_model : table_lookup;', '  time_unit : "1ns";',
           '  voltage_unit : "1V";', '  current_unit : "1uA";', '  leakage_power_unit : "1nW";',
           '  capacitive_load_unit(1, pf);', '  pulling_resistance_unit : "1kohm";',
           '  nom_voltage : 1.8; nom_temperature : 25; nom_process : 1;',
           '  input_threshold_pct_rise : 50; input_threshold_pct_fall : 50;',
           '  output_threshold_pct_rise : 50; output_threshold_pct_fall : 50;',
           '  slew_lower_threshold_pct_rise : 20; slew_lower_threshold_pct_fall : 20;',
           '  slew_upper_threshold_pct_rise : 80; slew_upper_threshold_pct_fall : 80;',
           '  cell(%s) {' % name, '    area : %.1f;' % (w * h), '    dont_touch : true;',
           '    dont_use : true;', '    interface_timing : true;']
    for p in pins:
        if p == 'clk_i':
            lib += ['    pin(clk_i) { direction : input; clock : true; capacitance : %.4f; }'
                    % (clk_cap_ff / 1000)]
        elif p in inst['outputs']:
            lib += ['    pin(%s) { direction : output;' % p,
                    '      timing() { related_pin : "clk_i"; timing_type : rising_edge;',
                    '        cell_rise(scalar) { values("%g"); } cell_fall(scalar) { values("%g"); }'
                    % (access_ns, access_ns),
                    '        rise_transition(scalar) { values("0.2"); }'
                    ' fall_transition(scalar) { values("0.2"); } } }']
        else:
            lib += ['    pin(%s) { direction : input; capacitance : %.4f;' % (p, pin_cap_ff / 1000),
                    '      timing() { related_pin : "clk_i"; timing_type : setup_rising;',
                    '        rise_constraint(scalar) { values("%g"); }'
                    ' fall_constraint(scalar) { values("%g"); } } }' % (setup_ns, setup_ns)]
    lib += ['  }', '}', '']
    return '\n'.join(lef), '\n'.join(lib), w, h


def read_qflow_blif(path):
    """Gates of a qflow BLIF in file order: [(instance name as blif2cel names it
    '<TYPE>_<k>', type, {pin: net})]."""
    gates, count = [], {}
    text = open(path).read().replace('\\\n', ' ')
    for ln in text.split('\n'):
        t = ln.split()
        if t and t[0] in ('.gate', '.subckt'):
            count[t[1]] = count.get(t[1], 0) + 1
            pins = dict(p.split('=', 1) for p in t[2:])
            gates.append(('%s_%d' % (t[1], count[t[1]]), t[1], pins))
    return gates


# ---------------------------------------------------------------------------------------------
# DEF


def read_def(path):
    """Placed or routed DEF -> dict(units, die (x0,y0,x1,y1) um, comps {name: (type, x, y)},
    pins {name: (net, x, y)}, nets {name: {'conns': [(inst|'PIN', pin)], 'len': {layer: um},
    'vias': n}})."""
    d = {'comps': {}, 'pins': {}, 'nets': {}, 'units': 100.0, 'die': None}
    section = None
    cur = None
    layer = None
    last_pt = None
    text = open(path).read()
    # statements end with ';' but NETS entries span lines: walk tokens
    for raw in text.split('\n'):
        line = raw.strip()
        if not line:
            continue
        t = line.split()
        if section is None:
            if t[0] == 'UNITS':
                d['units'] = float(t[3])
            elif t[0] == 'DIEAREA':
                nums = [float(x) for x in re.findall(r'-?\d+\.?\d*', line)]
                u = d['units']
                d['die'] = (nums[0] / u, nums[1] / u, nums[2] / u, nums[3] / u)
            elif t[0] in ('COMPONENTS', 'PINS', 'NETS'):
                section = t[0]
            elif t[0] == 'SPECIALNETS':
                section = 'SKIP'
            continue
        if t[0] == 'END' and len(t) > 1 and t[1] in ('COMPONENTS', 'PINS', 'NETS', 'SPECIALNETS'):
            section = None
            continue
        u = d['units']
        if section == 'COMPONENTS':
            if t[0] == '-':
                m = re.search(r'\(\s*(-?\d+)\s+(-?\d+)\s*\)', line)
                if m:
                    d['comps'][t[1]] = (t[2], float(m.group(1)) / u, float(m.group(2)) / u)
        elif section == 'PINS':
            if t[0] == '-':
                cur = t[1]
                net = t[t.index('NET') + 1] if 'NET' in t else cur
                d['pins'][cur] = [net, None, None]
            m = re.search(r'PLACED\s*\(\s*(-?\d+)\s+(-?\d+)\s*\)', line) or \
                re.search(r'FIXED\s*\(\s*(-?\d+)\s+(-?\d+)\s*\)', line)
            if m and cur:
                d['pins'][cur][1] = float(m.group(1)) / u
                d['pins'][cur][2] = float(m.group(2)) / u
        elif section == 'NETS':
            if t[0] == '-':
                cur = {'conns': [], 'len': {}, 'vias': 0}
                d['nets'][t[1]] = cur
                rest = t[2:]
            else:
                rest = t
            i = 0
            while i < len(rest):
                tok = rest[i]
                if tok == '(' and cur is not None and layer is None and i + 3 < len(rest) \
                        and rest[i + 3] == ')' and not _isnum(rest[i + 1]) and rest[i + 1] != '*':
                    cur['conns'].append((rest[i + 1], rest[i + 2]))
                    i += 4
                    continue
                if tok in ('ROUTED', 'NEW', 'FIXED', 'COVER'):
                    layer = rest[i + 1]
                    last_pt = None
                    i += 2
                    continue
                if tok == '(' and layer is not None:
                    x, y = rest[i + 1], rest[i + 2]
                    px = float(x) / u if x != '*' else last_pt[0]
                    py = float(y) / u if y != '*' else last_pt[1]
                    if last_pt is not None:
                        cur['len'][layer] = cur['len'].get(layer, 0.0) + \
                            abs(px - last_pt[0]) + abs(py - last_pt[1])
                    last_pt = (px, py)
                    j = i + 3
                    while j < len(rest) and rest[j] != ')':
                        j += 1
                    i = j + 1
                    continue
                if tok == ';':
                    layer = None
                    last_pt = None
                    cur = None
                    i += 1
                    continue
                if layer is not None and tok not in ('+', ')') and not _isnum(tok) and tok != '*' \
                        and i > 0 and rest[i - 1] == ')':
                    cur['vias'] += 1  # a via name after a point
                i += 1
    return d


# ---------------------------------------------------------------------------------------------
# statistics


def percentile(sorted_vals, q):
    if not sorted_vals:
        return 0.0
    k = (len(sorted_vals) - 1) * q
    f = math.floor(k)
    c = min(f + 1, len(sorted_vals) - 1)
    return sorted_vals[f] + (sorted_vals[c] - sorted_vals[f]) * (k - f)


def log_histogram(vals, edges):
    """Counts of vals in [edges[i], edges[i+1]); the last bin is open-ended."""
    counts = [0] * len(edges)
    for v in vals:
        k = 0
        while k + 1 < len(edges) and v >= edges[k + 1]:
            k += 1
        counts[k] += 1
    return [{'from': e, 'count': c} for e, c in zip(edges, counts)]


def distribution(vals, edges):
    s = sorted(vals)
    return {
        'count': len(s),
        'total': sum(s),
        'mean': sum(s) / len(s) if s else 0.0,
        'p10': percentile(s, 0.10), 'p50': percentile(s, 0.50), 'p90': percentile(s, 0.90),
        'p99': percentile(s, 0.99), 'max': s[-1] if s else 0.0,
        'histogram': log_histogram(s, edges),
    }
