// Attention core (qk_first): a ROWS x COLS map tile of SCORE_BITS counts per time lane, built
// by Q.K^T (AND + count, one head channel per cycle), then read by A.V (one V channel per cycle).
module attention_core #(
  parameter integer ROWS       = 4,  // query tokens of a map tile
  parameter integer COLS       = 4,  // key tokens of a map tile
  parameter integer LANES      = 2,  // time steps processed side by side
  parameter integer SCORE_BITS = 8,  // bits of a map entry; counts saturate at 2^SCORE_BITS - 1
  // bits of one A.V partial sum: COLS entries of at most 2^SCORE_BITS - 1
  parameter integer OUT_W      = SCORE_BITS + $clog2(COLS + 1)
) (
  input  wire                        clk_i,
  input  wire                        rst_ni,     // active-low synchronous reset (clears the map)
  // map control: clear_i makes the tile zero from this cycle on: a Q.K^T channel in the same
  // cycle starts the new tile, an A.V channel in the same cycle reads zeros (so a tile costs
  // no extra cycle for its clear, whichever mode its first channel is in)
  input  wire                        clear_i,
  // Q.K^T mode: one head channel; bit r*LANES + l is query token r (key token c) at lane l
  input  wire                        qk_valid_i,
  input  wire [ROWS*LANES-1:0]       q_i,
  input  wire [COLS*LANES-1:0]       k_i,
  // A.V mode: one V channel d; bit c*LANES + l is key token c at lane l
  input  wire                        av_valid_i,
  input  wire [COLS*LANES-1:0]       v_i,
  // A.V result, registered: sum_c map[r][c][l] * v[c][l] at bits (r*LANES + l)*OUT_W
  output reg                         av_valid_o,
  output reg  [ROWS*LANES*OUT_W-1:0] av_sum_o
);
  localparam integer ENTRIES = ROWS * COLS * LANES;  // entry (r, c, l) at index (r*COLS + c)*LANES + l
  localparam [SCORE_BITS-1:0] SCORE_MAX = {SCORE_BITS{1'b1}};

  reg  [ENTRIES*SCORE_BITS-1:0] map_q;
  wire [ENTRIES*SCORE_BITS-1:0] map_d;

  genvar r, c, l;
  generate
    // Q.K^T: every entry adds q[r][l] & k[c][l], saturating (never wraps)
    for (r = 0; r < ROWS; r = r + 1) begin : g_row
      for (c = 0; c < COLS; c = c + 1) begin : g_col
        for (l = 0; l < LANES; l = l + 1) begin : g_lane
          localparam integer E = (r * COLS + c) * LANES + l;
          wire [SCORE_BITS-1:0] cur = map_q[E*SCORE_BITS +: SCORE_BITS];
          wire                  hit = qk_valid_i & q_i[r*LANES + l] & k_i[c*LANES + l];
          reg  [SCORE_BITS-1:0] nxt;
          always @* begin
            nxt = clear_i ? {SCORE_BITS{1'b0}} : cur;
            if (hit && nxt != SCORE_MAX) nxt = nxt + 1'b1;
          end
          assign map_d[E*SCORE_BITS +: SCORE_BITS] = nxt;
        end
      end
    end
  endgenerate

  // (reset entry by entry: one replication of the whole map is beyond 8 k bits at paper size)
  integer ei;
  always @(posedge clk_i) begin
    if (!rst_ni)
      for (ei = 0; ei < ENTRIES; ei = ei + 1)
        map_q[ei*SCORE_BITS +: SCORE_BITS] <= {SCORE_BITS{1'b0}};
    else if (clear_i | qk_valid_i) map_q <= map_d;
  end

  // A.V: per (row, lane) the sum of the entries whose key token spikes in this V channel
  reg [ROWS*LANES*OUT_W-1:0] av_sum_d;
  integer ri, ci, li;
  always @* begin
    av_sum_d = {(ROWS*LANES*OUT_W){1'b0}};
    for (ri = 0; ri < ROWS; ri = ri + 1)
      for (li = 0; li < LANES; li = li + 1)
        for (ci = 0; ci < COLS; ci = ci + 1)
          if (v_i[ci*LANES + li] && !clear_i)
            av_sum_d[(ri*LANES + li)*OUT_W +: OUT_W] = av_sum_d[(ri*LANES + li)*OUT_W +: OUT_W]
                + {{(OUT_W-SCORE_BITS){1'b0}}, map_q[((ri*COLS + ci)*LANES + li)*SCORE_BITS +: SCORE_BITS]};
  end

  always @(posedge clk_i) begin
    if (!rst_ni) av_valid_o <= 1'b0;
    else         av_valid_o <= av_valid_i;
  end
  // data registers carry no reset: av_valid_o qualifies them
  always @(posedge clk_i) begin
    if (av_valid_i) av_sum_o <= av_sum_d;
  end
endmodule
