// Flow design point (docs/flow.md, memory-on-logic on the project's own blocks): one SE tile,
// the systolic array of hw/se_array.v fed by its weight buffer (hw/glb.v: WB_BANKS striped
// hw/sram_bank.v banks, one whole weight tile per aligned burst) and by its spike buffer (one
// hw/sram_bank.v, one token bit plane per word). Synthesize with SS_SRAM_MACRO defined: every
// bank is then the sram_macro black box, a hard macro of the flow. The buffers' addresses come
// from the ports: se_core's pass controller is not part of the tile.
module se_tile #(
  parameter integer ROWS        = 2,     // array rows (se_array)
  parameter integer COLS        = 2,     // array columns
  parameter integer LANES       = 2,     // time lanes
  parameter integer WEIGHT_BITS = 8,
  parameter integer PSUM_BITS   = 16,
  parameter integer META_BITS   = 8,
  parameter integer WB_BANKS    = 2,     // weight-buffer banks; a word is 1 / WB_BANKS of a tile
  parameter integer WB_DEPTH    = 128,   // weight-buffer words in all (WB_BANKS x 2^k)
  parameter integer SB_DEPTH    = 256,   // spike-buffer words (token bit planes)
  parameter integer SB_MACRO    = 1,     // 1: the spike buffer is an sram_bank (a macro)
  parameter integer WW          = ROWS * COLS * WEIGHT_BITS / WB_BANKS,  // bits of a weight word
  parameter integer VEC         = ROWS * LANES,                         // bits of a bit plane
  parameter integer WB_AW       = $clog2(WB_DEPTH),
  parameter integer SB_AW       = $clog2(SB_DEPTH)
) (
  input  wire                            clk_i,
  input  wire                            rst_ni,
  // weight buffer: a write stores WB_BANKS words; an aligned read fetches one tile, which is
  // written into the array's weight bank wb_bank_i the cycle after
  input  wire                            wb_en_i,
  input  wire                            wb_we_i,
  input  wire [WB_AW-1:0]                wb_addr_i,
  input  wire [WB_BANKS*WW-1:0]          wb_wdata_i,
  input  wire                            wb_bank_i,
  // spike buffer: a read sends its bit plane into the array the cycle after
  input  wire                            sb_en_i,
  input  wire                            sb_we_i,
  input  wire [SB_AW-1:0]                sb_addr_i,
  input  wire [VEC-1:0]                  sb_wdata_i,
  input  wire                            sb_bank_i,   // weight bank of the plane's tile
  input  wire [META_BITS-1:0]            sb_meta_i,
  // the array's column outputs
  output wire [COLS-1:0]                 out_valid_o,
  output wire [COLS*LANES*PSUM_BITS-1:0] out_psum_o,
  output wire [COLS*META_BITS-1:0]       out_meta_o
);
  wire [WB_BANKS*WW-1:0] wb_rdata;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [WB_BANKS-1:0]    wb_bank_en;
  /* verilator lint_on UNUSEDSIGNAL */
  wire [VEC-1:0]         sb_rdata;

  glb #(.BANKS(WB_BANKS), .WIDTH(WW), .DEPTH(WB_DEPTH)) u_wbuf (
    .clk_i     (clk_i),
    .en_i      (wb_en_i),
    .we_i      (wb_we_i),
    .addr_i    (wb_addr_i),
    .lane_en_i ({WB_BANKS{1'b1}}),
    .wdata_i   (wb_wdata_i),
    .rdata_o   (wb_rdata),
    .bank_en_o (wb_bank_en)
  );

  generate
    if (SB_MACRO != 0) begin : g_sbuf_macro
      sram_bank #(.WIDTH(VEC), .DEPTH(SB_DEPTH)) u_sbuf (
        .clk_i   (clk_i),
        .en_i    (sb_en_i),
        .we_i    (sb_we_i),
        .addr_i  (sb_addr_i),
        .wdata_i (sb_wdata_i),
        .rdata_o (sb_rdata)
      );
    end else begin : g_sbuf_regs
      // a register file (graywolf 0.1.6's macro compaction crashes with two or more macros)
      reg [VEC-1:0] mem_q [0:SB_DEPTH-1];
      reg [VEC-1:0] rdata_q;
      always @(posedge clk_i) begin
        if (sb_en_i && sb_we_i)  mem_q[sb_addr_i] <= sb_wdata_i;
        if (sb_en_i && !sb_we_i) rdata_q <= mem_q[sb_addr_i];
      end
      assign sb_rdata = rdata_q;
    end
  endgenerate

  // read data arrive the cycle after the request: its control follows one register behind
  reg                 wr_q, wr_bank_q, in_q, in_bank_q;
  reg [META_BITS-1:0] in_meta_q;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      wr_q <= 1'b0;
      in_q <= 1'b0;
    end else begin
      wr_q <= wb_en_i & ~wb_we_i;
      in_q <= sb_en_i & ~sb_we_i;
    end
  end
  always @(posedge clk_i) begin
    wr_bank_q <= wb_bank_i;
    in_bank_q <= sb_bank_i;
    in_meta_q <= sb_meta_i;
  end

  se_array #(.ROWS(ROWS), .COLS(COLS), .LANES(LANES), .WEIGHT_BITS(WEIGHT_BITS),
             .PSUM_BITS(PSUM_BITS), .META_BITS(META_BITS)) u_array (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .wr_en_i     (wr_q),
    .wr_bank_i   (wr_bank_q),
    .wr_tile_i   (wb_rdata),
    .in_valid_i  (in_q),
    .in_bank_i   (in_bank_q),
    .in_x_i      (sb_rdata),
    .in_meta_i   (in_meta_q),
    .out_valid_o (out_valid_o),
    .out_psum_o  (out_psum_o),
    .out_meta_o  (out_meta_o)
  );
endmodule
