#!/bin/sh
# The register-to-register critical path of a design as synthesis alone builds it: yosys + abc
# onto osu018 exactly as scripts/flow/flow.py's synth step (hierarchy kept through abc, delay
# target = the period), then OpenSTA on the netlist without wires (no placement, no blifFanout
# buffers). Prints the path's cells, one per line, and the data arrival after clk->Q.
#
#   scripts/phys/synth_path.sh <workdir> <top> "<NAME=VALUE ...>" <rtl.v>...
#   e.g. scripts/phys/synth_path.sh /tmp/lif32 se_unit "ROWS=2 COLS=2 MEM_W=32" \
#        scripts/flow/designs/se_unit.v hw/se_array.v hw/se_pe.v
set -e
work=$1 top=$2 params=$3
shift 3
lib=/usr/share/qflow/tech/osu018/osu018_stdcells.lib
mkdir -p "$work"
{
  echo "read_liberty -lib -ignore_miss_dir -setattr blackbox $lib"
  for f in "$@"; do echo "read_verilog -defer $(readlink -f "$f")"; done
  set=""
  for p in $params; do set="$set -set ${p%%=*} ${p#*=}"; done
  [ -n "$set" ] && echo "chparam$set $top"
  echo "hierarchy -check -top $top"
  echo "synth -top $top"
  echo "dfflibmap -liberty $lib"
  echo "opt"
  echo "abc -exe /usr/lib/qflow/bin/yosys-abc -liberty $lib -D 10000"
  echo "flatten"
  echo "setundef -zero"
  echo "clean -purge"
  echo "splitnets -ports"
  echo "insbuf -buf BUFX2 A Y"
  echo "clean -purge"
  echo "write_verilog -noattr $work/$top.v"
} > "$work/synth.ys"
yosys -q -l "$work/yosys.log" -s "$work/synth.ys" >/dev/null
cat > "$work/sta.tcl" <<TCL
read_liberty $lib
read_verilog $work/$top.v
link_design $top
create_clock -name clk -period 10 [get_ports clk_i]
set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk_i]]
set_output_delay 0 -clock clk [all_outputs]
report_checks -path_delay max -digits 4 -from [all_registers -clock_pins] -to [all_registers -data_pins]
exit
TCL
sta -no_splash "$work/sta.tcl" > "$work/sta.out" 2>&1 || { cat "$work/sta.out"; exit 1; }
awk '/Startpoint/{f=1} f&&/\/Q \(/{q=$2} f&&/\/(Y|YC|YS) \(/{c=$NF; gsub(/[()]/,"",c); n++; s=s" "c; d=d" "$1} f&&/data arrival time/{printf "cells after clk->Q: %d (%.3f ns from Q to D)\n%s\n%s\n", n, $1-q, s, d; exit}' "$work/sta.out"
