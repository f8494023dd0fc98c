// One bank of a global buffer: a single-port SRAM word array with synchronous read.
// Behavioural for simulation; with `SS_SRAM_MACRO defined it wraps the sram_macro black box.
module sram_bank #(
  parameter integer WIDTH  = 32,                               // bits per word
  parameter integer DEPTH  = 256,                              // words
  parameter integer ADDR_W = (DEPTH > 1) ? $clog2(DEPTH) : 1   // bits of a word address
) (
  input  wire              clk_i,
  // the one port: en_i with we_i writes wdata_i; en_i alone reads, data the next cycle
  input  wire              en_i,
  input  wire              we_i,
  input  wire [ADDR_W-1:0] addr_i,    // word address, < DEPTH
  input  wire [WIDTH-1:0]  wdata_i,
  output wire [WIDTH-1:0]  rdata_o    // word read in the previous cycle; held until the next read
);
`ifdef SS_SRAM_MACRO
  sram_macro #(
    .WIDTH  (WIDTH),
    .DEPTH  (DEPTH),
    .ADDR_W (ADDR_W)
  ) u_macro (
    .clk_i   (clk_i),
    .en_i    (en_i),
    .we_i    (we_i),
    .addr_i  (addr_i),
    .wdata_i (wdata_i),
    .rdata_o (rdata_o)
  );
`else
  reg [WIDTH-1:0] mem_q [0:DEPTH-1];
  reg [WIDTH-1:0] rdata_q;

  always @(posedge clk_i) begin
    if (en_i && we_i)  mem_q[addr_i] <= wdata_i;
    if (en_i && !we_i) rdata_q <= mem_q[addr_i];
  end
  assign rdata_o = rdata_q;
`endif
endmodule
