// The SE cores' spatio-temporal systolic array: ROWS x COLS weight-stationary PEs. One token's
// bit plane (ROWS inputs x LANES time steps) enters per cycle, skewed one cycle per row; spikes
// move east, partial sums south; column c's sums leave the bottom ROWS + c cycles after entry.
// With DW = 1 a second input, one bit per PE and lane (the depthwise gate: column c is channel
// c, row r tap r, so every PE sees its own spike), follows the same skew and eastward delay and
// replaces the row's broadcast spikes while dw_i is set.
module se_array #(
  parameter integer ROWS        = 4,   // input channels per pass (reduction)
  parameter integer COLS        = 4,   // output neurons per pass
  parameter integer LANES       = 2,   // time steps per weight fetch
  parameter integer WEIGHT_BITS = 8,   // signed weights
  parameter integer PSUM_BITS   = 16,  // signed column sum of one plane (>= WEIGHT_BITS + log2 ROWS)
  parameter integer META_BITS   = 8,   // caller's tag travelling with each vector to the outputs
  parameter integer DW          = 0    // 1: per-PE inputs (depthwise gate) are built in
) (
  input  wire                               clk_i,
  input  wire                               rst_ni,
  // weight tile write: all PEs of one bank at once (row-major, PE (r, c) at (r*COLS + c))
  input  wire                               wr_en_i,
  input  wire                               wr_bank_i,
  input  wire [ROWS*COLS*WEIGHT_BITS-1:0]   wr_tile_i,
  // input vectors: one token bit plane per cycle
  input  wire                               in_valid_i,
  input  wire                               in_bank_i,  // weight bank of this vector's tile
  input  wire [ROWS*LANES-1:0]              in_x_i,     // row r, lane l at bit r*LANES + l
  input  wire [META_BITS-1:0]               in_meta_i,
  // per-PE inputs (DW = 1): PE (r, c), lane l at bit (r*COLS + c)*LANES + l; used while dw_i
  input  wire                               dw_i,       // static during a layer
  input  wire [ROWS*COLS*LANES-1:0]         in_xd_i,
  // column outputs, each column ROWS + c cycles after its input entered
  output wire [COLS-1:0]                    out_valid_o,
  output wire [COLS*LANES*PSUM_BITS-1:0]    out_psum_o,   // column c, lane l at (c*LANES + l)
  output wire [COLS*META_BITS-1:0]          out_meta_o
);
  localparam integer PW = LANES * PSUM_BITS;

  // weight banks (double buffering: one tile in use, the next written beside it)
  reg [ROWS*COLS*WEIGHT_BITS-1:0] w0_q;
  reg [ROWS*COLS*WEIGHT_BITS-1:0] w1_q;
  always @(posedge clk_i) begin
    if (wr_en_i && !wr_bank_i) w0_q <= wr_tile_i;
    if (wr_en_i &&  wr_bank_i) w1_q <= wr_tile_i;
  end

  // mesh wires: h_* run east (ROWS x (COLS+1)), v_psum runs south ((ROWS+1) x COLS)
  // (the east edge's outputs end there: spikes leaving the last column are dropped)
  /* verilator lint_off UNUSEDSIGNAL */
  wire [ROWS*(COLS+1)-1:0]       h_valid;
  wire [ROWS*(COLS+1)-1:0]       h_bank;
  wire [ROWS*(COLS+1)*LANES-1:0] h_x;
  /* verilator lint_on UNUSEDSIGNAL */
  wire [(ROWS+1)*COLS*PW-1:0]    v_psum;

  genvar r, c;
  generate
    for (r = 0; r < ROWS; r = r + 1) begin : g_row
      // input skew: row r enters r cycles late, so its spikes meet row r-1's partial sums
      if (r == 0) begin : g_noskew
        assign h_valid[r*(COLS+1)]              = in_valid_i;
        assign h_bank[r*(COLS+1)]               = in_bank_i;
        assign h_x[r*(COLS+1)*LANES +: LANES]   = in_x_i[r*LANES +: LANES];
      end else begin : g_skew
        reg  [r-1:0]         sv_q;
        reg  [r-1:0]         sb_q;
        reg  [r*LANES-1:0]   sx_q;
        // next state of the shift registers (the top element leaves: unused by design)
        /* verilator lint_off UNUSEDSIGNAL */
        wire [r:0]             sv_n = {sv_q, in_valid_i};
        wire [r:0]             sb_n = {sb_q, in_bank_i};
        wire [(r+1)*LANES-1:0] sx_n = {sx_q, in_x_i[r*LANES +: LANES]};
        /* verilator lint_on UNUSEDSIGNAL */
        always @(posedge clk_i) begin
          if (!rst_ni) sv_q <= {r{1'b0}};
          else         sv_q <= sv_n[r-1:0];
        end
        always @(posedge clk_i) begin
          sb_q <= sb_n[r-1:0];
          sx_q <= sx_n[r*LANES-1:0];
        end
        assign h_valid[r*(COLS+1)]            = sv_q[r-1];
        assign h_bank[r*(COLS+1)]             = sb_q[r-1];
        assign h_x[r*(COLS+1)*LANES +: LANES] = sx_q[(r-1)*LANES +: LANES];
      end
      // per-PE inputs: row r's COLS x LANES bits skewed r cycles, then one more per column
      // (column c uses slice c of dx[c]: synthesis removes the rest)
      /* verilator lint_off UNUSEDSIGNAL */
      wire [COLS*LANES-1:0] dx [0:COLS-1];
      /* verilator lint_on UNUSEDSIGNAL */
      if (DW != 0) begin : g_dw
        /* verilator lint_off UNUSEDSIGNAL */
        reg  [COLS*LANES-1:0] dsk_q [0:ROWS-1];   // dsk_q[k]: k + 1 cycles late (k < r used)
        /* verilator lint_on UNUSEDSIGNAL */
        reg  [COLS*LANES-1:0] dh_q  [1:COLS-1];   // dh_q[c]: c cycles east of column 0
        integer k;
        always @(posedge clk_i) begin
          dsk_q[0] <= in_xd_i[r*COLS*LANES +: COLS*LANES];
          for (k = 1; k < ROWS; k = k + 1) dsk_q[k] <= dsk_q[k-1];
        end
        assign dx[0] = (r == 0) ? in_xd_i[r*COLS*LANES +: COLS*LANES] : dsk_q[(r == 0) ? 0 : r-1];
        for (c = 1; c < COLS; c = c + 1) begin : g_h
          always @(posedge clk_i) dh_q[c] <= dx[c-1];
          assign dx[c] = dh_q[c];
        end
      end else begin : g_nodw
        /* verilator lint_off UNUSEDSIGNAL */
        wire unused_dw = dw_i ^ (^in_xd_i[r*COLS*LANES +: COLS*LANES]);
        /* verilator lint_on UNUSEDSIGNAL */
        for (c = 0; c < COLS; c = c + 1) begin : g_z
          assign dx[c] = {(COLS*LANES){1'b0}};
        end
      end
      for (c = 0; c < COLS; c = c + 1) begin : g_col
        se_pe #(.LANES(LANES), .WEIGHT_BITS(WEIGHT_BITS), .PSUM_BITS(PSUM_BITS)) u_pe (
          .clk_i   (clk_i),
          .rst_ni  (rst_ni),
          .w0_i    (w0_q[(r*COLS + c)*WEIGHT_BITS +: WEIGHT_BITS]),
          .w1_i    (w1_q[(r*COLS + c)*WEIGHT_BITS +: WEIGHT_BITS]),
          .valid_i (h_valid[r*(COLS+1) + c]),
          .bank_i  (h_bank[r*(COLS+1) + c]),
          .x_i     ((DW != 0 && dw_i) ? dx[c][c*LANES +: LANES]
                                      : h_x[(r*(COLS+1) + c)*LANES +: LANES]),
          .psum_i  (v_psum[(r*COLS + c)*PW +: PW]),
          .valid_o (h_valid[r*(COLS+1) + c + 1]),
          .bank_o  (h_bank[r*(COLS+1) + c + 1]),
          .x_o     (h_x[(r*(COLS+1) + c + 1)*LANES +: LANES]),
          .psum_o  (v_psum[((r+1)*COLS + c)*PW +: PW])
        );
      end
    end
    for (c = 0; c < COLS; c = c + 1) begin : g_top
      assign v_psum[c*PW +: PW] = {PW{1'b0}};
    end
  endgenerate

  // tags and valids to the column outputs: column c's sum of a vector entering at cycle t
  // leaves the bottom PE at t + ROWS + c (ROWS - 1 skew + c hops east + 1 register)
  localparam integer DL = ROWS + COLS - 1;
  reg  [DL-1:0]              dv_q;
  reg  [DL*META_BITS-1:0]     dm_q;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [DL:0]                 dv_n = {dv_q, in_valid_i};
  wire [(DL+1)*META_BITS-1:0] dm_n = {dm_q, in_meta_i};
  /* verilator lint_on UNUSEDSIGNAL */
  always @(posedge clk_i) begin
    if (!rst_ni) dv_q <= {DL{1'b0}};
    else         dv_q <= dv_n[DL-1:0];
  end
  always @(posedge clk_i) dm_q <= dm_n[DL*META_BITS-1:0];

  generate
    for (c = 0; c < COLS; c = c + 1) begin : g_out
      assign out_valid_o[c]                    = dv_q[ROWS + c - 1];
      assign out_meta_o[c*META_BITS +: META_BITS] = dm_q[(ROWS + c - 1)*META_BITS +: META_BITS];
      assign out_psum_o[c*PW +: PW]            = v_psum[(ROWS*COLS + c)*PW +: PW];
    end
  endgenerate
endmodule
