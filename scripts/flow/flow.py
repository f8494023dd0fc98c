#!/usr/bin/env python3
"""One design point of the open flow: RTL -> yosys (osu018) -> graywolf -> qrouter -> DEF-based
RC -> OpenSTA timing and power -> one result JSON. Styles: 2d, 3d-mol, 3d-lol (docs/flow.md).

Headless, deterministic (fixed graywolf seed, fixed tool inputs), resumable: a step whose
outputs exist and whose input hash matches its stamp is skipped. A failing step prints one line
naming the step and its log and exits 1; the result JSON is written atomically and carries
complete: true only when every step finished.

    python3 scripts/flow/flow.py --rtl tests/flow/data/tiny_mac.v tests/flow/data/tiny_pe.v \
        --top tiny_mac --param ROWS=2 --param COLS=2 --clock-port clk_i --period-ns 10 \
        --style 2d --name tiny_mac_2x2 --out results/flow/tiny_mac_2x2-2d.json
"""
import argparse
import hashlib
import json
import math
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flowlib as fl  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TECHDIR = '/usr/share/qflow/tech/osu018'
TECHNAME = 'osu018'
LIB = os.path.join(TECHDIR, 'osu018_stdcells.lib')
LEF = os.path.join(TECHDIR, 'osu018_stdcells.lef')
QSCRIPTS = '/usr/lib/qflow/scripts'
QBIN = '/usr/lib/qflow/bin'
SCHEMA = 'spikestack.flow.point/1'
# Shrunk-2D linear factor (Panth et al., ICCAD 2014) is 1/sqrt(2) = 0.7071; 0.7 keeps the scaled
# site (0.56 um), track pitches (0.7 / 0.56 um) and pin shapes on the LEF 0.005 um and DEF
# 0.01 um grids (0.7071 puts pins off the tracks: qrouter finds no taps). Lengths measured in
# the shrunk layout are multiplied by SHRINK_IDEAL / SHRINK to give the 3D lengths.
SHRINK = 0.7
SHRINK_IDEAL = 1.0 / math.sqrt(2.0)
DEFAULT_ACTIVITY = 0.1                # transitions per clock cycle on every non-clock net
SRAM_BIT_AREA_UM2 = 4.65              # technologies/osu018.toml [sram] bitcell_area
SRAM_EFFICIENCY = 0.7                 # technologies/osu018.toml [sram] array_efficiency
SRAM_OVERHEAD_UM2 = 40000.0           # technologies/osu018.toml [sram] macro_overhead_area
# SRAM macro timing/pin model (no compiled 0.18 um macro exists here; CACTI-like values for a
# small 0.18 um array, an assumption stated in docs/flow.md)
MACRO_ACCESS_NS = 2.0
MACRO_SETUP_NS = 0.3
MACRO_PIN_CAP_FF = 5.0
MACRO_CLK_CAP_FF = 20.0
# wirelength histogram edges (um) and fanout histogram edges
WL_EDGES = [0, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
FANOUT_EDGES = [1, 2, 3, 4, 5, 8, 16, 32, 64]


# bump a step's version when its logic changes: its stamp then no longer matches (resume)
STEP_VERSION = {'synth': 4, 'pnr': 1, 'pnr-3d-mol': 5, 'pnr-edge': 3}


class StepError(Exception):
    def __init__(self, step, log, why=''):
        super().__init__('%s failed%s: see %s' % (step, (' (' + why + ')') if why else '', log))
        self.step, self.log = step, log


# ---------------------------------------------------------------------------------------------
# small helpers


def sha(*parts):
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, str) and os.path.isfile(p):
            h.update(open(p, 'rb').read())
        else:
            h.update(json.dumps(p, sort_keys=True).encode())
    return h.hexdigest()[:16]


def bond_params():
    """Bond R, C and pitch from technologies/osu018.toml [bond] (brief section 4 values)."""
    path = os.path.join(REPO, 'technologies', 'osu018.toml')
    r, c, pitch = 3.0, 0.6, 5.0
    try:
        import tomllib
        t = tomllib.load(open(path, 'rb'))['bond']
        r = float(t['resistance'].split()[0])
        c = float(t['capacitance'].split()[0])
        pitch = float(t['pitch'].split()[0])
    except Exception:
        pass
    return {'resistance_ohm': r, 'capacitance_ff': c, 'pitch_um': pitch,
            'source': 'technologies/osu018.toml [bond]'}


def tool_versions():
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30,
                                  stdin=subprocess.DEVNULL).stdout.strip()
        except Exception as e:  # a missing tool is reported by the step that needs it
            return 'missing (%s)' % e
    v = {
        'yosys': out(['yosys', '-V']),
        'qrouter': out([os.path.join(QBIN, 'qrouter'), '-v', '0', '-h']).split('\n')[-1],
        'opensta': out(['sta', '-version']),
        'graywolf': 'qflow 1.3 graywolf (no version flag)',
        'qflow': 'scripts ' + QSCRIPTS,
        'python': sys.version.split()[0],
    }
    try:
        v['qflow_package'] = out(['dpkg-query', '-W', '-f', '${Version}', 'qflow'])
        v['graywolf'] = 'graywolf ' + out(['dpkg-query', '-W', '-f', '${Version}', 'graywolf'])
    except Exception:
        pass
    return v


class Point:
    """One design point: a work directory, its step stamps, its command log."""

    def __init__(self, args):
        self.a = args
        self.work = os.path.abspath(os.path.join(args.work, args.name))
        self.style_dir = os.path.join(self.work, args.style)
        self.commands = []
        self.runtime = {}
        self.cpu = {}
        self.skipped = []
        os.makedirs(self.style_dir, exist_ok=True)

    def run(self, step, cmd, log, cwd, env=None, timeout=None):
        """Runs cmd (list), appending stdout+stderr to log; raises StepError on failure."""
        self.commands.append({'step': step, 'cwd': cwd, 'cmd': ' '.join(shlex.quote(c) for c in cmd)})
        with open(log, 'a') as f:
            f.write('\n$ %s\n' % ' '.join(shlex.quote(c) for c in cmd))
            f.flush()
            try:
                p = subprocess.Popen(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, start_new_session=True)
            except FileNotFoundError:
                raise StepError(step, log, 'missing tool ' + cmd[0])
            try:
                p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)  # the tool and its children (abc, graywolf)
                p.wait()
                raise StepError(step, log, 'timeout %ss' % timeout)
        if p.returncode != 0:
            raise StepError(step, log, 'exit %d' % p.returncode)

    def stamped(self, step, stamp_dir, key, outputs, fn, log=None):
        """Runs fn() unless stamp_dir/<step>.stamp holds key and all outputs exist; log is the
        file a missing output is reported with."""
        stamp = os.path.join(stamp_dir, step + '.stamp')
        if os.path.exists(stamp) and all(os.path.exists(o) for o in outputs):
            s = json.load(open(stamp))
            if s.get('key') == key:
                self.skipped.append(step)
                self.runtime[step] = s.get('runtime_s', 0.0)
                self.cpu[step] = s.get('cpu_s')
                self.commands.extend(s.get('commands', []))
                return s.get('data')
        n0 = len(self.commands)
        t0 = time.time()
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        data = fn()
        dt = time.time() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        self.cpu[step] = cpu
        for o in outputs:
            if not os.path.exists(o):
                raise StepError(step, log or os.path.join(stamp_dir, 'log', step + '.log'),
                                'missing output ' + os.path.basename(o))
        self.runtime[step] = dt
        tmp = stamp + '.tmp'
        json.dump({'key': key, 'runtime_s': dt, 'cpu_s': cpu, 'data': data,
                   'commands': self.commands[n0:]}, open(tmp, 'w'))
        os.replace(tmp, stamp)
        return data


# ---------------------------------------------------------------------------------------------
# qflow project directory


def write_project(proj, top, tech, hard_macro_dir=None, density=None, fanout=True):
    os.makedirs(os.path.join(proj, 'source'), exist_ok=True)
    os.makedirs(os.path.join(proj, 'log'), exist_ok=True)
    open(os.path.join(proj, 'qflow_vars.sh'), 'w').write(
        '#!/usr/bin/tcsh -f\n'
        'set projectpath=%s\nset techdir=%s\nset sourcedir=%s/source\nset synthdir=%s\n'
        'set layoutdir=%s\nset techname=%s\nset scriptdir=%s\nset bindir=%s\nset logdir=%s/log\n'
        % (proj, tech, proj, proj, proj, TECHNAME, QSCRIPTS, QBIN, proj))
    pv = ['#!/usr/bin/tcsh -f']
    if hard_macro_dir:
        pv.append('set hard_macros = "%s"' % hard_macro_dir)
    if density:
        pv.append('set initial_density = %s' % density)
    if not fanout:
        pv.append('set nofanout')
    pv.append('set graywolf_options = "-n"')
    open(os.path.join(proj, 'project_vars.sh'), 'w').write('\n'.join(pv) + '\n')


def make_tech(dst, scale):
    """A tech directory for qflow: osu018 as shipped, or Shrunk-2D (LEF geometry and .par
    rules scaled by `scale`)."""
    os.makedirs(dst, exist_ok=True)
    for f in os.listdir(TECHDIR):
        src = os.path.join(TECHDIR, f)
        d = os.path.join(dst, f)
        if os.path.lexists(d):
            os.remove(d)
        if scale != 1.0 and f == 'osu018_stdcells.lef':
            fl.scale_lef(src, d, scale)
        elif scale != 1.0 and f == 'osu018.par':
            fl.scale_par(src, d, scale)
        else:
            os.symlink(src, d)
    return dst


# ---------------------------------------------------------------------------------------------
# steps


def step_synth(pt):
    """yosys: hierarchy kept through abc (so each gate knows its block), then flattened; blif
    cleaned; qflow's post-processing (ypostproc, blifFanout buffering, blif2Verilog)."""
    a = pt.a
    sd = os.path.join(pt.work, 'synth')
    os.makedirs(os.path.join(sd, 'log'), exist_ok=True)
    rtl = [os.path.abspath(r) for r in a.rtl]
    key = sha(*rtl, a.top, a.param, a.period_ns, a.no_fanout, a.macro, STEP_VERSION['synth'],
              *([a.define] if a.define else []), *(['name-registers'] if a.name_registers else []))
    blif = os.path.join(sd, a.top + '.blif')
    info = os.path.join(sd, 'synth_info.json')

    def run():
        log = os.path.join(sd, 'log', 'synth.log')
        open(log, 'w').close()
        write_project(sd, a.top, TECHDIR, fanout=not a.no_fanout)
        src = os.path.join(sd, 'source')
        params = ' '.join('-set %s %s' % tuple(p.split('=', 1)) for p in a.param)
        ys = [
            '# generated by scripts/flow/flow.py',
            'read_liberty -lib -ignore_miss_dir -setattr blackbox %s' % LIB,
        ]
        defs = ''.join('-D%s ' % x for x in a.define)
        ys += ['read_verilog %s-defer %s' % (defs, r) for r in rtl]
        if params:
            ys.append('chparam %s %s' % (params, a.top))
        ys += [
            'hierarchy -check -top %s' % a.top,
            'synth -top %s' % a.top,
            'dfflibmap -liberty %s' % LIB,
            'opt',
        ]
        if a.name_registers:  # flip-flop cells named after their register: '<reg>[bit]_reg'
            ys.append('rename -wire -suffix _reg t:DFF*')
        ys += [
            # delay target = clock period (ps): abc maps for speed, no ripple-carry adders
            'abc -exe %s/yosys-abc -liberty %s -D %d' % (QBIN, LIB, int(round(a.period_ns * 1000))),
            'flatten',
            'setundef -zero',
            'clean -purge',
            'iopadmap -outpad BUFX2 A:Y -bits',
            'opt',
            'clean',
            'stat -liberty %s' % LIB,
            'write_blif -cname -buf BUFX2 A Y %s_hier.blif' % a.top,
        ]
        ysf = os.path.join(src, 'synth.ys')
        open(ysf, 'w').write('\n'.join(ys) + '\n')
        pt.run('synth', ['yosys', '-l', os.path.join(sd, 'log', 'yosys.log'), '-q', '-s', ysf],
               log, src)
        dcells = {}
        drivers, rename, macro_insts = fl.clean_blif(
            os.path.join(src, a.top + '_hier.blif'), os.path.join(src, a.top + '_clean.blif'),
            macros=set(a.macro), driver_cells=dcells)
        views = {}
        if macro_insts:  # LEF + Liberty per macro size, in qflow's hard_macros directory
            mdir = os.path.join(src, 'macros')
            os.makedirs(mdir, exist_ok=True)
            for inst in macro_insts:
                if inst['type'] in views:
                    continue
                w, h = macro_size_um(inst)
                lef, lib, w, h = fl.macro_views(inst, w, h, MACRO_ACCESS_NS, MACRO_SETUP_NS,
                                                MACRO_PIN_CAP_FF, MACRO_CLK_CAP_FF)
                open(os.path.join(mdir, inst['type'] + '.lef'), 'w').write(lef)
                open(os.path.join(mdir, inst['type'] + '.lib'), 'w').write(lib)
                views[inst['type']] = {'width_um': w, 'height_um': h,
                                       'lef': os.path.join(mdir, inst['type'] + '.lef'),
                                       'lib': os.path.join(mdir, inst['type'] + '.lib')}
            with open(os.path.join(sd, 'project_vars.sh'), 'a') as f:
                f.write('set hard_macros = "macros"\n')
        # qflow's synthesize.sh from the yosys output on: our script stands in for its yosys run
        stub = os.path.join(src, 'noop.ys')
        open(stub, 'w').write('# yosys already ran (synth.ys); qflow post-processing only\n'
                              '!cp %s_clean.blif %s_mapped.blif\n' % (a.top, a.top))
        with open(os.path.join(sd, 'project_vars.sh'), 'a') as f:
            f.write('set yosys_options = "-q -s %s"\n' % stub)
        pt.run('synth', ['tcsh', os.path.join(QSCRIPTS, 'synthesize.sh'), sd, a.top], log, sd)
        ylog = open(os.path.join(sd, 'log', 'yosys.log')).read()
        stat = ylog[ylog.rfind('Printing statistics'):]
        cells = {m.group(1): int(m.group(2))
                 for m in re.finditer(r'^\s+(\w+)\s+(\d+)\s*$', stat, re.M)}
        area = re.search(r'Chip area for module .*?: ([\d.]+)', stat)
        d = {'yosys_cells': cells, 'yosys_area_um2': float(area.group(1)) if area else None,
             'driver_hier': drivers, 'macro_insts': macro_insts, 'macro_views': views,
             'driver_cell': dcells}
        json.dump(d, open(info, 'w'))
        return {'info': info}

    pt.stamped('synth', sd, key, [blif, info], run, log=os.path.join(sd, 'log', 'synth.log'))
    return sd, json.load(open(info))


def macro_size_um(inst):
    """Area model of an sram_macro from its parameters, as technologies/osu018.toml [sram]:
    bits x bitcell / efficiency + overhead; square aspect."""
    words, bits = inst['depth'], inst['width']
    area = words * bits * SRAM_BIT_AREA_UM2 / SRAM_EFFICIENCY + SRAM_OVERHEAD_UM2
    side = math.sqrt(area)
    return side, side


def step_place_route(pt, sd, synth):
    a = pt.a
    style = a.style
    if style == '3d-mol' and not synth['macro_insts']:
        style = '2d'  # no macro leaves the die: the 2d layout is the 3d-mol layout
    proj = os.path.join(pt.work, style, 'pnr')
    os.makedirs(proj, exist_ok=True)
    scale = SHRINK if style == '3d-lol' else 1.0
    tech = make_tech(os.path.join(proj, 'tech'), scale)
    blif_src = os.path.join(sd, a.top + '.blif')
    # 2d with --macro-place edge: the macros are not placed by graywolf (its macro compaction
    # crashes with >= 2 macros and it leaves a macro off the track grid) but fixed beside the
    # logic after the logic was placed alone
    edge = style == '2d' and a.macro_place == 'edge' and bool(synth['macro_insts'])
    key = sha(blif_src, style, a.density, a.seed, scale, STEP_VERSION['pnr'],
              *([STEP_VERSION['pnr-3d-mol']] if style == '3d-mol' else []),
              *(['edge', a.macro_halo_um, STEP_VERSION['pnr-edge']] if edge else []))
    defo = os.path.join(proj, a.top + '.def')
    place_log = os.path.join(proj, 'log', 'place.log')
    route_log = os.path.join(proj, 'log', 'route.log')

    def run():
        if os.path.exists(os.path.join(proj, 'log')):
            shutil.rmtree(os.path.join(proj, 'log'))
        write_project(proj, a.top, tech, density=a.density, fanout=not a.no_fanout)
        for f in (a.top + '.blif', a.top + '_powerground', a.top + '_nofanout'):
            if os.path.exists(os.path.join(sd, f)):
                shutil.copy(os.path.join(sd, f), os.path.join(proj, f))
        for f in ('.rtl.v', '.rtlnopwr.v', '.rtlbb.v', '.spc'):
            if os.path.exists(os.path.join(sd, a.top + f)):
                shutil.copy(os.path.join(sd, a.top + f), os.path.join(proj, a.top + f))
        for f in ('.acel', '.cel', '.pl1', '.pl2', '.pin', '.def', '_unroute.def'):
            p = os.path.join(proj, a.top + f)
            if os.path.exists(p):
                os.remove(p)
        for f in (a.top + '.cel2', 'preplace.json'):
            if os.path.exists(os.path.join(proj, f)):
                os.remove(os.path.join(proj, f))
        if edge:
            bonds, _, conns = macros_to_bonds(os.path.join(proj, a.top + '.blif'),
                                              synth['macro_insts'], a.clock_port)
            json.dump({'nets': bonds, 'conns': conns},
                      open(os.path.join(proj, 'preplace.json'), 'w'))
            # every net of a macro pin leaves the logic on the side the macros will be on
            # (TimberWolf pad group with a side restriction, qflow's .cel2 hints)
            open(os.path.join(proj, a.top + '.cel2'), 'w').write(
                'padgroup macro_side permute\n'
                + ''.join('twpin_%s nonfixed\n' % n for n in sorted(bonds) if n != a.clock_port)
                + 'restrict side T\n')
        elif style in ('2d', '3d-lol') and synth['macro_insts']:  # 3d-lol: macros not shrunk
            dst = os.path.join(proj, 'source', 'macros')
            if os.path.exists(dst):
                shutil.rmtree(dst)
            shutil.copytree(os.path.join(sd, 'source', 'macros'), dst)
            if scale != 1.0:  # full-size macros, pins on the shrunk metal2 tracks
                for inst in synth['macro_insts']:
                    v = synth['macro_views'][inst['type']]
                    lef = fl.macro_views(inst, v['width_um'], v['height_um'], MACRO_ACCESS_NS,
                                         MACRO_SETUP_NS, MACRO_PIN_CAP_FF, MACRO_CLK_CAP_FF,
                                         pitch=0.8 * scale)[0]
                    open(os.path.join(dst, inst['type'] + '.lef'), 'w').write(lef)
            with open(os.path.join(proj, 'project_vars.sh'), 'a') as f:
                f.write('set hard_macros = "macros"\n')
        if style == '3d-mol':
            bonds, count, _ = macros_to_bonds(os.path.join(proj, a.top + '.blif'),
                                              synth['macro_insts'], a.clock_port)
            json.dump({'nets': bonds, 'count': count}, open(os.path.join(proj, 'bonds.json'), 'w'))
        open(os.path.join(proj, 'log', 'synth.log'), 'w').write('synthesis: see ../../synth\n')
        # fixed seed for graywolf's annealing (TimberWolf .par: random.seed)
        par = os.path.join(proj, a.top + '.par')
        base = open(os.path.join(tech, 'osu018.par')).read()
        base = re.sub(r'(?m)^\s*\S*random\.seed.*\n', '', base)
        open(par, 'w').write(base + '\nTWMC*random.seed : %d\nTWSC*random.seed : %d\n'
                             % (a.seed, a.seed))
        t0 = time.time()
        pt.run('place', ['tcsh', os.path.join(QSCRIPTS, 'placement.sh'), '-d', proj, a.top],
               os.path.join(proj, 'log', 'place.driver.log'), proj, timeout=a.timeout_s)
        if not os.path.exists(os.path.join(proj, a.top + '_unroute.def')) and \
                not os.path.exists(os.path.join(proj, a.top + '.def')):
            raise StepError('place', place_log, 'no placement DEF')
        if style == '3d-mol':
            place_bond_pins(os.path.join(proj, a.top + '.def'),
                            json.load(open(os.path.join(proj, 'bonds.json')))['nets'])
            # router.sh routes <top>_unroute.def when it exists (it copies it over <top>.def):
            # the moved terminals must be in that file (before this fix they stayed on the edge)
            shutil.copy(os.path.join(proj, a.top + '.def'),
                        os.path.join(proj, a.top + '_unroute.def'))
        if edge:
            attach_macros(proj, a.top, synth, os.path.join(sd, a.top + '.blif'),
                          a.macro_halo_um)
        t1 = time.time()
        pt.run('route', ['tcsh', os.path.join(QSCRIPTS, 'router.sh'), proj, a.top],
               os.path.join(proj, 'log', 'route.driver.log'), proj, timeout=a.timeout_s)
        rl = open(route_log).read() if os.path.exists(route_log) else ''
        if 'Final: No failed routes' not in rl:
            m = re.search(r'Final: (\d+) failed', rl) or re.search(r'(\d+) nets? failed', rl)
            raise StepError('route', route_log, ('%s nets failed' % m.group(1)) if m
                            else 'routing did not finish')
        return {'place_s': t1 - t0, 'route_s': time.time() - t1}

    d = pt.stamped('place_route', proj, key, [defo], run, log=route_log)
    pt.runtime['place'] = d['place_s']
    pt.runtime['route'] = d['route_s']
    return proj


def macros_to_bonds(blif, macro_insts, clock_port):
    """Memory-on-logic (Macro-3D): the macros leave the netlist; each net that reached a macro
    pin (as the buffered netlist has it) becomes a port of the logic die named
    bond<k>_<pin>, a bond terminal. A net that is already a port of the design (an input
    that feeds the macro directly) stays as it is and is counted as a bond. Returns
    ({port: 'in'|'out'|'clock'|'io'}, bond count, [(instance, type, pin, net)])."""
    types = {i['type']: i for i in macro_insts}
    text = open(blif).read().replace('\\\n', ' ')
    lines = text.split('\n')
    ports = set()
    for ln in lines:
        t = ln.split()
        if t and t[0] in ('.inputs', '.outputs'):
            ports.update(t[1:])
    kept, bonds, rename, count, k = [], {}, {}, 0, 0
    conns, per_type = [], {}
    for ln in lines:
        t = ln.split()
        if t and t[0] in ('.gate', '.subckt') and t[1] in types:
            k += 1
            per_type[t[1]] = per_type.get(t[1], 0) + 1
            inst = '%s_%d' % (t[1], per_type[t[1]])  # blif2cel's / blif2Verilog's name
            for p, n in (x.split('=', 1) for x in t[2:]):
                count += 1
                if n == clock_port or n in ports:
                    bonds[n] = 'io'
                    conns.append((inst, t[1], p, n))
                    continue
                name = rename.get(n) or 'bond%d_%s' % (k, p)
                rename[n] = name
                conns.append((inst, t[1], p, name))
                if p == 'clk_i' or n.startswith(clock_port + '_bF$'):
                    bonds[name] = 'clock'  # a clock-tree leaf drives the macro's clock bond
                else:
                    bonds[name] = 'in' if p in types[t[1]]['outputs'] else 'out'
            continue
        kept.append(ln)
    out = []
    for ln in kept:
        t = ln.split()
        if t and t[0] in ('.gate', '.subckt', '.names', '.conn'):
            t = [(x.split('=', 1)[0] + '=' + rename.get(x.split('=', 1)[1], x.split('=', 1)[1]))
                 if '=' in x else rename.get(x, x) for x in t]
            ln = ' '.join(t)
        out.append(ln)
    ins = [n for n, d in sorted(bonds.items()) if d == 'in']
    outs = [n for n, d in sorted(bonds.items()) if d in ('out', 'clock')]
    for i, ln in enumerate(out):
        if ln.startswith('.inputs') and ins:
            out[i] = ln + ' ' + ' '.join(ins)
            ins = []
        elif ln.startswith('.outputs') and outs:
            out[i] = ln + ' ' + ' '.join(outs)
            outs = []
    open(blif, 'w').write('\n'.join(out))
    return bonds, count, conns


def place_bond_pins(defpath, bonds):
    """Moves each bond terminal of the placed logic die to the centroid of the cells on its
    net ('above the logic it feeds'), on the metal4 track nearest to it; the placer saw the
    terminals on the die edge (graywolf has no fixed interior terminals)."""
    d = fl.read_def(defpath)
    text = open(defpath).read()
    u = d['units']
    tx = re.search(r'TRACKS X (-?[\d.]+) DO \d+ STEP (\d+) LAYER metal4', text)
    ty = re.search(r'TRACKS Y (-?[\d.]+) DO \d+ STEP (\d+) LAYER metal3', text)
    x0, sx = (float(tx.group(1)), float(tx.group(2))) if tx else (0.0, 80.0)
    y0, sy = (float(ty.group(1)), float(ty.group(2))) if ty else (0.0, 100.0)
    # power stripes (qflow's addspacers: vertical metal6 straps with a via stack down to metal1
    # every few rows): a terminal on their column has no tap on metal4; keep 2 um away
    stripes = [float(m.group(1)) for m in
               re.finditer(r'NEW metal6 \d+ \( (-?\d+) -?\d+ \) \( \* -?\d+ \)', text)]
    used = set()
    where = {}

    def free(gx, gy):
        x = x0 + gx * sx
        return (gx, gy) not in used and all(abs(x - s) >= 2 * u for s in stripes)
    for n, kind in bonds.items():
        if kind == 'io':
            continue  # a design input that feeds the macro directly stays on the die edge
        net = d['nets'].get(n)
        pts = [d['comps'][i][1:] for i, _ in (net['conns'] if net else []) if i in d['comps']]
        if not pts:
            continue
        cx = sum(p[0] for p in pts) / len(pts) * u
        cy = sum(p[1] for p in pts) / len(pts) * u
        gx, gy = round((cx - x0) / sx), round((cy - y0) / sy)
        while not free(gx, gy):
            gx += 2
        used.add((gx, gy))
        where[n] = (int(x0 + gx * sx), int(y0 + gy * sy))
    out, cur = [], None
    section = False
    for ln in text.split('\n'):
        s_ = ln.strip()
        if s_.startswith('PINS'):
            section = True
        elif s_.startswith('END PINS'):
            section = False
        if section:
            m = re.match(r'-\s+(\S+)', s_)
            if m:
                cur = m.group(1)
            if cur in where:
                if '+ LAYER' in ln:
                    ln = re.sub(r'LAYER \S+ \( -?\d+ -?\d+ \) \( -?\d+ -?\d+ \)',
                                'LAYER metal4 ( -15 -15 ) ( 15 15 )', ln)
                m2 = re.search(r'(PLACED|FIXED) \( -?\d+ -?\d+ \) (\w+)', ln)
                if m2:
                    ln = ln[:m2.start()] + 'FIXED ( %d %d ) N' % where[cur] + ln[m2.end():]
        out.append(ln)
    open(defpath, 'w').write('\n'.join(out))


def attach_macros(proj, top, synth, full_blif, halo_um):
    """2d with --macro-place edge: the logic was placed alone with every net of a macro pin on
    its top edge (preplace.json); here the macros become FIXED components of the DEF above the
    logic, side by side, centred, halo_um from the logic and from each other, their pins (metal2,
    bottom edge) on the metal2 tracks and a metal1 track crossing each pin; the die, the tracks
    and qflow's routing fence grow to hold them; the bond ports of the logic-only netlist turn
    back into the nets of the macro pins (DEF, gate-level Verilog for STA, BLIF)."""
    pre = json.load(open(os.path.join(proj, 'preplace.json')))
    bonds, conns = pre['nets'], pre['conns']
    views = synth['macro_views']
    unroute = os.path.join(proj, top + '_unroute.def')
    text = open(unroute).read()
    u = int(float(re.search(r'UNITS DISTANCE MICRONS (\d+)', text).group(1)))
    m = re.search(r'DIEAREA \( (-?\d+) (-?\d+) \) \( (-?\d+) (-?\d+) \)', text)
    x0, y0, x1, y1 = (int(v) for v in m.groups())
    tx = re.search(r'TRACKS X (-?[\d.]+) DO \d+ STEP (\d+) LAYER metal2', text)
    ty = re.search(r'TRACKS Y (-?[\d.]+) DO \d+ STEP (\d+) LAYER metal1', text)
    tx0, sx = int(float(tx.group(1))), int(tx.group(2))
    ty0, sy = int(float(ty.group(1))), int(ty.group(2))
    insts = []
    for inst, typ, _, _ in conns:
        if (inst, typ) not in insts:
            insts.append((inst, typ))
    halo = int(round(halo_um * u))
    sizes = [(int(round(views[t]['width_um'] * u)), int(round(views[t]['height_um'] * u)))
             for _, t in insts]
    row_w = sum(w for w, _ in sizes) + halo * (len(sizes) - 1)
    # a macro pin's centre is half a pitch + 2k pitches in from the macro's left edge
    # (flowlib.macro_views, pitch = the metal2 track pitch); the pin strip is 0.6 um tall
    pin_dx = sx // 2
    # centred over the logic; a row wider than the logic starts 4 um in (qflow's routing fence
    # takes the outer 3-4 um of the die: a pin under it has no tap). Narrower rows (se_tile
    # 2x2, 3x3) are unaffected, so their stamps stay valid.
    x = x0 + max(4 * u, (x1 - x0 - row_w) // 2)
    y = ty0 - 30 + sy * math.ceil((y1 + halo - (ty0 - 30)) / sy)  # a track through y + 0.3 um
    placed, top_edge, right = [], y1, x1
    for (inst, typ), (w, h) in zip(insts, sizes):
        mx = tx0 - pin_dx + sx * math.ceil((x - (tx0 - pin_dx)) / sx)
        placed.append((inst, typ, mx, y, w, h))
        x = mx + w + halo
        top_edge, right = max(top_edge, y + h), max(right, mx + w)
    # qflow's fence sits 2-3 um inside the die outline: keep that margin above the macros
    ny1 = ty0 + sy * math.ceil((top_edge + 2 * u - ty0) / sy)
    nx1 = tx0 + sx * math.ceil((right + 4 * u - tx0) / sx) if right > x1 else x1
    dy, dx = ny1 - y1, nx1 - x1

    pins_of_type = {i['type']: i['pins'] for i in synth['macro_insts']}

    def patch_def(text):
        text = text.replace(m.group(0), 'DIEAREA ( %d %d ) ( %d %d )' % (x0, y0, nx1, ny1))

        def tracks(mm):
            off, step, xy = float(mm.group(2)), int(mm.group(4)), mm.group(1)
            hi = nx1 if xy == 'X' else ny1
            return 'TRACKS %s %s DO %d STEP %d' % (xy, mm.group(2), int((hi - off) // step) + 1,
                                                  step)
        text = re.sub(r'TRACKS (X|Y) (-?[\d.]+) DO (\d+) STEP (\d+)', tracks, text)
        lines = text.split('\n')
        out, section, block = [], None, []
        removed_pins = {n for n, kind in bonds.items() if kind != 'io'}
        # a design input that feeds a macro directly comes from outside the tile: its pin goes
        # on the logic's top edge right below its macro pin (one metal2 hop across the halo;
        # left where graywolf put it, 72 such nets of se_tile 3x3 ran along the 10 um halo and
        # congested it)
        pin_x = {}
        origin = {inst: (mx, typ) for inst, typ, mx, _, _, _ in placed}
        for inst, typ, pin, net in conns:
            if bonds.get(net) == 'io':
                order = sorted(pins_of_type[typ])
                if pin in order and net not in pin_x:
                    pin_x[net] = origin[inst][0] + pin_dx + 2 * sx * (order.index(pin) + 1)
        # other pins graywolf put on the top edge move aside (two tracks from any moved pin)
        taken = set(pin_x.values())
        for mm in re.finditer(r'(?m)^- (\S+) \+ NET \S+\n(?:.*\n)*?.*?(?:PLACED|FIXED) '
                              r'\( (-?\d+) (-?\d+) \)', text):
            name, px, py = mm.group(1), int(mm.group(2)), int(mm.group(3))
            if name in pin_x or name in removed_pins or py != y1:
                continue
            while any(abs(px - q) < 2 * sx for q in taken) and px + 2 * sx < x1:
                px += 2 * sx
            while any(abs(px - q) < 2 * sx for q in taken) and px - 2 * sx > x0:
                px -= 2 * sx
            taken.add(px)
            if px != int(mm.group(2)):
                pin_x[name] = px
        by_net = {}
        for inst, typ, pin, net in conns:
            by_net.setdefault(net, []).append((inst, pin))
        for ln in lines:
            s_ = ln.strip()
            if s_.startswith('COMPONENTS') and section is None:
                n = int(s_.split()[1])
                out.append('COMPONENTS %d ;' % (n + len(placed)))
                continue
            if s_.startswith('END COMPONENTS'):
                for inst, typ, mx, my, _, _ in placed:
                    out.append('- %s %s + FIXED ( %d %d ) N ;' % (inst, typ, mx, my))
            if s_.startswith('PINS') and not s_.startswith('PINS_'):
                section, block = 'pins', []
                n = int(s_.split()[1])
                gone = sum(1 for p in removed_pins if re.search(
                    r'(?m)^- %s \+ NET' % re.escape(p), text))
                out.append('PINS %d ;' % (n - gone))
                continue
            if s_.startswith('END PINS'):
                section = None
            elif s_.startswith('NETS') and section is None:
                section = 'nets'
                out.append(ln)
                continue
            elif s_.startswith('END NETS'):
                section = None
            if section in ('pins', 'nets') and (block or s_.startswith('- ')):
                block.append(ln)
                if s_.endswith(';'):
                    name = block[0].strip().split()[1]
                    if section == 'pins':
                        if name in pin_x:
                            block = [re.sub(r'(PLACED|FIXED) \( -?\d+ (-?\d+) \)',
                                            lambda mm: 'FIXED ( %d %s )' % (pin_x[name],
                                                                            mm.group(2)), b_)
                                     for b_ in block]
                        if name not in removed_pins:
                            out.extend(block)
                    else:
                        body = '\n'.join(block)
                        if name in by_net:
                            cs = re.findall(r'\( (\S+) (\S+) \)', body)
                            cs = [c for c in cs if not (c[0] == 'PIN' and c[1] in removed_pins)]
                            cs += by_net[name]
                            rest = body[body.rfind(')') + 1:].rstrip().rstrip(';').strip()
                            body = '- %s\n' % name + '\n'.join('  ( %s %s ) ' % c for c in cs)
                            body += ('\n  ' + rest if rest else '') + ' ;'
                        out.append(body)
                    block = []
                continue
            out.append(ln)
        return '\n'.join(out)
    new = patch_def(text)
    for f in (unroute, os.path.join(proj, top + '.def')):
        open(f, 'w').write(new)
    # qflow's routing fence (.cfg obstructions around the die): moved to the new outline
    cfg = os.path.join(proj, top + '.cfg')
    xe, ye = x1 / u - 3.0, y1 / u - 3.0

    def fence(mm):
        v = [float(t) for t in mm.group(1).split()]
        v = [t + dx / u if (i % 2 == 0 and t >= xe) else t + dy / u if (i % 2 and t >= ye) else t
             for i, t in enumerate(v)]
        return 'obstruction %s %s' % (' '.join('%.1f' % t for t in v), mm.group(2))
    c = open(cfg).read()
    c = re.sub(r'(?m)^obstruction ((?:-?[\d.]+ ){3}-?[\d.]+) (\S+)$', fence, c)
    lefs = ''.join('read_lef %s\n' % views[t]['lef'] for t in sorted({t for _, t in insts}))
    k = c.rfind('read_lef')
    k = c.index('\n', k) + 1
    open(cfg, 'w').write(c[:k] + lefs + c[k:])
    # the netlist with the macros again: bond ports become wires, the macros are instances
    for f in (top + '.rtlnopwr.v', top + '.rtl.v'):
        path = os.path.join(proj, f)
        if not os.path.exists(path):
            continue
        v = open(path).read()
        gone = {n for n, kind in bonds.items() if kind != 'io'}
        head = re.search(r'module %s \((.*?)\);' % re.escape(top), v, re.S)
        ports = [p.strip() for p in head.group(1).split(',')]
        v = v.replace(head.group(0), 'module %s (%s);' % (
            top, ', '.join(p for p in ports if p not in gone)))
        v = re.sub(r'(?m)^(input|output) (\w+);$',
                   lambda mm: ('wire %s;' % mm.group(2)) if mm.group(2) in gone else mm.group(0), v)
        inst_lines = []
        for inst, typ, _, _, _, _ in placed:
            pins = ', '.join('.%s(%s)' % (p, n) for i2, _, p, n in conns if i2 == inst)
            inst_lines.append('%s %s ( %s );' % (typ, inst, pins))
        k = v.rfind('endmodule')
        v = v[:k] + '\n'.join(inst_lines) + '\n\n' + v[k:]
        open(path, 'w').write(v)
    shutil.copy(full_blif, os.path.join(proj, top + '.blif'))  # ports as synthesized
    pre.update({'halo_um': halo_um,
                'logic_die_um': [(x1 - x0) / u, (y1 - y0) / u],
                'die_um': [(nx1 - x0) / u, (ny1 - y0) / u],
                'macros': [{'inst': i, 'type': t, 'x_um': mx / u, 'y_um': my / u,
                            'width_um': w / u, 'height_um': h / u}
                           for i, t, mx, my, w, h in placed]})
    json.dump(pre, open(os.path.join(proj, 'preplace.json'), 'w'))


# ---------------------------------------------------------------------------------------------
# tiers (3d-lol), extraction, metrics


def assign_tiers_by_registers(gates, bottom_regs, is_ff, driver_cell):
    """Tiers of a block without sub-module instances (after abc its gates carry no block name):
    a flip-flop is on the bottom tier when its register (the name of its cell, '<reg>[bit]_reg',
    which synthesis gives with --name-registers; driver_cell maps its output net to it) starts
    with one of bottom_regs, else on top; any other
    gate is on the bottom when every flip-flop its output reaches through other gates (its
    fan-out cone up to the first flip-flops, clock pins included) is on the bottom, else on
    top. Gates reaching no flip-flop (only outputs) go on top."""
    sinks = {}  # net -> gates reading it
    outs = {}
    for name, typ, pins in gates:
        o = [n for p, n in pins.items() if p in fl.OUTPUT_PINS]
        outs[name] = o
        for p, n in pins.items():
            if p not in fl.OUTPUT_PINS:
                sinks.setdefault(n, []).append(name)
    typ_of = {name: typ for name, typ, _ in gates}
    reach = {}  # gate -> bit 1: reaches a bottom flip-flop, bit 2: a top one
    for name, typ, pins in gates:
        if is_ff(typ):
            q = outs[name][0] if outs[name] else ''
            reg = driver_cell.get(q, driver_cell.get(re.sub(r'_bF\$buf\d+$', '', q), ''))
            reach[name] = 1 if any(reg.startswith(r) for r in bottom_regs) else 2
    # combinational gates: iterative DFS over the fan-out (the netlist between flip-flops is
    # acyclic)
    for name, typ, _ in gates:
        if name in reach:
            continue
        stack = [(name, False)]
        while stack:
            g, done = stack.pop()
            if g in reach and not done:
                continue
            nxt = [h for n in outs[g] for h in sinks.get(n, [])]
            if done:
                m = 0
                for h in nxt:
                    m |= reach.get(h, 0)
                reach[g] = m
                continue
            stack.append((g, True))
            stack.extend((h, False) for h in nxt if h not in reach and not is_ff(typ_of[h]))
    return {name: ('bottom' if reach.get(name) == 1 else 'top') for name, _, _ in gates}


def assign_tiers(gates, driver_hier, top_prefixes, bottom_prefixes):
    """Tier of each instance: 'top' when the hierarchy of the block that drives its output net
    starts with one of top_prefixes, else 'bottom'. Buffers inserted by blifFanout drive
    '<net>_bF$bufN' and go with the driver of <net>."""
    tiers = {}
    for name, typ, pins in gates:
        outs = [n for p, n in pins.items() if p in fl.OUTPUT_PINS]
        hier = None
        for n in outs:
            base = re.sub(r'_bF\$buf\d+$', '', n)
            hier = driver_hier.get(n, driver_hier.get(base))
            if hier is not None:
                break
        hier = hier or ''
        if top_prefixes:
            tiers[name] = 'top' if any(hier.startswith(p) for p in top_prefixes) else 'bottom'
        else:
            tiers[name] = 'bottom' if any(hier.startswith(p) for p in bottom_prefixes) else 'top'
    return tiers


def extract(pt, proj, synth, tiers, wire_scale_back):
    """DEF-based RC estimate -> SPEF, and the per-net data the metrics need.

    Per net: routed length per layer from the DEF (in a Shrunk-2D layout these are the 3D
    lengths), R and C per um of the full-size osu018 layers (r = RPERSQ/W, c = CPERSQDIST x W +
    2 x EDGECAP); a star from the driver pin to each sink with R = r_avg x Manhattan distance
    between the cells (capped by the routed length), half the wire C at the driver, the rest
    shared by the sinks in proportion to their distance. A cut net (3d-lol) adds one bond: its
    C at the driver, its R on each branch to a sink on the other tier. A bond terminal of 3d-mol
    adds the same bond C and R on the branch to the terminal."""
    a = pt.a
    lib = load_libs(synth)
    macros, layers = fl.read_lef_macros(LEF)  # full-size layers: RC per um of the real wires
    rc = {k: fl.wire_rc_per_um(v) for k, v in layers.items()}
    d = fl.read_def(os.path.join(proj, a.top + '.def'))
    bond = bond_params()
    spef = os.path.join(proj, a.top + '.spef')
    # cell sizes in the layout's own geometry (shrunk in 3d-lol)
    lmacros = layout_sizes(proj, synth)
    comps = d['comps']
    mol = _mol_bonds(proj)

    def loc(inst):
        if inst == 'PIN':
            return None
        c = comps.get(inst)
        if not c:
            return None
        w, h = lmacros.get(c[0], (0, 0))
        return (c[1] + w / 2, c[2] + h / 2)

    outputs = set(synth.get('outputs', []))
    nets = {}
    lines = ['*SPEF "IEEE 1481-1998"', '*DESIGN "%s"' % a.top, '*DATE "0"',
             '*VENDOR "spikestack"', '*PROGRAM "scripts/flow/flow.py"', '*VERSION "1"',
             '*DESIGN_FLOW "DEF-based RC estimate"', '*DIVIDER /', '*DELIMITER :',
             '*BUS_DELIMITER [ ]', '*T_UNIT 1 NS', '*C_UNIT 1 FF', '*R_UNIT 1 OHM',
             '*L_UNIT 1 HENRY', '']

    ports = set(synth.get('ports', []))

    def spef_name(n):
        # DEF bus bits <n> are Verilog [n] on ports; blif2Verilog turns every other character
        # outside [A-Za-z0-9_] of an internal net into '_' (e.g. 'x[0_bF$buf3]' -> 'x_0_bF_buf3_')
        n = n.replace('<', '[').replace('>', ']')
        if n in ports:
            return re.sub(r'([^A-Za-z0-9_\[\]/:])', r'\\\1', n)
        return re.sub(r'[^A-Za-z0-9_]', '_', n)

    for name, n in d['nets'].items():
        if name in ('vdd', 'gnd'):
            continue
        conns = [(i, p) for i, p in n['conns'] if i == 'PIN' or i in comps]
        drv, sinks = None, []
        for i, p in conns:
            if i == 'PIN':
                # a top-level output port is a sink of its net, an input port drives it
                if p.replace('<', '[').replace('>', ']') in outputs:
                    sinks.append((i, p))
                elif drv is None:
                    drv = (i, p)
                continue
            typ = comps[i][0]
            pinfo = lib.get(typ, {}).get('pins', {}).get(p)
            if pinfo and pinfo['dir'] == 'output':
                drv = (i, p)
            else:
                sinks.append((i, p))
        if wire_scale_back != 1.0:
            n['len'] = {ly: l * wire_scale_back for ly, l in n['len'].items()}
        length = sum(n['len'].values())
        wire_c = sum(l * rc.get(ly, (0, 0.15))[1] for ly, l in n['len'].items())
        wire_r_per_um = (sum(l * rc.get(ly, (0.25, 0))[0] for ly, l in n['len'].items()) / length
                         if length > 0 else 0.25)
        pin_c = sum(lib.get(comps[i][0], {}).get('pins', {}).get(p, {}).get('cap_ff', 0.0)
                    for i, p in sinks if i != 'PIN')
        tier_set = {tiers.get(i) for i, _ in conns if i != 'PIN' and tiers}
        cut = len(tier_set) > 1 or name in mol
        nets[name] = {'len_um': length, 'wire_c_ff': wire_c, 'pin_c_ff': pin_c,
                      'fanout': len(sinks), 'cut': cut, 'driver': drv, 'sinks': sinks,
                      'layers': n['len'], 'vias': n['vias']}
        if drv is None or not sinks:
            continue
        total_c = wire_c + (bond['capacitance_ff'] if cut else 0.0)
        dl = loc(drv[0])
        dist = []
        for s in sinks:
            sl = loc(s[0])
            dd = abs(sl[0] - dl[0]) + abs(sl[1] - dl[1]) if (sl and dl) else length / len(sinks)
            dist.append(min(dd, length) if length > 0 else dd)
        sumd = sum(dist) or 1.0

        def node(c):
            return ('*P %s' % c[1]) if c[0] == 'PIN' else '%s:%s' % c

        def nm(c):
            return spef_name(c[1]) if c[0] == 'PIN' else '%s:%s' % (spef_name(c[0]), c[1])
        ln = ['*D_NET %s %.4f' % (spef_name(name), total_c + 0.0), '*CONN']
        ln.append(('*P %s I' % nm(drv)) if drv[0] == 'PIN' else '*I %s O' % nm(drv))
        for s in sinks:
            ln.append(('*P %s O' % nm(s)) if s[0] == 'PIN' else '*I %s I' % nm(s))
        ln.append('*CAP')
        k = 1
        ln.append('%d %s %.4f' % (k, nm(drv), wire_c / 2 + (bond['capacitance_ff'] if cut else 0)))
        for s, dd in zip(sinks, dist):
            k += 1
            ln.append('%d %s %.4f' % (k, nm(s), wire_c / 2 * dd / sumd))
        ln.append('*RES')
        drv_tier = tiers.get(drv[0]) if tiers else None
        for j, (s, dd) in enumerate(zip(sinks, dist)):
            r = wire_r_per_um * dd
            if cut and tiers and tiers.get(s[0], drv_tier) != drv_tier:
                r += bond['resistance_ohm']
            elif cut and not tiers and (s[0] == 'PIN' or drv[0] == 'PIN'):
                r += bond['resistance_ohm']  # 3d-mol: the branch through the bond terminal
            ln.append('%d %s %s %.4f' % (j + 1, nm(drv), nm(s), max(r, 0.001)))
        ln.append('*END')
        lines.extend(ln + [''])
    tmp = spef + '.tmp'
    open(tmp, 'w').write('\n'.join(lines) + '\n')
    os.replace(tmp, spef)
    return d, nets, spef


def _mol_bonds(proj):
    p = os.path.join(proj, 'bonds.json')
    return json.load(open(p))['nets'] if os.path.exists(p) else {}


def load_libs(synth):
    lib = fl.read_liberty(LIB)
    for v in synth.get('macro_views', {}).values():
        lib.update(fl.read_liberty(v['lib']))
    return lib


def layout_sizes(proj, synth):
    sizes, _ = fl.read_lef_macros(os.path.join(proj, 'tech', 'osu018_stdcells.lef'))
    for t, v in synth.get('macro_views', {}).items():
        sizes[t] = (v['width_um'], v['height_um'])
    return sizes


def write_sta(pt, proj, spef, activity, synth):
    a = pt.a
    rep = os.path.join(proj, 'sta')
    os.makedirs(rep, exist_ok=True)
    tcl = os.path.join(rep, 'sta.tcl')
    netlist = os.path.join(proj, a.top + '.rtlnopwr.v')
    t = [
        '# generated by scripts/flow/flow.py',
        'read_liberty %s' % LIB,
    ]
    mol = _mol_bonds(proj)
    if not mol:  # 2d: the macros are cells of the netlist
        t += ['read_liberty %s' % v['lib'] for v in synth.get('macro_views', {}).values()]
    t += [
        'read_verilog %s' % netlist,
        'link_design %s' % a.top,
        'read_spef %s' % spef,
        'create_clock -name clk -period %g [get_ports %s]' % (a.period_ns, a.clock_port),
        'set_propagated_clock [all_clocks]',
        'set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports %s]]'
        % a.clock_port,
        'set_output_delay 0 -clock clk [all_outputs]',
        'set_load 0.01 [all_outputs]',  # 10 fF (lib units pF)
    ]
    # 3d-mol: a bond terminal stands for the macro pin above it: read data arrives the macro's
    # access time after the clock, written data must meet its setup, and the terminal loads
    # the net with the macro pin and the bond
    bond = bond_params()
    for v, dr in sorted(mol.items()):
        if dr == 'io':
            continue  # a design input feeding the macro: timed as any input
        if dr == 'clock':  # a load of the clock tree, not a timing end point
            t.append('set_load %g [get_ports {%s}]'
                     % ((MACRO_CLK_CAP_FF + bond['capacitance_ff']) / 1000, v))
            t.append('set_false_path -to [get_ports {%s}]' % v)
        elif dr == 'in':
            t.append('set_input_delay %g -clock clk [get_ports {%s}]' % (MACRO_ACCESS_NS, v))
        else:
            t.append('set_output_delay %g -clock clk [get_ports {%s}]' % (MACRO_SETUP_NS, v))
            t.append('set_load %g [get_ports {%s}]'
                     % ((MACRO_PIN_CAP_FF + bond['capacitance_ff']) / 1000, v))
    t += [
        'puts "@@WNS [sta::format_time [sta::worst_slack_cmd max] 4]"',
        'report_checks -path_delay max -digits 4',
        'report_checks -path_delay min -digits 4',
    ]
    # OpenSTA 2019: per-pin activity is not honoured (set_power_activity -pins is broken), so
    # the default is one global rate on every net; the clock toggles twice per cycle.
    t.append('set_power_activity -global -activity %g -duty 0.5' % activity)
    t.append('report_power -digits 6')
    t.append('report_power -instances [get_cells *] -digits 6')
    open(tcl, 'w').write('\n'.join(t) + '\n')
    return tcl, rep


def parse_power(text):
    tot = re.search(r'^Total\s+([\d.eE+-]+)\s+([\d.eE+-]+)\s+([\d.eE+-]+)\s+([\d.eE+-]+)', text, re.M)
    insts = {}
    for m in re.finditer(r'^\s+([\d.eE+-]+)\s+([\d.eE+-]+)\s+([\d.eE+-]+)\s+([\d.eE+-]+)\s+(\S+)\s*$',
                         text, re.M):
        insts[m.group(5)] = [float(m.group(i)) for i in range(1, 5)]
    return ([float(tot.group(i)) for i in range(1, 5)] if tot else None), insts


def step_sta(pt, proj, spef, activity, synth):
    a = pt.a
    tcl, rep = write_sta(pt, proj, spef, activity, synth)
    out = os.path.join(rep, 'sta.out')
    key = sha(tcl, spef, os.path.join(proj, a.top + '.rtlnopwr.v'))

    def run():
        if os.path.exists(out):
            os.remove(out)
        pt.run('sta', ['sta', '-no_splash', '-exit', tcl], out, rep, timeout=a.timeout_s)
        text = open(out).read()
        if 'Error' in text and '@@WNS' not in text:
            raise StepError('sta', out, 'OpenSTA error')
        return {}
    pt.stamped('sta', rep, key, [out], run, log=out)
    text = open(out).read()
    m = re.search(r'@@WNS\s+(-?[\d.]+)', text)
    if not m:
        raise StepError('sta', out, 'no worst slack in the report')
    wns = float(m.group(1))
    tot, insts = parse_power(text)
    if tot is None:
        raise StepError('power', out, 'no report_power total')
    crit = re.search(r'Startpoint: (\S+).*?Endpoint: (\S+).*?data arrival time', text, re.S)
    hold = re.findall(r'^\s*(-?[\d.]+)\s+slack \((?:MET|VIOLATED)\)', text, re.M)
    return {'wns': wns, 'power': tot, 'insts': insts, 'hold_slack': float(hold[-1]) if hold else None,
            'critical': {'from': crit.group(1), 'to': crit.group(2)} if crit else None, 'out': out}


def metrics(pt, proj, d, nets, sta, tiers, synth):
    a = pt.a
    lib = load_libs(synth)
    lmacros = layout_sizes(proj, synth)
    views = synth.get('macro_views', {})
    cells = {}
    macros = {}
    area_lib = 0.0
    for name, (typ, x, y) in d['comps'].items():
        if typ.startswith('FILL'):
            continue
        if typ in views:
            macros[typ] = macros.get(typ, 0) + 1
            continue
        cells[typ] = cells.get(typ, 0) + 1
        area_lib += lib.get(typ, {}).get('area', 0.0)
    placed_area = sum(lmacros.get(t, (0, 0))[0] * lmacros.get(t, (0, 0))[1] * n
                      for t, n in cells.items())
    x0, y0, x1, y1 = d['die']
    die_w, die_h = x1 - x0, y1 - y0
    die_area = die_w * die_h
    n_cells = sum(cells.values())
    bufinv = {t: n for t, n in cells.items() if re.match(r'(BUF|CLKBUF|INV)', t)}
    ysy = synth['yosys_cells']
    syn_bufinv = sum(n for t, n in ysy.items() if re.match(r'(BUF|CLKBUF|INV)', t))
    flops = sum(n for t, n in cells.items() if lib.get(t, {}).get('ff'))
    # gate pitch: side of the mean standard cell (full-size library), the unit of Rent/Donath
    gate_pitch = math.sqrt(area_lib / n_cells) if n_cells else 1.0
    lens = [n['len_um'] for k, n in nets.items() if n['sinks']]
    fan = [n['fanout'] for n in nets.values() if n['driver'] and n['sinks']]
    wl = fl.distribution(lens, WL_EDGES)
    wl_pitch = fl.distribution([v / gate_pitch for v in lens],
                               [e / 10 for e in WL_EDGES])  # edges in pitches
    # clock tree: nets reached from the clock port through buffers
    clock_nets, frontier, sinks = set(), [a.clock_port], 0
    drivers = {}
    for k, n in nets.items():
        for i, p in n['sinks']:
            drivers.setdefault(k, []).append((i, p))
    while frontier:
        net = frontier.pop()
        if net in clock_nets or net not in nets:
            continue
        clock_nets.add(net)
        for i, p in nets[net]['sinks']:
            if i == 'PIN':
                continue
            typ = d['comps'][i][0]
            if re.match(r'(CLKBUF|BUF|INV)', typ):
                for k2, n2 in nets.items():
                    if n2['driver'] == (i, 'Y'):
                        frontier.append(k2)
                        break
            else:
                sinks += 1
    # the memory-to-logic wire (issue 14: what memory-on-logic removes): nets with a macro pin
    # (2d) or a bond terminal (3d-mol); 'io' nets are design inputs that feed a macro directly
    mol = _mol_bonds(proj)
    pre = os.path.join(proj, 'preplace.json')
    io_names = {n for n, k in (json.load(open(pre))['nets'] if os.path.exists(pre) else mol).items()
                if k == 'io' and n != a.clock_port}
    mem, io = [], []
    for k, n in nets.items():
        ends = ([n['driver']] if n['driver'] else []) + n['sinks']
        macro_pin = any(i != 'PIN' and d['comps'].get(i, ('',))[0] in views for i, _ in ends)
        bond_pin = k in mol and mol[k] != 'io'
        port = k.replace('<', '[').replace('>', ']') in synth.get('ports', ())
        if k in io_names or (macro_pin and port):
            io.append(n['len_um'])
        elif macro_pin or bond_pin:
            mem.append(n['len_um'])
    total_wire_c = sum(n['wire_c_ff'] for n in nets.values())
    total_pin_c = sum(n['pin_c_ff'] for n in nets.values())
    internal, switching, leakage, total = sta['power']
    res = {
        'cells': {'count': n_cells, 'by_type': dict(sorted(cells.items())),
                  'area_um2': area_lib, 'placed_area_um2': placed_area,
                  'flip_flops': flops,
                  'buffers_inverters': sum(bufinv.values()),
                  'buffers_inverters_added': sum(bufinv.values()) - syn_bufinv,
                  'synthesized_count': sum(ysy.values()) if ysy else None,
                  'synthesized_area_um2': synth['yosys_area_um2']},
        'die': {'width_um': die_w, 'height_um': die_h, 'area_um2': die_area,
                'utilization': (placed_area + _macro_area(macros, views)) / die_area
                if die_area else None},
        'macros': {'count': sum(macros.values()), 'by_type': macros,
                   'area_um2': _macro_area(macros, views),
                   'model': 'bits x osu018.toml sram bitcell / efficiency + overhead; timing '
                            'access %g ns, setup %g ns' % (MACRO_ACCESS_NS, MACRO_SETUP_NS)},
        'gate_pitch_um': gate_pitch,
        'wirelength': {'total_um': wl['total'], 'per_net_um': wl, 'per_net_gate_pitches': wl_pitch,
                       'vias': sum(n['vias'] for n in nets.values()),
                       'by_layer_um': _sum_layers(nets)},
        'fanout': fl.distribution(fan, FANOUT_EDGES),
        'capacitance': {'wire_ff': total_wire_c, 'pin_ff': total_pin_c},
        'memory_nets': {'count': len(mem), 'length_um': sum(mem),
                        'mean_um': sum(mem) / len(mem) if mem else 0.0,
                        'mean_gate_pitches': sum(mem) / len(mem) / gate_pitch if mem else 0.0,
                        'io_count': len(io), 'io_length_um': sum(io)},
        'clock': {'nets': len(clock_nets), 'length_um': sum(nets[n]['len_um'] for n in sorted(clock_nets)),
                  'sinks': sinks, 'buffers': len(clock_nets) - 1 if clock_nets else 0},
        'timing': {'period_ns': a.period_ns, 'worst_slack_ns': sta['wns'],
                   'fmax_mhz': 1000.0 / (a.period_ns - sta['wns']) if a.period_ns - sta['wns'] > 0 else None,
                   'worst_hold_slack_ns': sta['hold_slack'], 'critical_path': sta['critical']},
        'power': {'internal_w': internal, 'switching_w': switching, 'leakage_w': leakage,
                  'total_w': total},
    }
    return res


def read_toggles(path):
    """Toggle file of an RTL testbench: JSON {"nets": {net: toggles per cycle}} (or a plain
    {net: rate} object), or CSV lines 'net,toggles_per_cycle'. RTL names are mapped to the
    flow's gate-level names (fl.safe_name; flip-flop outputs and ports keep their names)."""
    if path.endswith('.csv'):
        rates = {}
        for ln in open(path):
            p = ln.strip().split(',')
            if len(p) >= 2 and p[0] and p[0] != 'net':
                rates[p[0]] = float(p[1])
    else:
        j = json.load(open(path))
        rates = {k: float(v) for k, v in j.get('nets', j).items()}
    if not rates:
        raise ValueError('no nets')
    mapped = {}
    for k, v in rates.items():
        mapped[k] = v
        mapped[fl.safe_name(k)] = v
    return {'rates': mapped, 'mean': sum(rates.values()) / len(rates)}


def clock_nets(clock_port, nets, d):
    """Nets of the clock tree: from the clock port through buffers and inverters."""
    out, frontier = set(), [clock_port]
    by_driver = {n['driver']: k for k, n in nets.items() if n['driver']}
    while frontier:
        net = frontier.pop()
        if net in out or net not in nets:
            continue
        out.add(net)
        for i, p in nets[net]['sinks']:
            if i != 'PIN' and re.match(r'(CLKBUF|BUF|INV)', d['comps'][i][0]):
                k2 = by_driver.get((i, 'Y'))
                if k2:
                    frontier.append(k2)
    return out


def net_switching(nets, clocks, activity, toggles, period_ns, vdd=1.8, tiers=None):
    """Net switching power computed by the flow: sum over nets of 1/2 (C_wire + C_pin) V^2 f a,
    a = 2 on clock nets, the toggle file's rate when it names the net, else `activity`. With the
    default activity it is a second implementation of OpenSTA's switching power (a check).
    tiers (3d-lol): also per tier, each net booked to the tier of the cell that drives it, as
    OpenSTA books it ('ports': nets driven by a design input)."""
    f = 1e9 / period_ns
    p, matched = 0.0, 0
    by_tier = {}
    for k, n in nets.items():
        if not n['sinks']:
            continue
        # a blifFanout copy (<net>_bF$buf<i>: a buffer's output) toggles as the net it buffers
        kb = re.sub(r'_bF[$_]buf\d+', '', k)
        if k in clocks:
            alpha = 2.0
        elif toggles and k.replace('<', '_').replace('>', '_') in toggles['rates']:
            alpha = toggles['rates'][k.replace('<', '_').replace('>', '_')]
            matched += 1
        elif toggles and k.replace('<', '[').replace('>', ']') in toggles['rates']:
            alpha = toggles['rates'][k.replace('<', '[').replace('>', ']')]
            matched += 1
        elif toggles and kb != k and kb.replace('<', '_').replace('>', '_') in toggles['rates']:
            alpha = toggles['rates'][kb.replace('<', '_').replace('>', '_')]
            matched += 1
        elif toggles and toggles.get('aliases', {}).get(kb) in toggles['rates']:
            alpha = toggles['rates'][toggles['aliases'][kb]]  # a macro pin's net (bond<k>_<pin>)
            matched += 1
        else:
            alpha = activity
        e = 0.5 * (n['wire_c_ff'] + n['pin_c_ff']) * 1e-15 * vdd * vdd * f * alpha
        p += e
        if tiers is not None:
            drv = n['driver'][0] if n['driver'] else 'PIN'
            t = 'ports' if drv == 'PIN' else tiers.get(drv, 'ports')
            by_tier[t] = by_tier.get(t, 0.0) + e
    out = {'switching_w_flow': p}
    if toggles:
        out['activity_nets_matched'] = matched
    if tiers is not None:
        out['switching_w_flow_by_tier'] = by_tier
    return out


def _macro_area(counts, views):
    return sum(n * views[t]['width_um'] * views[t]['height_um'] for t, n in counts.items())


def _sum_layers(nets):
    out = {}
    for n in nets.values():
        for ly, l in n['layers'].items():
            out[ly] = out.get(ly, 0.0) + l
    return dict(sorted(out.items()))


def mol_metrics(proj, synth, result):
    """Memory-on-logic: the logic die as placed, the memory die holds the macros; the stack's
    footprint is the larger of the two."""
    bond = bond_params()
    views = synth.get('macro_views', {})
    insts = synth['macro_insts']
    mem_area = sum(views[i['type']]['width_um'] * views[i['type']]['height_um'] for i in insts)
    p = os.path.join(proj, 'bonds.json')
    count = json.load(open(p))['count'] if os.path.exists(p) else 0
    logic = result['die']['area_um2']
    foot = max(logic, mem_area)
    result['footprint_um2'] = foot
    return {
        'method': 'Macro-3D (Bamberg et al., 2020): macros on the memory die, their pins bond '
                  'terminals above the logic they feed; logic die placed alone',
        'macros': len(insts),
        'note': '' if insts else 'no macros: identical to 2d',
        'dies': {'logic_um2': logic, 'memory_um2': mem_area},
        'bonds': {'count': count, 'resistance_ohm': bond['resistance_ohm'],
                  'capacitance_ff': bond['capacitance_ff'], 'pitch_um': bond['pitch_um'],
                  'source': bond['source'],
                  'capacity_at_pitch': int(foot / bond['pitch_um'] ** 2),
                  'fits_pitch': count <= int(foot / bond['pitch_um'] ** 2)},
        'footprint_um2': foot,
    }


def tier_metrics(d, nets, sta, tiers, lib_path=LIB):
    lib = fl.read_liberty(lib_path)
    bond = bond_params()
    per = {}
    x0, y0, x1, y1 = d['die']
    for t in ('top', 'bottom'):
        inst = [i for i, tt in tiers.items() if tt == t and i in d['comps']]
        area = sum(lib.get(d['comps'][i][0], {}).get('area', 0.0) for i in inst)
        pw = [0.0, 0.0, 0.0, 0.0]
        for i in inst:
            v = sta['insts'].get(i)
            if v:
                pw = [x + y for x, y in zip(pw, v)]
        wl = sum(n['len_um'] for n in nets.values()
                 if n['driver'] and n['driver'][0] != 'PIN' and tiers.get(n['driver'][0]) == t)
        per[t] = {'cells': len(inst), 'area_um2': area, 'wirelength_um': wl,
                  'flip_flops': sum(1 for i in inst if lib.get(d['comps'][i][0], {}).get('ff')),
                  'power': {'internal_w': pw[0], 'switching_w': pw[1], 'leakage_w': pw[2],
                            'total_w': pw[3]}}
    cut = [k for k, n in nets.items() if n['cut']]
    # the shrunk layout's outline is the 3D footprint (exactly so at SHRINK_IDEAL)
    footprint = (x1 - x0) * (y1 - y0) * (SHRINK_IDEAL / SHRINK) ** 2
    bonds = len(cut)
    ncell = sum(p['cells'] for p in per.values())
    for p in per.values():  # cell area of the tier over the footprint (2d: die utilization)
        p['utilization'] = p['area_um2'] / ((x1 - x0) * (y1 - y0) * (SHRINK_IDEAL / SHRINK) ** 2)
    return {
        'tiers': per,
        'bonds': {'count': bonds, 'cut_nets_per_cell': bonds / ncell if ncell else 0,
                  'resistance_ohm': bond['resistance_ohm'], 'capacitance_ff': bond['capacitance_ff'],
                  'pitch_um': bond['pitch_um'], 'source': bond['source'],
                  'capacity_at_pitch': int(footprint / bond['pitch_um'] ** 2),
                  'density_per_mm2': bonds / (footprint / 1e6) if footprint else None,
                  'fits_pitch': bonds <= int(footprint / bond['pitch_um'] ** 2)},
        'footprint_um2': footprint,
    }


# ---------------------------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--rtl', nargs='+', required=True, help='Verilog files')
    ap.add_argument('--top', required=True)
    ap.add_argument('--param', action='append', default=[], help='NAME=VALUE of the top')
    ap.add_argument('--name', required=True, help='design point name (work dir, result)')
    ap.add_argument('--style', choices=['2d', '3d-mol', '3d-lol'], default='2d')
    ap.add_argument('--clock-port', default='clk_i')
    ap.add_argument('--period-ns', type=float, default=10.0, help='target clock period')
    ap.add_argument('--density', type=float, default=0.6,
                    help='placement density (qflow initial_density; fill pads the rest)')
    ap.add_argument('--seed', type=int, default=1, help='graywolf random seed')
    ap.add_argument('--no-fanout', action='store_true', help='skip blifFanout buffering')
    ap.add_argument('--macro', action='append', default=[], help='hard macro module (3d-mol)')
    ap.add_argument('--macro-place', choices=['graywolf', 'edge'], default='graywolf',
                    help='2d with macros: graywolf places them (mixed-size placement), or edge: '
                         'the logic is placed alone and the macros fixed above it')
    ap.add_argument('--macro-halo-um', type=float, default=10.0,
                    help='--macro-place edge: gap between the logic and a macro, and between '
                         'macros')
    ap.add_argument('--define', action='append', default=[],
                    help='Verilog define for every RTL file (e.g. SS_SRAM_MACRO), repeatable')
    ap.add_argument('--top-tier', action='append', default=None,
                    help='3d-lol: instance-path prefix of the top tier (repeatable)')
    ap.add_argument('--bottom-tier', action='append', default=None,
                    help='3d-lol: instance-path prefix of the bottom tier (the rest goes on top)')
    ap.add_argument('--bottom-regs', action='append', default=None,
                    help='3d-lol for a block without sub-modules: register-name prefix of the '
                         'bottom tier; gates follow the registers they feed (repeatable)')
    ap.add_argument('--rtl-commit', help='read every --rtl file as it is in this git commit')
    ap.add_argument('--name-registers', action='store_true',
                    help='synthesis names flip-flop cells after their registers (--bottom-regs)')
    ap.add_argument('--activity', help='toggle file (JSON {net: toggles per cycle})')
    ap.add_argument('--work', default=os.path.join(REPO, 'flow-work'))
    ap.add_argument('--out', required=True, help='result JSON')
    ap.add_argument('--timeout-s', type=int, default=3600, help='per tool run')
    a = ap.parse_args(argv)
    if a.style == '3d-lol' and not (a.top_tier or a.bottom_tier or a.bottom_regs):
        ap.error('--style 3d-lol needs --top-tier, --bottom-tier or --bottom-regs PREFIX')
    if a.bottom_regs and not a.name_registers:
        ap.error('--bottom-regs needs --name-registers (in every style of the point: one netlist)')
    pt = Point(a)
    rtl_named = list(a.rtl)
    if a.rtl_commit:  # the RTL as committed, not as the working tree has it now
        try:
            a.rtl = pin_rtl(a.rtl, a.rtl_commit, os.path.join(pt.work, 'rtl-' + a.rtl_commit[:12]))
        except (OSError, subprocess.CalledProcessError) as e:
            print('flow: %s: synth failed: RTL not readable from commit %s (%s)'
                  % (a.name, a.rtl_commit, str(e).split('\n')[0][:160]), file=sys.stderr)
            return 1
    t_start = time.time()
    result = {'schema': SCHEMA, 'complete': False, 'name': a.name, 'style': a.style,
              'design': {'top': a.top, 'rtl': [_rel(r) for r in rtl_named],
                         'params': dict(p.split('=', 1) for p in a.param),
                         **({'defines': a.define} if a.define else {})},
              # the RTL this point ran (hw/ changes under the flow): sha256 of each file
              'rtl_sha256': {_rel(n): sha(os.path.abspath(r)) for n, r in zip(rtl_named, a.rtl)
                             if os.path.isfile(r)},
              **({'rtl_commit': a.rtl_commit} if a.rtl_commit else {}),
              'command': 'python3 scripts/flow/flow.py ' + ' '.join(shlex.quote(x) for x in
                                                                    (argv if argv is not None else sys.argv[1:]))}
    stage = ['synth', os.path.join(pt.work, 'synth', 'log', 'synth.log')]
    try:
        sd, synth = step_synth(pt)
        stage[:] = ['place_route', os.path.join(pt.style_dir, 'pnr', 'log')]
        proj = step_place_route(pt, sd, synth)
        stage[:] = ['extract', os.path.join(proj, a.top + '.def')]
        synth['outputs'] = _blif_ports(os.path.join(proj, a.top + '.blif'))
        synth['ports'] = _blif_ports(os.path.join(proj, a.top + '.blif'), ('.inputs', '.outputs'))
        t0 = time.time()
        tiers = {}
        if a.style == '3d-lol':
            gates = fl.read_qflow_blif(os.path.join(proj, a.top + '.blif'))
            if a.bottom_regs:
                lib = fl.read_liberty(LIB)
                tiers = assign_tiers_by_registers(gates, a.bottom_regs,
                                                  lambda t: lib.get(t, {}).get('ff', False),
                                                  synth.get('driver_cell', {}))
            else:
                tiers = assign_tiers(gates, synth['driver_hier'], a.top_tier, a.bottom_tier)
        d, nets, spef = extract(pt, proj, synth, tiers,
                                SHRINK_IDEAL / SHRINK if a.style == '3d-lol' else 1.0)
        pt.runtime['extract'] = time.time() - t0
        activity = DEFAULT_ACTIVITY
        act_kind = 'default'
        toggles = None
        tier_sw = None
        if a.activity:
            try:
                toggles = read_toggles(a.activity)
            except (OSError, ValueError, KeyError) as e:
                raise StepError('power', a.activity, 'bad toggle file: %s' % e)
            act_kind = 'file'
            activity = toggles['mean']
            # a macro pin's net is renamed bond<k>_<pin> (k: the macro's place in the netlist,
            # as macro_insts lists them): it toggles as the RTL net yosys had there
            toggles['aliases'] = {'bond%d_%s' % (k, pin): fl.safe_name(net)
                                  for k, inst in enumerate(synth.get('macro_insts', []), 1)
                                  for pin, net in inst.get('pins', {}).items()}
        stage[:] = ['sta', os.path.join(proj, 'sta', 'sta.out')]
        sta = step_sta(pt, proj, spef, activity, synth)
        stage[:] = ['metrics', os.path.join(proj, 'sta', 'sta.out')]
        t0 = time.time()
        m = metrics(pt, proj, d, nets, sta, tiers, synth)
        m['power']['activity'] = act_kind
        m['power']['activity_per_cycle'] = activity
        m['power'].update(net_switching(nets, clock_nets(a.clock_port, nets, d), activity,
                                        toggles, a.period_ns))
        if toggles:
            # OpenSTA 2019 cannot take per-net activities: the file's per-net switching
            # replaces OpenSTA's (which used the file's mean rate on every net)
            m['power']['switching_w_opensta'] = m['power']['switching_w']
            m['power']['switching_w'] = m['power']['switching_w_flow']
            m['power']['total_w'] = (m['power']['internal_w'] + m['power']['switching_w']
                                     + m['power']['leakage_w'])
            m['power']['activity_file'] = _rel(a.activity)
            # the flow's own switching at the default rate, the same computation: the default
            # row's counterpart (OpenSTA's default switching differs from it, docs/flow.md)
            clocks = clock_nets(a.clock_port, nets, d)
            m['power']['switching_w_flow_default'] = net_switching(
                nets, clocks, DEFAULT_ACTIVITY, None, a.period_ns)['switching_w_flow']
            if tiers:  # per tier, each net's switching booked to its driver's tier (below)
                tier_sw = (net_switching(nets, clocks, activity, toggles, a.period_ns,
                                         tiers=tiers)['switching_w_flow_by_tier'],
                           net_switching(nets, clocks, DEFAULT_ACTIVITY, None, a.period_ns,
                                         tiers=tiers)['switching_w_flow_by_tier'])
        m['power']['clock_mhz'] = 1000.0 / a.period_ns
        result.update(m)
        pre = os.path.join(proj, 'preplace.json')
        if a.style == '2d' and os.path.exists(pre):
            pj = json.load(open(pre))
            lw, lh = pj['logic_die_um']
            result['macros']['placement'] = {
                'method': 'edge: logic placed alone (graywolf) with the macro nets on its top '
                          'edge, macros then FIXED above it on the track grid',
                'halo_um': pj['halo_um'], 'logic_die_um2': lw * lh,
                'logic_die_width_um': lw, 'logic_die_height_um': lh, 'macros': pj['macros'],
                # die area neither logic die, macro nor halo band (the strips beside the macros
                # when the logic is wider than the macro row)
                'unused_um2': result['die']['area_um2'] - lw * lh - sum(
                    mm['width_um'] * (mm['height_um'] + pj['halo_um']) for mm in pj['macros'])}
        if a.style == '3d-lol':
            result['3d'] = tier_metrics(d, nets, sta, tiers)
            if tier_sw:
                # a toggle file: tier switching with each net's rate (OpenSTA's per-instance
                # switching used the file's mean rate on every net), and at the default rate by
                # the same computation
                real, dflt = tier_sw
                for t, tp in result['3d']['tiers'].items():
                    pw = tp['power']
                    pw['switching_w_opensta'] = pw['switching_w']
                    pw['switching_w'] = real.get(t, 0.0)
                    pw['switching_w_flow_default'] = dflt.get(t, 0.0)
                    pw['total_w'] = pw['internal_w'] + pw['switching_w'] + pw['leakage_w']
                result['3d']['switching_w_ports'] = real.get('ports', 0.0)
            result['3d']['method'] = 'Shrunk-2D (Panth et al., ICCAD 2014): cells and wire pitches x 0.7 (~1/sqrt(2)), P&R as one, tiers by ' + (('register cone, bottom registers=' + ','.join(a.bottom_regs)) if a.bottom_regs else 'instance prefix: ' + ('top=' + ','.join(a.top_tier) if a.top_tier else 'bottom=' + ','.join(a.bottom_tier)))
            result['footprint_um2'] = result['3d']['footprint_um2']
        else:
            result['footprint_um2'] = result['die']['area_um2']
            if a.style == '3d-mol':
                result['3d'] = mol_metrics(proj, synth, result)
        if a.style != '2d':
            result['reference_2d'] = os.path.basename(a.out).replace('-' + a.style, '-2d')
        pt.runtime['metrics'] = time.time() - t0
        result.update({
            'tools': tool_versions(), 'seed': a.seed, 'density_target': a.density,
            'extraction': 'DEF-based RC estimate (flow.py extract): routed length per layer x '
                          'osu018 LEF r, c per um; star topology per net',
            'steps_skipped': pt.skipped, 'commands': pt.commands,
            'runtime_s': _runtimes(pt.runtime),
            # CPU seconds of the tools (children) per stamped step: wall time above depends on
            # the load of the shared machine, CPU time much less
            'cpu_s': {k: (round(v, 2) if v is not None else None) for k, v in pt.cpu.items()},
            'work_dir': os.path.relpath(pt.work, REPO) if pt.work.startswith(REPO) else pt.work,
        })
        result['complete'] = True
    except StepError as e:
        print('flow: %s: %s failed: see %s' % (a.name, e.step, e.log), file=sys.stderr)
        _write(a.out + '.partial', result)
        return 1
    except Exception as e:  # a bug or an unexpected tool output: still one line, no result
        print('flow: %s: %s failed: internal error (%s: %s): see %s'
              % (a.name, stage[0], type(e).__name__, str(e).split('\n')[0][:200], stage[1]),
              file=sys.stderr)
        _write(a.out + '.partial', result)
        return 1
    _write(a.out, result)
    if os.path.exists(a.out + '.partial'):
        os.remove(a.out + '.partial')
    print('flow: %s %s: %d cells, die %.0f um2, WL %.0f um, slack %.3f ns, power %.3g W -> %s' % (
        a.name, a.style, result['cells']['count'], result['die']['area_um2'],
        result['wirelength']['total_um'], result['timing']['worst_slack_ns'],
        result['power']['total_w'], a.out))
    return 0


def pin_rtl(files, commit, dst):
    """Writes each RTL file as it is in git commit `commit` under dst (same relative path) and
    returns the new paths: hw/ changes under the flow while a point's styles run."""
    out = []
    for f in files:
        rel = os.path.relpath(os.path.abspath(f), REPO)
        text = subprocess.run(['git', '-C', REPO, 'show', '%s:%s' % (commit, rel)], check=True,
                              capture_output=True, stdin=subprocess.DEVNULL).stdout
        path = os.path.join(dst, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + '.tmp'
        open(tmp, 'wb').write(text)
        os.replace(tmp, path)
        out.append(path)
    return out


def _rel(p):
    p = os.path.abspath(p)
    return os.path.relpath(p, REPO) if p.startswith(REPO + os.sep) else p


def _runtimes(rt):
    out = {k: round(rt.get(k, 0.0), 3) for k in ('synth', 'place', 'route', 'extract', 'sta', 'metrics')}
    out['total'] = round(sum(out.values()), 3)
    return out


def _blif_ports(path, kinds=('.outputs',)):
    outs = []
    for ln in open(path).read().replace('\\\n', ' ').split('\n'):
        if ln.split()[:1] and ln.split()[0] in kinds:
            outs += ln.split()[1:]
    return outs


def _write(path, obj):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f, indent=1, sort_keys=False)
        f.write('\n')
    os.replace(tmp, path)


if __name__ == '__main__':
    sys.exit(main())
