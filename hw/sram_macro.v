// Place holder of a compiled single-port SRAM macro: same pins as sram_bank, no contents.
// Synthesis keeps it as a black box; place-and-route drops the generated macro (LEF/LIB) here.
(* blackbox *)
module sram_macro #(
  parameter integer WIDTH  = 32,                               // bits per word
  parameter integer DEPTH  = 256,                              // words
  parameter integer ADDR_W = (DEPTH > 1) ? $clog2(DEPTH) : 1   // bits of a word address
) (
  input  wire              clk_i,
  // the one port: read data appears the cycle after en_i (synchronous read)
  input  wire              en_i,
  input  wire              we_i,
  input  wire [ADDR_W-1:0] addr_i,
  input  wire [WIDTH-1:0]  wdata_i,
  // A black box has no body: the macro (never seen by the linter) reads the inputs and
  // drives the output, so UNDRIVEN and UNUSEDSIGNAL are expected here and only here.
  /* verilator lint_off UNDRIVEN */
  output wire [WIDTH-1:0]  rdata_o
  /* verilator lint_on UNDRIVEN */
);
  /* verilator lint_off UNUSEDSIGNAL */
  wire unused_pins = &{1'b0, clk_i, en_i, we_i, addr_i, wdata_i};
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
