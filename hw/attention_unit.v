// The attention core with its tile stream, for both orders. Map tiles arrive on a tile port;
// their transfer from the spike buffer is paced by bus credits (SBW bits per cycle, the tile's
// bit count from the program: the cycle simulator's) and overlaps the tile before it (double
// buffer). A loaded tile runs two phases, one element per cycle, skipping the silent ones:
//   phase A (the core's Q.K^T mode): element i adds a1_i (ROWS x LANES) AND a2_i (COLS x LANES)
//     into the map, where some bit of both fires;
//   phase B (A.V mode): element i reads the map against b_i (COLS x LANES), where some bit
//     fires; its sums (ROWS x LANES) leave with i, to be added across tiles.
// qk_first: element = head channel d; a1 = the tile's Q rows, a2 = its K tokens, b = its V
//   tokens at channel d; out: query row r's partial count for channel d.
// kv_first: phase A element = token m: a1 = V_m (the tile's V channels), a2 = K_m (its K
//   channels), so the map holds K^T V transposed; phase B element = query row j: b = Q_j (the
//   K channels); out: row j's partial count for each V channel of the tile.
module attention_unit #(
  parameter integer ROWS       = 4,   // map rows: query tokens (qk_first), V channels (kv_first)
  parameter integer COLS       = 4,   // map columns: key tokens (qk_first), K channels (kv_first)
  parameter integer LANES      = 2,   // time steps side by side
  parameter integer SCORE_BITS = 8,   // map entry bits
  parameter integer NI         = 32,  // elements of a phase: head dimension (qk_first), tokens
                                      // and query rows (kv_first)
  parameter integer SBW        = 16,  // spike bits per cycle reaching the core
  // derived (do not set)
  parameter integer OUT_W      = SCORE_BITS + $clog2(COLS + 1),
  parameter integer DW_        = (NI > 1) ? $clog2(NI) : 1     // element index bits
) (
  input  wire                        clk_i,
  input  wire                        rst_ni,
  // tile port: element i's bit (r, l) of a1 at (i*ROWS + r)*LANES + l, of a2 and b at
  // (i*COLS + c)*LANES + l; bits beyond the tile's elements, rows, columns and lanes are 0
  input  wire                        tile_valid_i,
  output wire                        tile_ready_o,
  input  wire [31:0]                 tile_bits_i,   // bits the bus moves for this tile
  input  wire [NI*ROWS*LANES-1:0]    tile_a1_i,
  input  wire [NI*COLS*LANES-1:0]    tile_a2_i,
  input  wire [NI*COLS*LANES-1:0]    tile_b_i,
  // phase-B sums (registered in the core), with the element they belong to
  output wire                        av_valid_o,
  output wire [ROWS*LANES*OUT_W-1:0] av_sum_o,
  output reg  [DW_-1:0]              av_ch_o,
  // status
  output wire                        busy_o,        // a channel runs this cycle (cycles_busy)
  output wire                        idle_o         // no tile loading or running, no result out
);
  localparam integer QB = NI * ROWS * LANES;
  localparam integer KB = NI * COLS * LANES;

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

  // elements that run: phase A where some a1 and some a2 bit fire, phase B where some b fires
  reg [NI-1:0] qk_ch, av_ch;
  integer d;
  always @* begin
    for (d = 0; d < NI; d = d + 1) begin
      qk_ch[d] = (|x_q_q[d*ROWS*LANES +: ROWS*LANES]) & (|x_k_q[d*COLS*LANES +: COLS*LANES]);
      av_ch[d] = |x_v2_q[d*COLS*LANES +: COLS*LANES];
    end
  end
  // the phase: A.V once the Q.K^T channels have run, or at once when the tile has none
  wire          av_phase = x_av_q || (qk_ch == {NI{1'b0}});
  // the first channel at or after x_d_q of the phase, and whether another follows it
  wire [NI-1:0] want = av_phase ? av_ch : qk_ch;
  reg           found, more;
  reg [DW_-1:0] ch;
  always @* begin
    found = 1'b0; more = 1'b0; ch = {DW_{1'b0}};
    for (d = 0; d < NI; d = d + 1) begin
      if (want[d] && ({1'b0, d[DW_-1:0]} >= x_d_q)) begin
        if (!found) begin
          found = 1'b1; ch = d[DW_-1:0];
        end else begin
          more = 1'b1;
        end
      end
    end
  end
  wire any_av  = (av_ch != {NI{1'b0}});
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
        l_q_q <= tile_a1_i; l_k_q <= tile_a2_i; l_v2_q <= tile_b_i;
        l_bits_q <= tile_bits_i;
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

  // the running element's slices
  wire [ROWS*LANES-1:0] q_s = x_q_q[ch*ROWS*LANES +: ROWS*LANES];
  wire [COLS*LANES-1:0] k_s = x_k_q[ch*COLS*LANES +: COLS*LANES];
  wire [COLS*LANES-1:0] v_s = x_v2_q[ch*COLS*LANES +: COLS*LANES];

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
