// Flow design point (docs/flow.md, memory-on-logic with a shared buffer): one weight buffer
// (hw/glb.v, one hw/sram_bank.v bank of whole weight tiles; an sram_macro black box with
// SS_SRAM_MACRO defined) feeding two systolic arrays (hw/se_array.v), as the paper's weight
// GLB feeds several SE cores: every read-data bit reaches one PE's weight banks in each array
// (the tile is written into the array wb_dst_i names; the other ignores it). Spikes come from
// ports, registered (no spike buffer: the point measures the weight buffer's nets); addresses
// from ports (se_core's pass controller is not part of the tile).
module se_tile_x2 #(
  parameter integer ROWS        = 2,
  parameter integer COLS        = 2,
  parameter integer LANES       = 2,
  parameter integer WEIGHT_BITS = 8,
  parameter integer PSUM_BITS   = 16,
  parameter integer META_BITS   = 8,
  parameter integer WB_DEPTH    = 128,
  parameter integer WW          = ROWS * COLS * WEIGHT_BITS,  // one weight tile per word
  parameter integer VEC         = ROWS * LANES,
  parameter integer WB_AW       = $clog2(WB_DEPTH)
) (
  input  wire                              clk_i,
  input  wire                              rst_ni,
  // weight buffer: an aligned read fetches one tile, written the cycle after into weight bank
  // wb_bank_i of array wb_dst_i
  input  wire                              wb_en_i,
  input  wire                              wb_we_i,
  input  wire [WB_AW-1:0]                  wb_addr_i,
  input  wire [WW-1:0]                     wb_wdata_i,
  input  wire                              wb_bank_i,
  input  wire                              wb_dst_i,
  // one token bit plane per array and cycle
  input  wire [1:0]                        in_valid_i,
  input  wire [1:0]                        in_bank_i,
  input  wire [2*VEC-1:0]                  in_x_i,
  input  wire [2*META_BITS-1:0]            in_meta_i,
  output wire [2*COLS-1:0]                 out_valid_o,
  output wire [2*COLS*LANES*PSUM_BITS-1:0] out_psum_o,
  output wire [2*COLS*META_BITS-1:0]       out_meta_o
);
  wire [WW-1:0] wb_rdata;
  /* verilator lint_off UNUSEDSIGNAL */
  wire          wb_bank_en;
  /* verilator lint_on UNUSEDSIGNAL */
  glb #(.BANKS(1), .WIDTH(WW), .DEPTH(WB_DEPTH)) u_wbuf (
    .clk_i     (clk_i),
    .en_i      (wb_en_i),
    .we_i      (wb_we_i),
    .addr_i    (wb_addr_i),
    .lane_en_i (1'b1),
    .wdata_i   (wb_wdata_i),
    .rdata_o   (wb_rdata),
    .bank_en_o (wb_bank_en)
  );

  reg                   wr_q, wr_bank_q, wr_dst_q;
  reg [1:0]             in_q, in_bank_q;
  reg [2*VEC-1:0]       in_x_q;
  reg [2*META_BITS-1:0] in_meta_q;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      wr_q <= 1'b0;
      in_q <= 2'b00;
    end else begin
      wr_q <= wb_en_i & ~wb_we_i;
      in_q <= in_valid_i;
    end
  end
  always @(posedge clk_i) begin
    wr_bank_q <= wb_bank_i;
    wr_dst_q  <= wb_dst_i;
    in_bank_q <= in_bank_i;
    in_x_q    <= in_x_i;
    in_meta_q <= in_meta_i;
  end

  genvar k;
  generate
    for (k = 0; k < 2; k = k + 1) begin : g_arr
      se_array #(.ROWS(ROWS), .COLS(COLS), .LANES(LANES), .WEIGHT_BITS(WEIGHT_BITS),
                 .PSUM_BITS(PSUM_BITS), .META_BITS(META_BITS)) u_array (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .wr_en_i     (wr_q && (wr_dst_q == k)),
        .wr_bank_i   (wr_bank_q),
        .wr_tile_i   (wb_rdata),
        .in_valid_i  (in_q[k]),
        .in_bank_i   (in_bank_q[k]),
        .in_x_i      (in_x_q[k*VEC +: VEC]),
        .in_meta_i   (in_meta_q[k*META_BITS +: META_BITS]),
        .dw_i        (1'b0),
        .in_xd_i     ({(ROWS*COLS*LANES){1'b0}}),
        .out_valid_o (out_valid_o[k*COLS +: COLS]),
        .out_psum_o  (out_psum_o[k*COLS*LANES*PSUM_BITS +: COLS*LANES*PSUM_BITS]),
        .out_meta_o  (out_meta_o[k*COLS*META_BITS +: COLS*META_BITS])
      );
    end
  endgenerate
endmodule
