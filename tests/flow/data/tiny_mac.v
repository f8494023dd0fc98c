// tiny_mac: the flow's CI design. A ROWS x COLS weight-stationary array of
// bit-serial multiply-accumulate PEs fed from a small weight register file.
// Activations enter MSB first, one bit per cycle per row, and move east one
// PE per cycle; each PE shifts its accumulator left and adds its weight when
// the bit is one (shift-add multiply), saturating at the signed ACC_BITS
// range. A real small datapath (adders, comparators, register file, muxes),
// not a counter: enough structure for placement, routing and timing to mean
// something, small enough (~1-2 k cells) for CI.
module tiny_mac #(
    parameter ROWS = 2,          // PE rows (one activation stream each)
    parameter COLS = 2,          // PE columns (one weight each per row)
    parameter WEIGHT_BITS = 8,   // signed weight width
    parameter ACC_BITS = 16,     // signed saturating accumulator width
    parameter USE_SRAM = 0       // 1: weights are loaded from an sram_macro (3d-mol test)
) (
    input  wire                          clk_i,
    input  wire                          rst_ni,
    // weight register file write port: one weight per cycle (from wr_data_i,
    // or with USE_SRAM from the macro word at wr_addr_i, written by mem_we_i)
    input  wire                          wr_en_i,
    input  wire                          mem_we_i,
    input  wire [$clog2(ROWS*COLS)-1:0]  wr_addr_i,
    input  wire [WEIGHT_BITS-1:0]        wr_data_i,
    // activation bit streams, one per row
    input  wire [ROWS-1:0]               act_bit_i,
    input  wire                          start_i,     // clears the accumulators
    // read-out: one accumulator, selected by address
    input  wire [$clog2(ROWS*COLS)-1:0]  rd_addr_i,
    output wire [ACC_BITS-1:0]           rd_data_o
);
  localparam N = ROWS * COLS;

  reg [WEIGHT_BITS-1:0] weight_q [0:N-1];
  reg [ACC_BITS-1:0]    acc_q    [0:N-1];  // PE accumulators (read-out view)
  reg [ROWS*COLS-1:0]   act_q;           // activation bit held by each PE
  reg                   start_q;

  wire [WEIGHT_BITS-1:0] wr_word;
  generate
    if (USE_SRAM != 0) begin : g_sram
      sram_macro #(.WIDTH(WEIGHT_BITS), .DEPTH(N)) u_sram (
          .clk_i(clk_i), .en_i(wr_en_i | mem_we_i), .we_i(mem_we_i),
          .addr_i(wr_addr_i), .wdata_i(wr_data_i), .rdata_o(wr_word));
    end else begin : g_nosram
      assign wr_word = wr_data_i;
    end
  endgenerate

  integer i;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (i = 0; i < N; i = i + 1) weight_q[i] <= {WEIGHT_BITS{1'b0}};
    end else if (wr_en_i) begin
      weight_q[wr_addr_i] <= wr_word;
    end
  end

  // activation bits move east one PE per cycle
  integer r, c;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      act_q   <= {N{1'b0}};
      start_q <= 1'b0;
    end else begin
      start_q <= start_i;
      for (r = 0; r < ROWS; r = r + 1) begin
        act_q[r*COLS] <= act_bit_i[r];
        for (c = 1; c < COLS; c = c + 1) act_q[r*COLS+c] <= act_q[r*COLS+c-1];
      end
    end
  end

  genvar g;
  generate
    for (g = 0; g < N; g = g + 1) begin : g_pe
      wire [ACC_BITS-1:0] acc;
      tiny_pe #(.WEIGHT_BITS(WEIGHT_BITS), .ACC_BITS(ACC_BITS)) u_pe (
          .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(start_q), .act_bit_i(act_q[g]),
          .weight_i(weight_q[g]), .acc_o(acc));
      always @(*) acc_q[g] = acc;
    end
  endgenerate

  assign rd_data_o = acc_q[rd_addr_i];
endmodule
