// Blackbox of a single-port SRAM macro for the flow's memory-on-logic test
// (tiny_mac USE_SRAM=1). The flow treats every instance of a module named
// with --macro as a hard macro: a LEF of the size model's area in 2D, bond
// terminals in 3d-mol. Pins follow the project's sram_macro convention.
(* blackbox *)
module sram_macro #(
    parameter WORDS = 256,  // words
    parameter BITS = 64     // bits per word
) (
    input  wire                      clk_i,
    input  wire                      ce_i,
    input  wire                      we_i,
    input  wire [$clog2(WORDS)-1:0]  addr_i,
    input  wire [BITS-1:0]           wdata_i,
    output wire [BITS-1:0]           rdata_o
);
endmodule
