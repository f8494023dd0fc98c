// Flow design point (docs/flow.md, logic-on-logic as the seed partitions it): one SE unit, the
// systolic array of hw/se_array.v with what hw/se_core.v puts behind it: per column the
// ping-pong exact accumulators (two banks, one per token parity, of LANES sums of ACC_W bits,
// as se_core's g_acc with CHUNK = 1) and a LIF lane that steps the column's neuron over the
// time lanes (V chained through its register, as se_core's fire walk), with the membranes it
// keeps (one per token parity: se_core keeps them in the membrane buffer). The seed's
// logic-on-logic puts the spike generators with their membrane and accumulator state on the top
// tier and the array on the bottom: every column's partial sums cross the bonds
// (flow.py --bottom-tier u_array).
//
// What is simpler than se_core (so that a point stays a few thousand cells; graywolf is
// super-linear): no pass controller (the array's inputs and the pass flags come from ports and
// travel as the array's meta tag: bank, first pass of a token, last pass); one bit plane per
// token (no plane shift: spikes are binary past the input layer); the LIF has the formats.md
// int-mode structure at fixed configuration (F = 0, no bias, tau = 2: the decay product is a
// shift, as spike_gen folds it with DECAY_CONST = 32768, see flow.md "Not swept"):
// H = V + floor((X - V) / 2) = floor((X + V) / 2), S = H >= th, V = S ? 0 : H, X = the accumulated sum (sat_M never
// acts: ACC_W <= MEM_W, below).
module se_unit #(
  parameter integer ROWS        = 2,   // array rows (se_array)
  parameter integer COLS        = 2,   // array columns = LIF lanes (one per column)
  parameter integer LANES       = 2,   // time lanes
  parameter integer WEIGHT_BITS = 8,
  parameter integer PSUM_BITS   = 16,  // small.toml acc_bits
  parameter integer ACC_W       = 20,  // exact sum over input tiles (PSUM_BITS + 4: 16 passes)
  parameter integer MEM_W       = 24   // small.toml membrane_bits
) (
  input  wire                             clk_i,
  input  wire                             rst_ni,
  // weight tile write (se_array)
  input  wire                             wr_en_i,
  input  wire                             wr_bank_i,
  input  wire [ROWS*COLS*WEIGHT_BITS-1:0] wr_tile_i,
  // one token bit plane per cycle
  input  wire                             in_valid_i,
  input  wire                             in_bank_i,   // weight bank of the plane's tile
  input  wire [ROWS*LANES-1:0]            in_x_i,
  input  wire                             in_tok_i,    // token parity: accumulator bank
  input  wire                             in_first_i,  // first input tile of the token
  input  wire                             in_last_i,   // last input tile: fire the token
  // threshold (fixed point, common to the layer)
  input  wire [MEM_W-1:0]                 th_i,
  // spikes out: one neuron-step per column per cycle
  output reg  [COLS-1:0]                  out_valid_o,
  output reg  [COLS-1:0]                  out_spike_o
);
  localparam integer PW = LANES * PSUM_BITS;
  localparam integer MB = 3;                     // meta: {last, first, token parity}
  localparam integer LW = (LANES > 1) ? $clog2(LANES) : 1;

  wire [COLS-1:0]         col_v;
  wire [COLS*PW-1:0]      col_psum;
  wire [COLS*MB-1:0]      col_meta;

  se_array #(.ROWS(ROWS), .COLS(COLS), .LANES(LANES), .WEIGHT_BITS(WEIGHT_BITS),
             .PSUM_BITS(PSUM_BITS), .META_BITS(MB)) u_array (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .wr_en_i     (wr_en_i),
    .wr_bank_i   (wr_bank_i),
    .wr_tile_i   (wr_tile_i),
    .in_valid_i  (in_valid_i),
    .in_bank_i   (in_bank_i),
    .in_x_i      (in_x_i),
    .in_meta_i   ({in_last_i, in_first_i, in_tok_i}),
    .dw_i        (1'b0),
    .in_xd_i     ({(ROWS*COLS*LANES){1'b0}}),
    .out_valid_o (col_v),
    .out_psum_o  (col_psum),
    .out_meta_o  (col_meta)
  );

  genvar gc;
  generate
    for (gc = 0; gc < COLS; gc = gc + 1) begin : g_col
      wire            bk    = col_meta[gc*MB];
      wire            first = col_meta[gc*MB + 1];
      wire            last  = col_meta[gc*MB + 2];
      // ---- accumulators: two banks (token parity) of LANES exact sums
      reg [LANES*ACC_W-1:0] acc_q [0:1];
      reg [LANES*ACC_W-1:0] upd;
      integer ll;
      always @* begin
        for (ll = 0; ll < LANES; ll = ll + 1)
          upd[ll*ACC_W +: ACC_W] =
              (first ? {ACC_W{1'b0}} : acc_q[bk][ll*ACC_W +: ACC_W]) +
              {{(ACC_W-PSUM_BITS){col_psum[gc*PW + ll*PSUM_BITS + PSUM_BITS-1]}},
               col_psum[gc*PW + ll*PSUM_BITS +: PSUM_BITS]};
      end
      always @(posedge clk_i) if (col_v[gc]) acc_q[bk] <= upd;

      // ---- fire: a bank whose last pass has landed is stepped lane by lane
      reg [1:0]       rdy_q;
      reg             busy_q, fb_q;
      reg [LW-1:0]    lane_q;
      wire            start = !busy_q && (rdy_q != 2'b00);
      wire            sb    = rdy_q[0] ? 1'b0 : 1'b1;   // bank to start
      wire            done  = busy_q && (lane_q == LANES - 1);
      always @(posedge clk_i) begin
        if (!rst_ni) begin
          rdy_q <= 2'b00; busy_q <= 1'b0; fb_q <= 1'b0; lane_q <= {LW{1'b0}};
        end else begin
          if (start) begin busy_q <= 1'b1; fb_q <= sb; lane_q <= {LW{1'b0}}; end
          else if (busy_q) begin
            lane_q <= lane_q + 1'b1;
            if (done) busy_q <= 1'b0;
          end
          if (done) rdy_q[fb_q] <= 1'b0;
          if (col_v[gc] && last) rdy_q[bk] <= 1'b1;
        end
      end

      // ---- the LIF lane (tau = 2, F = 0, no bias)
      reg signed [MEM_W-1:0] mem_q [0:1];   // membrane per token parity
      reg signed [MEM_W-1:0] v_q;           // membrane between lane steps
      // H = V + floor((X - V) / 2) = floor((X + V) / 2) (V is an integer): one adder. X is
      // ACC_W <= MEM_W bits, so H lies between X and V and fits MEM_W bits: sat_M never acts
      // (formats.md's saturation is left out, not changed)
      localparam integer HW = MEM_W + 1;
      reg  [ACC_W-1:0] x;
      integer k;
      always @* begin
        x = acc_q[0][ACC_W-1:0];
        for (k = 0; k < 2*LANES; k = k + 1)
          if ({fb_q, lane_q} == k) x = acc_q[k / LANES][(k % LANES)*ACC_W +: ACC_W];
      end
      wire signed [MEM_W-1:0] vin = (lane_q == 0) ? mem_q[fb_q] : v_q;
      wire signed [HW-1:0] x_e = {{(HW-ACC_W){x[ACC_W-1]}}, x};
      wire signed [HW-1:0] v_e = {vin[MEM_W-1], vin};
      wire signed [HW-1:0] sum = x_e + v_e;
      wire signed [MEM_W-1:0] hm = sum[HW-1:1];
      wire spike = hm >= $signed(th_i);
      wire signed [MEM_W-1:0] vnew = spike ? {MEM_W{1'b0}} : hm;
      always @(posedge clk_i) begin
        if (busy_q) v_q <= vnew;
        if (done) mem_q[fb_q] <= vnew;
      end
      always @(posedge clk_i) begin
        if (!rst_ni) begin out_valid_o[gc] <= 1'b0; out_spike_o[gc] <= 1'b0; end
        else begin
          out_valid_o[gc] <= busy_q;
          out_spike_o[gc] <= busy_q && spike;
        end
      end
    end
  endgenerate
endmodule
