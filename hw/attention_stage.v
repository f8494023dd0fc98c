// The attention layer inside ss_top: the attention unit (map tiles streamed from the spike
// buffer, hw/attention_unit.v, either order), accumulators that add each query row's A.V partial
// counts across key tiles (qk_first) or K-channel tiles (kv_first), and the attention LIF
// (hw/spike_gen.v in attention mode) that fires
// a segment (one head, one time chunk: every query row x head channel x lane) once its last
// tile's sums are in, with the membranes kept between a head's time chunks. Two accumulator
// banks: a segment accumulates while the one before fires. Tiles come from the controller as
// program records (src/rtl/top_program.cpp); spikes leave on out_*, SG_LANES neuron-steps a cycle.
// An accumulator entry is ROWS x LANES counts: qk_first (query-row tile, head channel), its ROWS
// the tile's query rows; kv_first (the segment's tiles say so; a chip whose tiles hold the
// tokens, NI >= TOKENS): (V-channel tile, query row), its ROWS the tile's V channels (the unit's
// map rows; the program compiler asks for a square map).
module attention_stage #(
  parameter integer ROWS       = 4,   // map rows: query rows of a tile
  parameter integer COLS       = 4,   // map columns: key tokens of a tile
  parameter integer LANES      = 2,   // time steps side by side
  parameter integer SCORE_BITS = 8,   // map entry bits
  parameter integer NI         = 24,  // elements of a tile: head channels (qk_first: the
                                      // model's largest dh), tokens and query rows (kv_first)
  parameter integer TOKENS     = 49,  // query rows of a segment at most (the model's tokens)
  parameter integer DH         = NI,  // head channels at most (the model's largest dh)
  parameter integer SBW        = 16,  // spike bits per cycle reaching the attention unit
  parameter integer SG_LANES   = 4,   // LIF lanes (<= every head's dh)
  parameter integer MEM_W      = 24,  // membrane bits
  parameter integer TOK_W      = 12,  // token index bits
  parameter integer CH_W       = 12,  // channel index bits
  parameter integer T_W        = 6,   // time-step bits
  parameter integer CFG_W      = 6,   // bits of A and F
  // derived (do not set)
  parameter integer OUT_W      = SCORE_BITS + $clog2(COLS + 1),
  parameter integer NRT        = (TOKENS + ROWS - 1) / ROWS,  // query-row tiles
  parameter integer NVT        = (DH + ROWS - 1) / ROWS,      // V-channel tiles (kv_first)
  parameter integer NKT        = (TOKENS + COLS - 1) / COLS,  // key tiles (kv_first: K-channel
                                                              // tiles, no more)
  // accumulator entries per bank: qk_first's, or kv_first's if more (a kv_first chip)
  parameter integer EPB        = (NI >= TOKENS && NVT * TOKENS > NRT * DH) ? NVT * TOKENS :
                                                                             NRT * DH,
  parameter integer AW         = OUT_W + $clog2(NKT + 1),     // a row's count over all key tiles
  parameter integer DI_W       = (NI > 1) ? $clog2(NI) : 1
) (
  input  wire                        clk_i,
  input  wire                        rst_ni,
  // the attention layer's configuration (its layer record): the attention LIF's constants
  input  wire [CFG_W-1:0]            cfg_acc_bits_i,
  input  wire [CFG_W-1:0]            cfg_frac_bits_i,
  input  wire [16:0]                 cfg_decay_i,
  input  wire [15:0]                 cfg_scale_i,     // llround(attn_scale * 2^F)
  input  wire [MEM_W-1:0]            cfg_th_i,        // the attention threshold, fixed point
  // tile port (a tile record's fields, ss_top decodes them)
  input  wire                        tile_valid_i,
  output wire                        tile_ready_o,
  input  wire [15:0]                 tile_bits_i,     // bits the bus moves for the tile
  input  wire [7:0]                  tile_rt_i,       // query-row tile: rows rt*ROWS ..
                                                      // (kv_first: V channels rt*ROWS ..)
  input  wire                        tile_kv_i,       // kv_first (the segment's order)
  input  wire                        tile_seg_first_i,// first tile of a segment
  input  wire                        tile_seg_last_i, // last tile of a segment: it fires after it
  input  wire [7:0]                  tile_nl_i,       // the segment's lanes (steps of its chunk)
  input  wire [7:0]                  tile_nrows_i,    // the segment's query rows
  input  wire [7:0]                  tile_dh_i,       // the head's channels
  input  wire                        tile_tc_first_i, // the head's first time chunk (V = 0)
  input  wire [T_W-1:0]              tile_t0_i,       // the segment's first time step
  input  wire [CH_W-1:0]             tile_c0_i,       // the head's first output channel
  input  wire [NI*ROWS*LANES-1:0]    tile_a1_i,       // Q rows per channel (attention_unit;
                                                      // kv_first: V channels per token)
  input  wire [NI*COLS*LANES-1:0]    tile_a2_i,       // K tokens per channel (K channels)
  input  wire [NI*COLS*LANES-1:0]    tile_b_i,        // V tokens per channel (kv_first: the
                                                      // K channels per query row)
  // spikes: every neuron-step of the layer (token = index in the layer's row list)
  output wire [SG_LANES-1:0]         out_valid_o,
  output wire [SG_LANES-1:0]         out_spike_o,
  output reg  [SG_LANES*TOK_W-1:0]   out_tok_o,
  output reg  [SG_LANES*CH_W-1:0]    out_ch_o,
  output reg  [SG_LANES*T_W-1:0]     out_t_o,
  // status
  output wire                        busy_o,          // a channel runs (cycles_busy)
  output wire                        drained_o        // every tile given has run and fired
);
  localparam integer TD = 4;                          // tags: tiles in the unit or finishing
  localparam integer EB = ROWS * LANES * AW;          // one accumulator entry: a channel's rows
  localparam integer NA = 2 * EPB;                    // accumulator entries (two banks)
  localparam integer AA_W = $clog2(NA);
  localparam integer NM = TOKENS * DH;                // membranes
  localparam integer MA_W = $clog2(NM);

  // ------------------------------------------------------------------ the attention unit
  wire                        u_ready, u_av_valid, u_idle;
  wire [ROWS*LANES*OUT_W-1:0] u_av_sum;
  wire [DI_W-1:0]             u_av_ch;

  // ------------------------------------------------------------------ tags: one per tile
  // accepted, in order, until its A.V sums are all in (n_av: its phase-B channels)
  reg [7:0]    tg_rt_q   [0:TD-1];
  reg [DI_W:0] tg_rem_q  [0:TD-1];
  reg          tg_last_q [0:TD-1];
  reg          tg_bank_q [0:TD-1];
  reg [1:0]    tg_hd_q, tg_tl_q;
  reg [2:0]    tg_cnt_q;

  // accumulate bank of the segment being loaded; banks in use (accumulating or firing)
  reg          abank_q;
  reg [1:0]    bocc_q;
  // per bank: the segment's constants
  reg [7:0]    sm_nl_q [0:1];
  reg [7:0]    sm_nrows_q [0:1];
  reg [7:0]    sm_dh_q [0:1];
  reg          sm_tcf_q [0:1];
  reg          sm_kv_q [0:1];
  reg [T_W-1:0]  sm_t0_q [0:1];
  reg [CH_W-1:0] sm_c0_q [0:1];

  wire   bank_ok = !tile_seg_first_i || !bocc_q[abank_q];
  assign tile_ready_o = u_ready && (tg_cnt_q < TD[2:0]) && bank_ok;
  wire   accept = tile_valid_i && tile_ready_o;

  // phase-B channels of the tile offered
  reg [DI_W:0] n_av;
  integer i;
  always @* begin
    n_av = {(DI_W+1){1'b0}};
    for (i = 0; i < NI; i = i + 1)
      n_av = n_av + {{DI_W{1'b0}}, |tile_b_i[i*COLS*LANES +: COLS*LANES]};
  end

  // the tag an A.V sum belongs to: the oldest with sums still to come
  reg       cur_ok;
  reg [1:0] cur;
  reg [1:0] ti;
  always @* begin
    cur_ok = 1'b0; cur = tg_hd_q; ti = tg_hd_q;
    for (i = 0; i < TD; i = i + 1) begin
      ti = tg_hd_q + i[1:0];
      if (!cur_ok && i[2:0] < tg_cnt_q && tg_rem_q[ti] != {(DI_W+1){1'b0}}) begin
        cur_ok = 1'b1; cur = ti;
      end
    end
  end
  wire pop = (tg_cnt_q != 3'd0) && (tg_rem_q[tg_hd_q] == {(DI_W+1){1'b0}});

  // ------------------------------------------------------------------ accumulators
  reg [EB-1:0]  acc_q [0:NA-1];
  reg [NA-1:0]  wf_q;                               // entry written in its segment
  // qk_first: (row tile, channel); kv_first: (V-channel tile, query row)
  /* verilator lint_off WIDTH */
  wire [AA_W-1:0] av_addr = {{(AA_W-1){1'b0}}, tg_bank_q[cur]} * EPB +
                            (sm_kv_q[tg_bank_q[cur]] ? tg_rt_q[cur] * TOKENS + u_av_ch :
                                                       tg_rt_q[cur] * DH + u_av_ch);
  /* verilator lint_on WIDTH */
  wire [EB-1:0] av_old = wf_q[av_addr] ? acc_q[av_addr] : {EB{1'b0}};
  reg  [EB-1:0] av_new;
  always @* begin
    for (i = 0; i < ROWS * LANES; i = i + 1)
      av_new[i*AW +: AW] = av_old[i*AW +: AW] +
                           {{(AW-OUT_W){1'b0}}, u_av_sum[i*OUT_W +: OUT_W]};
  end

  // ------------------------------------------------------------------ firing
  reg [1:0]     freq_q;                             // per bank: its segment is ready to fire
  reg           fire_q, fb_q;                       // firing; the bank fired (or next)
  reg [7:0]     fj_q, fjt_q, fjr_q, fd_q, fl_q;     // round's first neuron (row, row tile, row in
                                                    // tile, channel), step
  wire [7:0]    nl = sm_nl_q[fb_q], nrows = sm_nrows_q[fb_q], dh = sm_dh_q[fb_q];
  wire          round_end = (fl_q == nl - 8'd1);
  // the next round's first neuron
  wire [8:0]    nd_s = {1'b0, fd_q} + SG_LANES[8:0];
  wire          nwrap = (nd_s >= {1'b0, dh});
  wire [7:0]    nd = nwrap ? nd_s[7:0] - dh : nd_s[7:0];
  wire [7:0]    nj = fj_q + {7'd0, nwrap};
  wire          njw = nwrap && (fjr_q == ROWS[7:0] - 8'd1);
  wire          fire_end = fire_q && round_end && (nj >= nrows);
  // a segment fires once its sums are in and its last tile has left the unit: the unit is idle,
  // or a later segment's tile is in it (a trailing tile without A.V channels has no sums to
  // wait for, yet the simulator fires after it; hidden behind the next segment's tiles)
  wire          fire_start = !fire_q && freq_q[fb_q] && (u_idle || tg_cnt_q != 3'd0);

  // membranes between a head's time chunks
  reg [MEM_W-1:0] mem_q [0:NM-1];
  reg             wr_q;                              // the round's last step is out: write back
  reg [SG_LANES*MA_W-1:0] wr_ma_q;

  // this cycle's neuron-steps: lane u is neuron (row, channel) of the round's first + u
  reg [SG_LANES-1:0]       s_valid;
  reg [SG_LANES*32-1:0]    s_acc;
  reg [SG_LANES*MEM_W-1:0] s_v, s_th;
  reg [SG_LANES*8-1:0]     s_j, s_d;
  reg [SG_LANES*MA_W-1:0]  s_ma;
  wire [SG_LANES-1:0]       g_valid, g_spike;
  wire [SG_LANES*MEM_W-1:0] g_v;
  reg  [8:0] ud;
  reg  [7:0] uj, ujt, ujr, ud8, usr;
  reg        uw;
  reg  [AA_W-1:0] ua;
  reg  [EB-1:0]   ue;
  reg  [MA_W-1:0] um;
  always @* begin
    s_valid = {SG_LANES{1'b0}};
    s_acc = {(SG_LANES*32){1'b0}};
    s_v = {(SG_LANES*MEM_W){1'b0}};
    s_th = {SG_LANES{cfg_th_i}};
    s_j = {(SG_LANES*8){1'b0}};
    s_d = {(SG_LANES*8){1'b0}};
    s_ma = {(SG_LANES*MA_W){1'b0}};
    ud = 9'd0; uj = 8'd0; ujt = 8'd0; ujr = 8'd0; ud8 = 8'd0; usr = 8'd0; uw = 1'b0;
    ua = {AA_W{1'b0}}; ue = {EB{1'b0}}; um = {MA_W{1'b0}};
    for (i = 0; i < SG_LANES; i = i + 1) begin
      ud  = {1'b0, fd_q} + i[8:0];
      uw  = (ud >= {1'b0, dh});
      ud8 = uw ? ud[7:0] - dh : ud[7:0];
      uj  = fj_q + {7'd0, uw};
      ujr = (uw && fjr_q == ROWS[7:0] - 8'd1) ? 8'd0 : fjr_q + {7'd0, uw};
      ujt = fjt_q + {7'd0, uw && fjr_q == ROWS[7:0] - 8'd1};
      /* verilator lint_off WIDTH */
      // the neuron's entry and its row in it: qk_first (row tile, channel), row in the tile;
      // kv_first (V-channel tile, query row), channel in the tile
      if (sm_kv_q[fb_q]) begin
        ua  = {{(AA_W-1){1'b0}}, fb_q} * EPB + (ud8 / ROWS) * TOKENS + uj;
        usr = ud8 % ROWS;
      end else begin
        ua  = {{(AA_W-1){1'b0}}, fb_q} * EPB + ujt * DH + ud8;
        usr = ujr;
      end
      um  = uj * DH + ud8;
      ue  = wf_q[ua] ? acc_q[ua] : {EB{1'b0}};
      s_valid[i] = fire_q && (uj < nrows);
      s_acc[i*32 +: 32] = {{(32-AW){1'b0}}, ue[(usr*LANES + fl_q)*AW +: AW]};
      /* verilator lint_on WIDTH */
      if (fl_q != 8'd0)          s_v[i*MEM_W +: MEM_W] = g_v[i*MEM_W +: MEM_W];
      else if (!sm_tcf_q[fb_q])  s_v[i*MEM_W +: MEM_W] = mem_q[um];
      s_j[i*8 +: 8]       = uj;
      s_d[i*8 +: 8]       = ud8;
      s_ma[i*MA_W +: MA_W] = um;
    end
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      tg_hd_q <= 2'd0; tg_tl_q <= 2'd0; tg_cnt_q <= 3'd0;
      abank_q <= 1'b0; bocc_q <= 2'b00; freq_q <= 2'b00; fire_q <= 1'b0; fb_q <= 1'b0;
      wf_q <= {NA{1'b0}}; wr_q <= 1'b0;
    end else begin
      // tiles in: a tag, the segment's constants, its bank
      if (accept) begin
        tg_rt_q[tg_tl_q] <= tile_rt_i;
        tg_rem_q[tg_tl_q] <= n_av;
        tg_last_q[tg_tl_q] <= tile_seg_last_i;
        tg_bank_q[tg_tl_q] <= abank_q;
        tg_tl_q <= tg_tl_q + 2'd1;
        if (tile_seg_first_i) begin
          bocc_q[abank_q] <= 1'b1;
          sm_nl_q[abank_q] <= tile_nl_i; sm_nrows_q[abank_q] <= tile_nrows_i;
          sm_dh_q[abank_q] <= tile_dh_i; sm_tcf_q[abank_q] <= tile_tc_first_i;
          sm_kv_q[abank_q] <= tile_kv_i;
          sm_t0_q[abank_q] <= tile_t0_i; sm_c0_q[abank_q] <= tile_c0_i;
        end
        if (tile_seg_last_i) abank_q <= !abank_q;
      end
      tg_cnt_q <= tg_cnt_q + {2'd0, accept} - {2'd0, pop};
      if (pop) begin
        tg_hd_q <= tg_hd_q + 2'd1;
        if (tg_last_q[tg_hd_q]) freq_q[tg_bank_q[tg_hd_q]] <= 1'b1;
      end
      // A.V sums into the accumulators
      if (u_av_valid) begin
        tg_rem_q[cur] <= tg_rem_q[cur] - 1'b1;
        wf_q[av_addr] <= 1'b1;
      end
      // firing: rounds of SG_LANES neurons, each stepping the segment's lanes
      if (fire_start) begin
        fire_q <= 1'b1; freq_q[fb_q] <= 1'b0;
        fj_q <= 8'd0; fjt_q <= 8'd0; fjr_q <= 8'd0; fd_q <= 8'd0; fl_q <= 8'd0;
      end else if (fire_q) begin
        if (!round_end) begin
          fl_q <= fl_q + 8'd1;
        end else begin
          fl_q <= 8'd0; fd_q <= nd; fj_q <= nj;
          fjr_q <= njw ? 8'd0 : fjr_q + {7'd0, nwrap};
          fjt_q <= fjt_q + {7'd0, njw};
        end
        if (fire_end) begin                         // the bank is free for a later segment
          fire_q <= 1'b0; fb_q <= !fb_q; bocc_q[fb_q] <= 1'b0;
          wf_q[fb_q * EPB +: EPB] <= {EPB{1'b0}};
        end
      end
      wr_q <= fire_q && round_end;
    end
  end
  always @(posedge clk_i) begin
    if (u_av_valid) acc_q[av_addr] <= av_new;
    wr_ma_q <= s_ma;
    for (i = 0; i < SG_LANES; i = i + 1) begin
      out_tok_o[i*TOK_W +: TOK_W] <= {{(TOK_W-8){1'b0}}, s_j[i*8 +: 8]};
      out_ch_o[i*CH_W +: CH_W]    <= sm_c0_q[fb_q] + {{(CH_W-8){1'b0}}, s_d[i*8 +: 8]};
      out_t_o[i*T_W +: T_W]       <= sm_t0_q[fb_q] + fl_q[T_W-1:0];
      if (wr_q && g_valid[i]) mem_q[wr_ma_q[i*MA_W +: MA_W]] <= g_v[i*MEM_W +: MEM_W];
    end
  end

  attention_unit #(
    .ROWS(ROWS), .COLS(COLS), .LANES(LANES), .SCORE_BITS(SCORE_BITS), .NI(NI), .SBW(SBW)
  ) u_unit (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .tile_valid_i (accept),
    .tile_ready_o (u_ready),
    .tile_bits_i  ({16'd0, tile_bits_i}),
    .tile_a1_i    (tile_a1_i),
    .tile_a2_i    (tile_a2_i),
    .tile_b_i     (tile_b_i),
    .av_valid_o   (u_av_valid),
    .av_sum_o     (u_av_sum),
    .av_ch_o      (u_av_ch),
    .busy_o       (busy_o),
    .idle_o       (u_idle)
  );

  spike_gen #(
    .LANES(SG_LANES), .ACC_W(32), .BIAS_W(32), .CUR_W(32), .MEM_W(MEM_W), .CFG_W(CFG_W)
  ) u_lif (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .cfg_acc_bits_i   (cfg_acc_bits_i),
    .cfg_frac_bits_i  (cfg_frac_bits_i),
    .cfg_attn_i       (1'b1),
    .cfg_attn_scale_i (cfg_scale_i),
    .cfg_decay_i      (cfg_decay_i),
    .valid_i          (s_valid),
    .acc_i            (s_acc),
    .bias_i           ({(SG_LANES*32){1'b0}}),
    .th_i             (s_th),
    .v_i              (s_v),
    .valid_o          (g_valid),
    .spike_o          (g_spike),
    .v_o              (g_v)
  );
  assign out_valid_o = g_valid;
  assign out_spike_o = g_spike;

  assign drained_o = u_idle && (tg_cnt_q == 3'd0) && (freq_q == 2'b00) && !fire_q &&
                     (g_valid == {SG_LANES{1'b0}});
endmodule
