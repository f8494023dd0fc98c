// Black box of a single-port SRAM macro with the pins of hw/sram_macro.v, kept here so that the
// flow's CI design does not change when hw/ does. The flow treats every instance of a module
// named with --macro as a hard macro: a LEF of the size model's area in 2d, bond terminals in
// 3d-mol.
(* blackbox *)
module sram_macro #(
    parameter integer WIDTH  = 32,                               // bits per word
    parameter integer DEPTH  = 256,                              // words
    parameter integer ADDR_W = (DEPTH > 1) ? $clog2(DEPTH) : 1   // bits of a word address
) (
    input  wire              clk_i,
    input  wire              en_i,
    input  wire              we_i,
    input  wire [ADDR_W-1:0] addr_i,
    input  wire [WIDTH-1:0]  wdata_i,
    output wire [WIDTH-1:0]  rdata_o
);
endmodule
