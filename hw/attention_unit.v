// The attention core with its tile stream (qk_first): map tiles arrive on a tile port with the
// Q rows, K and V tokens of one head over DH channels and LANES time steps; their transfer from
// the spike buffer is paced by bus credits (SBW bits per cycle: (rows + 2 keys) x dh x lanes
// bits a tile, the cycle simulator's count) and overlaps the tile before it (double buffer).
// A loaded tile then runs its Q.K^T channels (where some Q row and some K token fire) and its
// A.V channels (where some key fires), one per cycle, skipping the others; each A.V partial sum
// leaves with its channel, to be added across key tiles by the spike generator.
module attention_unit #(
  parameter integer ROWS       = 4,   // query tokens of a map tile
  parameter integer COLS       = 4,   // key tokens of a map tile
  parameter integer LANES      = 2,   // time steps side by side
  parameter integer SCORE_BITS = 8,   // map entry bits
  parameter integer DH         = 32,  // largest head dimension (channels of a tile)
  parameter integer SBW        = 16,  // spike bits per cycle reaching the core
  // derived (do not set)
  parameter integer OUT_W      = SCORE_BITS + $clog2(COLS + 1),
  parameter integer DW_        = (DH > 1) ? $clog2(DH) : 1     // channel index bits
) (
  input  wire                        clk_i,
  input  wire                        rst_ni,
  // tile port: bit (r, d, l) of q at (r*DH + d)*LANES + l, of k and v at (c*DH + d)*LANES + l;
  // bits of rows, keys, channels and lanes beyond the counts must be 0
  input  wire                        tile_valid_i,
  output wire                        tile_ready_o,
  input  wire [7:0]                  tile_nr_i,     // query rows used (1..ROWS)
  input  wire [7:0]                  tile_nm_i,     // key tokens used (1..COLS)
  input  wire [7:0]                  tile_dh_i,     // head channels (1..DH)
  input  wire [7:0]                  tile_nl_i,     // lanes used (1..LANES)
  input  wire [ROWS*DH*LANES-1:0]    tile_q_i,
  input  wire [COLS*DH*LANES-1:0]    tile_k_i,
  input  wire [COLS*DH*LANES-1:0]    tile_v_i,
  // A.V partial sums (registered in the core), with the channel they belong to
  output wire                        av_valid_o,
  output wire [ROWS*LANES*OUT_W-1:0] av_sum_o,
  output reg  [DW_-1:0]              av_ch_o,
  // status
  output wire                        busy_o,        // a channel runs this cycle (cycles_busy)
  output wire                        idle_o         // no tile loading or running, no result out
);
  localparam integer QB = ROWS * DH * LANES;
  localparam integer KB = COLS * DH * LANES;

  // ------------------------------------------------------------------ L: loading
  reg           l_v_q;
  reg [QB-1:0]  l_q_q;
  reg [KB-1:0]  l_k_q, l_v2_q;
  reg [31:0]    l_bits_q, l_cred_q;
  // ------------------------------------------------------------------ X: running
  reg           x_v_q;
  reg [QB-1:0]  x_q_q;
  reg [KB-1:0]  x_k_q, x_v2_q;
  reg           x_av_q;                          // in the A.V phase
  reg           x_clr_q;                         // no channel of this tile has run yet
  reg [DW_:0]   x_d_q;                           // next channel to look at

  // channels that run: Q.K^T where some row and some key fire, A.V where some key fires
  reg [DH-1:0] qk_ch, av_ch;
  reg          qo, ko;
  integer d, r, l;
  always @* begin
    qk_ch = {DH{1'b0}};
    av_ch = {DH{1'b0}};
    for (d = 0; d < DH; d = d + 1) begin
      qo = 1'b0;
      ko = 1'b0;
      for (r = 0; r < ROWS; r = r + 1)
        for (l = 0; l < LANES; l = l + 1)
          qo = qo | x_q_q[(r*DH + d)*LANES + l];
      for (r = 0; r < COLS; r = r + 1)
        for (l = 0; l < LANES; l = l + 1) begin
          ko = ko | x_k_q[(r*DH + d)*LANES + l];
          av_ch[d] = av_ch[d] | x_v2_q[(r*DH + d)*LANES + l];
        end
      qk_ch[d] = qo & ko;
    end
  end
  // the phase: A.V once the Q.K^T channels have run, or at once when the tile has none
  wire          av_phase = x_av_q || (qk_ch == {DH{1'b0}});
  // the first channel at or after x_d_q of the phase, and whether another follows it
  wire [DH-1:0] want = av_phase ? av_ch : qk_ch;
  reg           found, more;
  reg [DW_-1:0] ch;
  always @* begin
    found = 1'b0; more = 1'b0; ch = {DW_{1'b0}};
    for (d = 0; d < DH; d = d + 1) begin
      if (want[d] && ({1'b0, d[DW_-1:0]} >= x_d_q)) begin
        if (!found) begin
          found = 1'b1; ch = d[DW_-1:0];
        end else begin
          more = 1'b1;
        end
      end
    end
  end
  wire any_av  = (av_ch != {DH{1'b0}});
  wire run     = x_v_q && found;
  // X is done after this cycle: the A.V phase runs its last channel or has none left, or the
  // Q.K^T phase runs its last channel and no key fires a V channel
  wire x_done  = x_v_q && ((av_phase && (!found || !more)) ||
                           (!av_phase && found && !more && !any_av));
  wire l_loaded = l_v_q && (l_cred_q >= l_bits_q);
  wire x_free  = !x_v_q || x_done;
  wire l_to_x  = l_loaded && x_free;
  assign tile_ready_o = !l_v_q || l_to_x;
  wire accept  = tile_valid_i && tile_ready_o;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      l_v_q <= 1'b0; x_v_q <= 1'b0; x_av_q <= 1'b0; x_clr_q <= 1'b0; x_d_q <= {(DW_+1){1'b0}};
    end else begin
      if (accept) begin
        l_v_q <= 1'b1;
        l_q_q <= tile_q_i; l_k_q <= tile_k_i; l_v2_q <= tile_v_i;
        l_bits_q <= ({24'd0, tile_nr_i} + 32'd2 * {24'd0, tile_nm_i}) * {24'd0, tile_dh_i} *
                    {24'd0, tile_nl_i};
        l_cred_q <= SBW;                         // the first beat moves in the accept cycle
      end else if (l_to_x) begin
        l_v_q <= 1'b0;
      end else if (l_v_q && !l_loaded) begin
        l_cred_q <= l_cred_q + SBW;
      end
      if (l_to_x) begin
        x_v_q <= 1'b1; x_q_q <= l_q_q; x_k_q <= l_k_q; x_v2_q <= l_v2_q;
        x_av_q <= 1'b0; x_clr_q <= 1'b1; x_d_q <= {(DW_+1){1'b0}};
      end else if (x_done) begin
        x_v_q <= 1'b0;
      end else if (x_v_q) begin
        if (run) x_clr_q <= 1'b0;
        if (!av_phase && !more) begin           // Q.K^T phase ends: A.V from channel 0
          x_av_q <= 1'b1; x_d_q <= {(DW_+1){1'b0}};
        end else if (run) begin
          x_d_q <= {1'b0, ch} + 1'b1;
        end
      end
    end
  end

  // the channel's slices
  reg [ROWS*LANES-1:0] q_s;
  reg [COLS*LANES-1:0] k_s, v_s;
  always @* begin
    for (r = 0; r < ROWS; r = r + 1)
      for (l = 0; l < LANES; l = l + 1)
        q_s[r*LANES + l] = x_q_q[({{(32-DW_){1'b0}}, ch} + r*DH)*LANES + l];
    for (r = 0; r < COLS; r = r + 1)
      for (l = 0; l < LANES; l = l + 1) begin
        k_s[r*LANES + l] = x_k_q[({{(32-DW_){1'b0}}, ch} + r*DH)*LANES + l];
        v_s[r*LANES + l] = x_v2_q[({{(32-DW_){1'b0}}, ch} + r*DH)*LANES + l];
      end
  end

  attention_core #(
    .ROWS(ROWS), .COLS(COLS), .LANES(LANES), .SCORE_BITS(SCORE_BITS), .OUT_W(OUT_W)
  ) u_core (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .clear_i    (run && x_clr_q),
    .qk_valid_i (run && !av_phase),
    .q_i        (q_s),
    .k_i        (k_s),
    .av_valid_i (run && av_phase),
    .v_i        (v_s),
    .av_valid_o (av_valid_o),
    .av_sum_o   (av_sum_o)
  );
  always @(posedge clk_i) begin
    if (run && av_phase) av_ch_o <= ch;
  end

  assign busy_o = run;
  assign idle_o = !l_v_q && !x_v_q && !av_valid_o;
endmodule
