// One processing element of the SE systolic array: holds two banks of one signed weight
// (double buffering), adds it to every time lane whose spike bit is set, passes spikes east.
// Weight-stationary: spikes move east one PE per cycle, partial sums move south one per cycle.
module se_pe #(
  parameter integer LANES       = 2,   // time steps processed together (one bit each)
  parameter integer WEIGHT_BITS = 8,   // signed synaptic weight
  parameter integer PSUM_BITS   = 16   // signed partial sum of one column over the rows
) (
  input  wire                         clk_i,
  input  wire                         rst_ni,     // active-low synchronous reset (valid only)
  // weight banks (written whole by the array; selected per spike by bank_i)
  input  wire [WEIGHT_BITS-1:0]       w0_i,
  input  wire [WEIGHT_BITS-1:0]       w1_i,
  // spikes from the west
  input  wire                         valid_i,
  input  wire                         bank_i,     // which weight bank this spike vector uses
  input  wire [LANES-1:0]             x_i,        // one bit plane, all lanes
  // partial sums from the north
  input  wire [LANES*PSUM_BITS-1:0]   psum_i,
  // to the east
  output reg                          valid_o,
  output reg                          bank_o,
  output reg  [LANES-1:0]             x_o,
  // to the south
  output reg  [LANES*PSUM_BITS-1:0]   psum_o
);
  wire [WEIGHT_BITS-1:0] w = bank_i ? w1_i : w0_i;
  wire [PSUM_BITS-1:0]   w_ext = {{(PSUM_BITS-WEIGHT_BITS){w[WEIGHT_BITS-1]}}, w};

  reg [LANES*PSUM_BITS-1:0] psum_d;
  integer l;
  always @* begin
    psum_d = psum_i;
    for (l = 0; l < LANES; l = l + 1)
      if (x_i[l]) psum_d[l*PSUM_BITS +: PSUM_BITS] = psum_i[l*PSUM_BITS +: PSUM_BITS] + w_ext;
  end

  always @(posedge clk_i) begin
    if (!rst_ni) valid_o <= 1'b0;
    else         valid_o <= valid_i;
  end
  // data registers need no reset: only read where valid
  always @(posedge clk_i) begin
    bank_o  <= bank_i;
    x_o     <= x_i;
    psum_o  <= psum_d;
  end
endmodule
