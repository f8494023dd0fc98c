// One spiking-expert (SE) core: the systolic array, its accumulators and the fused spike
// generator, run by a pass controller. Executes the weight-layer passes of docs/sim.md in
// program order: load (bus) -> armed (weights in the array's spare bank) -> issue -> fire.
//
// A pass is one ROWS x COLS weight tile over one chunk of tokens and LANES time steps. Its
// weight tile and spike tile arrive through the op port; their transfer is paced by bus
// credits (WBW / SBW bits per cycle, the shares of the weight and spike buffers' bandwidth
// this core gets), so a pass's load takes ceil(bits / width) cycles and overlaps the passes
// before it (double buffering). Tokens whose tile input is zero in every row, lane and plane
// are skipped; any other costs one cycle per bit plane. After the last input tile of a chunk
// the spike generator runs membrane update, fire and reset for every (token, column, lane),
// overlapping the next chunk (the accumulators are ping-pong). Membranes live in the
// membrane buffer (two-port, synchronous read) reached through the mem_* ports.
//
// Two layer modes besides the plain weight layer (cfg_*_i, static during a layer):
// - depthwise gate (cfg_dw_i, needs DW = 1): every PE gets its own spike (column c = channel c,
//   row r = tap r); the spike tile then holds ROWS x COLS x LANES bits per token.
// - classification head (cfg_head_i): every token and lane of a chunk adds into one
//   accumulator per column (class); firing adds the class sums to the partial sums kept in the
//   membrane buffer between time chunks (no decay, no threshold) and, in the last time chunk,
//   puts them on out_acc_o (out_valid_o, no spike) for the scorer (router_topk, K = 1).
// An op with op_wkeep_i continues the previous op's pass with the weights already in the array
// (no weight load): a pass over more tokens than one spike tile holds (the head: all tokens).
module se_core #(
  parameter integer ROWS        = 4,   // array rows: input channels per pass
  parameter integer COLS        = 4,   // array columns: output neurons per pass
  parameter integer LANES       = 2,   // time steps per weight fetch
  parameter integer WEIGHT_BITS = 8,   // signed weights
  parameter integer PSUM_BITS   = 16,  // column sum of one plane: >= WEIGHT_BITS + log2(ROWS) + 1
  parameter integer ACC_W       = 32,  // exact accumulator (sum over all input tiles and planes)
  parameter integer MEM_W       = 24,  // membrane bits (model quant.mem_bits)
  parameter integer BIAS_W      = 32,  // fixed-point bias
  parameter integer SG_LANES    = 4,   // spike-generator neuron-steps per cycle
  parameter integer CHUNK       = 4,   // tokens per chunk: acc_entries / COLS
  parameter integer PLANES      = 8,   // most bit planes of an input value (8-bit pixels)
  parameter integer WBW         = 32,  // weight bits per cycle reaching this core alone (a pass
                                       // needs its weight bits x cfg_wshare_i at WBW a cycle)
  parameter integer SBW         = 64,  // spike bits per cycle reaching this core
  parameter integer TOK_W       = 12,  // bits of a token index within the layer
  parameter integer CH_W        = 12,  // bits of an output channel index
  parameter integer T_W         = 6,   // bits of a time step
  parameter integer CFG_W       = 6,   // bits of the runtime A and F
  parameter integer DW          = 0,   // 1: the depthwise gate's per-PE inputs are built in
  // spike-tile bits per token (derived; do not set): PLANES x ROWS x LANES, or the depthwise
  // gate's ROWS x COLS x LANES when that is more
  parameter integer TOKB        = (DW != 0 && COLS > PLANES) ? ROWS*COLS*LANES : PLANES*ROWS*LANES
) (
  input  wire                              clk_i,
  input  wire                              rst_ni,
  // layer configuration (stable during a layer)
  input  wire [CFG_W-1:0]                  cfg_acc_bits_i,   // A
  input  wire [CFG_W-1:0]                  cfg_frac_bits_i,  // F
  input  wire [16:0]                       cfg_decay_i,      // llround(2^16 / tau)
  input  wire                              cfg_dw_i,         // depthwise gate (DW = 1 only)
  input  wire                              cfg_head_i,       // classification head
  input  wire [7:0]                        cfg_wshare_i,     // cores sharing the weight buffer:
                                                             // a pass loads wbits x this at WBW
                                                             // credits a cycle (1: all to itself)
  input  wire [7:0]                        cfg_sshare_i,     // cores sharing the spike buffer
                                                             // with different tiles: spike bits x
                                                             // this at SBW a cycle (1: broadcast)
  // pass program: one op per pass, with its weight tile and spike tile
  input  wire                              op_valid_i,
  output wire                              op_ready_o,
  input  wire [7:0]                        op_ntok_i,     // tokens in this chunk (<= CHUNK)
  input  wire [3:0]                        op_planes_i,   // bit planes of the input (1..PLANES)
  input  wire [7:0]                        op_nl_i,       // time lanes used (1..LANES)
  input  wire [7:0]                        op_steps_i,    // LIF steps per neuron: op_nl_i, or T
                                                          // when one lane is integrated (pixels)
  input  wire [15:0]                       op_ru_i,       // rows used (1..ROWS)
  input  wire [15:0]                       op_cu_i,       // columns used (1..COLS)
  input  wire                              op_first_i,    // first input tile of the chunk
  input  wire                              op_last_i,     // last input tile: fire the chunk
  input  wire                              op_tc_first_i, // first time chunk: membranes start 0
  input  wire                              op_tc_last_i,  // last time chunk: membranes not saved
  input  wire                              op_wkeep_i,    // same weights as the previous op
  input  wire                              op_dep_i,      // the spike tile is the output of
                                                          // the ops before: its transfer starts
                                                          // once they have all fired (drained_o);
                                                          // the weight tile loads at once
  input  wire                              hold_i,        // a spike tile waiting with op_dep_i
                                                          // also waits while this is high (the
                                                          // other cores still run the layer
                                                          // before; 0 with one core)
  input  wire [T_W-1:0]                    op_t0_i,       // time step of lane 0
  input  wire [TOK_W-1:0]                  op_j0_i,       // index of the chunk's first token
  input  wire [CH_W-1:0]                   op_o0_i,       // first output channel of the tile
  input  wire [ROWS*COLS*WEIGHT_BITS-1:0]  op_wtile_i,    // PE (r, c) at r*COLS + c; unused 0
  input  wire [CHUNK*TOKB-1:0]             op_stile_i,    // token j, plane p, row r, lane l at
                                                          // j*TOKB + (p*ROWS + r)*LANES + l;
                                                          // depthwise: PE (r, c) at
                                                          // j*TOKB + (r*COLS + c)*LANES + l
  input  wire [COLS*BIAS_W-1:0]            op_bias_i,     // per column of the tile
  input  wire [COLS*MEM_W-1:0]             op_th_i,
  // membrane buffer (two ports; read data the cycle after the request)
  output reg  [SG_LANES-1:0]               mem_rd_en_o,
  output reg  [SG_LANES*TOK_W-1:0]         mem_rd_tok_o,
  output reg  [SG_LANES*CH_W-1:0]          mem_rd_ch_o,
  input  wire [SG_LANES*MEM_W-1:0]         mem_rd_data_i,
  output reg  [SG_LANES-1:0]               mem_wr_en_o,
  output reg  [SG_LANES*TOK_W-1:0]         mem_wr_tok_o,
  output reg  [SG_LANES*CH_W-1:0]          mem_wr_ch_o,
  output reg  [SG_LANES*MEM_W-1:0]         mem_wr_data_o,
  // output spikes, one neuron-step per spike-generator lane
  output wire [SG_LANES-1:0]               out_valid_o,
  output wire [SG_LANES-1:0]               out_spike_o,
  output reg  [SG_LANES*TOK_W-1:0]         out_tok_o,
  output reg  [SG_LANES*CH_W-1:0]          out_ch_o,
  output reg  [SG_LANES*T_W-1:0]           out_t_o,
  output reg  [SG_LANES*ACC_W-1:0]         out_acc_o,     // head: the class sum (else 0)
  // status
  output wire                              idle_o,        // nothing loaded, issued or firing
  output wire                              drained_o,     // every op before the one in the load
                                                          // stage (if it waits with op_dep_i)
                                                          // has issued and fired: the layer
                                                          // configuration may change next cycle
  output wire                              issue_o        // a vector enters the array (busy)
);
  localparam integer JW   = (CHUNK > 1) ? $clog2(CHUNK) : 1;
  localparam integer WT   = ROWS * COLS * WEIGHT_BITS;
  localparam integer VEC  = ROWS * LANES;                 // one token bit plane
  localparam integer DWB  = ROWS * COLS * LANES;         // one token of the depthwise gate
  localparam integer ST   = CHUNK * TOKB;
  localparam integer SKEW = ROWS + COLS - 2;             // last PE reads SKEW cycles after entry
  localparam [15:0]  SKEW16 = SKEW[15:0];
  localparam integer MB   = 1 + 1 + JW + 4;              // meta: marker, bank, token, plane
  localparam integer PW   = LANES * PSUM_BITS;

  // ------------------------------------------------------------------ pass records
  // Fields of a pass kept by every stage (L: loading, N: armed, A: issuing).
  reg            l_v_q, n_v_q, a_v_q;
  reg [7:0]      l_ntok_q, n_ntok_q, a_ntok_q;
  reg [3:0]      l_pl_q, n_pl_q, a_pl_q;
  reg [7:0]      l_nl_q, n_nl_q, a_nl_q;
  reg [7:0]      l_ns_q, n_ns_q, a_ns_q;      // LIF steps
  reg [15:0]     l_cu_q, n_cu_q, a_cu_q;
  reg            l_first_q, n_first_q, a_first_q;
  reg            l_last_q, n_last_q, a_last_q;
  reg            l_tcf_q, n_tcf_q, a_tcf_q;
  reg            l_tcl_q, n_tcl_q, a_tcl_q;
  reg [T_W-1:0]  l_t0_q, n_t0_q, a_t0_q;
  reg [TOK_W-1:0] l_j0_q, n_j0_q, a_j0_q;
  reg [CH_W-1:0] l_o0_q, n_o0_q, a_o0_q;
  reg            l_wb_q, n_wb_q, a_wb_q;      // weight bank
  reg            l_ab_q, n_ab_q, a_ab_q;      // accumulator bank (chunk parity)
  reg [ST-1:0]   l_st_q, n_st_q, a_st_q;
  reg            l_wk_q;                      // keeps the previous op's weights
  reg            l_dep_q;                     // spike tile waits for the ops before (op_dep_i)
  reg [15:0]     l_ru_q;
  reg [COLS*BIAS_W-1:0] l_bias_q, n_bias_q, a_bias_q;
  reg [COLS*MEM_W-1:0]  l_th_q, n_th_q, a_th_q;
  reg [WT-1:0]   l_wt_q;
  reg [31:0]     l_wbits_q, l_wcred_q, l_scred_q;
  reg            wbank_next_q;                // bank of the next op accepted
  reg            abank_q;                     // accumulator bank of the current chunk

  // ------------------------------------------------------------------ issue stage
  reg [JW-1:0]   a_j_q;                       // token being issued
  reg [3:0]      a_p_q;                       // its plane

  // non-zero tokens of the active tile
  reg [CHUNK-1:0] a_nz;
  integer jj;
  always @* begin
    for (jj = 0; jj < CHUNK; jj = jj + 1) begin
      a_nz[jj] = 1'b0;
      a_nz[jj] = |a_st_q[jj*TOKB +: TOKB];
      if (jj >= a_ntok_q) a_nz[jj] = 1'b0;
    end
  end
  // first active token at or after a_j_q (a_j_q itself when a_started_q) and the one after it
  reg          cur_found, nxt_found;
  reg [JW-1:0] cur_j, nxt_j;
  always @* begin
    cur_found = 1'b0; cur_j = {JW{1'b0}};
    nxt_found = 1'b0; nxt_j = {JW{1'b0}};
    for (jj = 0; jj < CHUNK; jj = jj + 1) begin
      if (!cur_found && a_nz[jj] && (jj >= a_j_q)) begin
        cur_found = 1'b1; cur_j = jj[JW-1:0];
      end else if (cur_found && !nxt_found && a_nz[jj]) begin
        nxt_found = 1'b1; nxt_j = jj[JW-1:0];
      end
    end
  end

  // fire queue (two entries, one per accumulator bank), declared before its use
  reg            fq_v_q [0:1];
  reg            fq_rdy_q [0:1];             // the chunk's last accumulation has landed
  reg [7:0]      fq_ntok_q [0:1];
  reg [7:0]      fq_nl_q [0:1];
  reg [7:0]      fq_ns_q [0:1];
  reg [15:0]     fq_cu_q [0:1];
  reg            fq_tcf_q [0:1], fq_tcl_q [0:1];
  reg [T_W-1:0]  fq_t0_q [0:1];
  reg [TOK_W-1:0] fq_j0_q [0:1];
  reg [CH_W-1:0] fq_o0_q [0:1];
  reg [COLS*BIAS_W-1:0] fq_bias_q [0:1];
  reg [COLS*MEM_W-1:0]  fq_th_q [0:1];

  // something of the ops before the load stage is still armed, issuing, accumulating or firing
  wire rest_busy;

  // A may issue: a new chunk needs its accumulator bank's previous chunk fired
  wire a_bank_ok = !(a_first_q && fq_v_q[a_ab_q]);
  wire a_can    = a_v_q && a_bank_ok;
  wire issue    = a_can && cur_found;
  wire a_lastvec = issue && (a_p_q == a_pl_q - 4'd1) && !nxt_found;
  // A is done after this cycle: its last vector issues, or it had nothing to issue
  wire a_done   = a_can && (a_lastvec || !cur_found);
  wire a_free   = !a_v_q || a_done;

  // ------------------------------------------------------------------ weight-bank hazard
  // bank b may be rewritten once the last PE has read the last vector that used it
  reg [15:0] since_q [0:1];
  wire bank_free_l = l_wk_q ||
                     ((issue && a_wb_q == l_wb_q) ? (SKEW <= 0) : (since_q[l_wb_q] >= SKEW16));

  // spike bits of the loading op, at the layer's configuration (an op waiting with l_dep_q
  // counts no spike beat before the configuration has switched: see drained_o)
  wire [31:0] l_sbits = {24'd0, l_ntok_q} * {28'd0, l_pl_q} * {16'd0, l_ru_q} * {24'd0, l_nl_q} *
                        (cfg_dw_i ? {16'd0, l_cu_q} : 32'd1);
  // the bits a pass needs, scaled by the cores sharing the buffers (the simulator's bandwidth /
  // concurrency: ceil(bits x share / credits a cycle) cycles)
  wire [39:0] l_wneed = {8'd0, l_wbits_q} * {32'd0, cfg_wshare_i};
  wire [39:0] l_sneed = {8'd0, l_sbits} * {32'd0, cfg_sshare_i};
  wire l_loaded = l_v_q && ({8'd0, l_wcred_q} >= l_wneed) && ({8'd0, l_scred_q} >= l_sneed);
  wire n_free   = !n_v_q || (a_free && n_v_q);
  wire l_to_n   = l_loaded && n_free && bank_free_l;
  wire n_to_a   = n_v_q && a_free;
  wire l_free   = !l_v_q || l_to_n;
  assign op_ready_o = l_free;
  wire accept   = op_valid_i && op_ready_o;

  // ------------------------------------------------------------------ the array
  wire [COLS-1:0]              col_v;
  wire [COLS*PW-1:0]           col_psum;
  wire [COLS*MB-1:0]           col_meta;
  wire                         marker = a_done && a_last_q;  // chunk's last pass leaves A
  wire [MB-1:0]                in_meta = {marker, a_ab_q, cur_j, a_p_q};

  wire [31:0] tok_base = {{(32-JW){1'b0}}, cur_j} * TOKB;
  wire [DWB-1:0] a_xd;                         // the depthwise gate's per-PE spikes
  generate
    if (DW != 0) begin : g_xd
      assign a_xd = cfg_dw_i ? a_st_q[tok_base +: DWB] : {DWB{1'b0}};  // quiet otherwise
    end else begin : g_noxd
      assign a_xd = {DWB{1'b0}};
    end
  endgenerate
  se_array #(
    .ROWS(ROWS), .COLS(COLS), .LANES(LANES), .WEIGHT_BITS(WEIGHT_BITS),
    .PSUM_BITS(PSUM_BITS), .META_BITS(MB), .DW(DW)
  ) u_array (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .wr_en_i     (l_to_n && !l_wk_q),
    .wr_bank_i   (l_wb_q),
    .wr_tile_i   (l_wt_q),
    .in_valid_i  (issue),
    .in_bank_i   (a_wb_q),
    .in_x_i      (a_st_q[tok_base + {28'd0, a_p_q}*VEC +: VEC]),
    .in_meta_i   (in_meta),
    .dw_i        (cfg_dw_i),
    .in_xd_i     (a_xd),
    .out_valid_o (col_v),
    .out_psum_o  (col_psum),
    .out_meta_o  (col_meta)
  );
  assign issue_o = issue;

  // ------------------------------------------------------------------ pass pipeline
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      l_v_q <= 1'b0; n_v_q <= 1'b0; a_v_q <= 1'b0;
      wbank_next_q <= 1'b0; abank_q <= 1'b1;
      a_j_q <= {JW{1'b0}}; a_p_q <= 4'd0;
      since_q[0] <= 16'hffff; since_q[1] <= 16'hffff;
    end else begin
      // bank ages
      since_q[0] <= (issue && !a_wb_q) ? 16'd1 : (since_q[0] == 16'hffff ? since_q[0] : since_q[0] + 16'd1);
      since_q[1] <= (issue &&  a_wb_q) ? 16'd1 : (since_q[1] == 16'hffff ? since_q[1] : since_q[1] + 16'd1);
      // L: accept and load
      if (accept) begin
        l_v_q <= 1'b1;
        l_ntok_q <= op_ntok_i; l_pl_q <= op_planes_i; l_nl_q <= op_nl_i; l_ns_q <= op_steps_i; l_cu_q <= op_cu_i;
        l_first_q <= op_first_i; l_last_q <= op_last_i;
        l_tcf_q <= op_tc_first_i; l_tcl_q <= op_tc_last_i;
        l_t0_q <= op_t0_i; l_j0_q <= op_j0_i; l_o0_q <= op_o0_i;
        l_wk_q <= op_wkeep_i;
        l_dep_q <= op_dep_i; l_ru_q <= op_ru_i;
        if (op_wkeep_i) l_wb_q <= ~wbank_next_q;   // the bank of the op before
        else begin
          l_wb_q <= wbank_next_q; wbank_next_q <= ~wbank_next_q;
        end
        l_ab_q <= op_first_i ? ~abank_q : abank_q;
        if (op_first_i) abank_q <= ~abank_q;
        l_st_q <= op_stile_i; l_wt_q <= op_wtile_i;
        l_bias_q <= op_bias_i; l_th_q <= op_th_i;
        // bits the bus carries for this pass; the first beat moves in the accept cycle
        l_wbits_q <= op_wkeep_i ? 32'd0 : {16'd0, op_ru_i} * {16'd0, op_cu_i} * WEIGHT_BITS;
        l_wcred_q <= WBW;
        // the first spike beat moves in the accept cycle, unless the tile waits for the ops
        // before it (op_dep_i) and one of them (or the op leaving L now) has not fired yet
        l_scred_q <= (op_dep_i && (rest_busy || l_v_q || hold_i)) ? 32'd0 : SBW;
      end else if (l_to_n) begin
        l_v_q <= 1'b0;
      end else if (l_v_q && !l_loaded) begin
        l_wcred_q <= l_wcred_q + WBW;
        if (!l_dep_q || !(rest_busy || hold_i)) l_scred_q <= l_scred_q + SBW;
      end
      // N: armed (weights written into the spare bank this cycle)
      if (l_to_n) begin
        n_v_q <= 1'b1;
        n_ntok_q <= l_ntok_q; n_pl_q <= l_pl_q; n_nl_q <= l_nl_q; n_ns_q <= l_ns_q; n_cu_q <= l_cu_q;
        n_first_q <= l_first_q; n_last_q <= l_last_q; n_tcf_q <= l_tcf_q; n_tcl_q <= l_tcl_q;
        n_t0_q <= l_t0_q; n_j0_q <= l_j0_q; n_o0_q <= l_o0_q; n_wb_q <= l_wb_q; n_ab_q <= l_ab_q;
        n_st_q <= l_st_q; n_bias_q <= l_bias_q; n_th_q <= l_th_q;
      end else if (n_to_a) begin
        n_v_q <= 1'b0;
      end
      // A: issue vectors, one bit plane of one active token per cycle
      if (n_to_a) begin
        a_v_q <= 1'b1;
        a_ntok_q <= n_ntok_q; a_pl_q <= n_pl_q; a_nl_q <= n_nl_q; a_ns_q <= n_ns_q; a_cu_q <= n_cu_q;
        a_first_q <= n_first_q; a_last_q <= n_last_q; a_tcf_q <= n_tcf_q; a_tcl_q <= n_tcl_q;
        a_t0_q <= n_t0_q; a_j0_q <= n_j0_q; a_o0_q <= n_o0_q; a_wb_q <= n_wb_q; a_ab_q <= n_ab_q;
        a_st_q <= n_st_q; a_bias_q <= n_bias_q; a_th_q <= n_th_q;
        a_j_q <= {JW{1'b0}}; a_p_q <= 4'd0;
      end else if (a_done) begin
        a_v_q <= 1'b0;
      end else if (issue) begin
        if (a_p_q == a_pl_q - 4'd1) begin
          a_p_q <= 4'd0;
          a_j_q <= nxt_j;
        end else begin
          a_p_q <= a_p_q + 4'd1;
          a_j_q <= cur_j;
        end
      end
    end
  end

  // ------------------------------------------------------------------ accumulators
  // Per column, two banks of CHUNK entries of LANES exact sums; an entry not yet written in
  // this chunk reads as 0 (its written flag is cleared when the chunk has fired).
  wire [1:0] fire_clear;                      // bank whose chunk finished firing this cycle
  wire [COLS*2*CHUNK*LANES*ACC_W-1:0] acc_flat;
  genvar gc;
  generate
    for (gc = 0; gc < COLS; gc = gc + 1) begin : g_acc
      reg [LANES*ACC_W-1:0] mem_q [0:2*CHUNK-1];
      reg [2*CHUNK-1:0]     wr_q;
      wire [MB-1:0]         m   = col_meta[gc*MB +: MB];
      wire [3:0]            pl  = m[3:0];
      wire [JW-1:0]         jx  = m[4 +: JW];
      wire                  bk  = m[4 + JW];
      // the head sums every token and lane of the chunk into entry 0, lane 0
      wire [JW:0]           idx = {bk, cfg_head_i ? {JW{1'b0}} : jx};
      reg  [LANES*ACC_W-1:0] upd;
      reg  [ACC_W-1:0]      lsum;
      integer ll;
      always @* begin
        lsum = {ACC_W{1'b0}};
        for (ll = 0; ll < LANES; ll = ll + 1) begin
          upd[ll*ACC_W +: ACC_W] =
              (wr_q[idx] ? mem_q[idx][ll*ACC_W +: ACC_W] : {ACC_W{1'b0}}) +
              ({{(ACC_W-PSUM_BITS){col_psum[gc*PW + ll*PSUM_BITS + PSUM_BITS-1]}},
                col_psum[gc*PW + ll*PSUM_BITS +: PSUM_BITS]} << pl);
          lsum = lsum + ({{(ACC_W-PSUM_BITS){col_psum[gc*PW + ll*PSUM_BITS + PSUM_BITS-1]}},
                          col_psum[gc*PW + ll*PSUM_BITS +: PSUM_BITS]} << pl);
        end
        if (cfg_head_i)
          upd[0 +: ACC_W] = (wr_q[idx] ? mem_q[idx][0 +: ACC_W] : {ACC_W{1'b0}}) + lsum;
      end
      always @(posedge clk_i) begin
        if (col_v[gc]) mem_q[idx] <= upd;
      end
      always @(posedge clk_i) begin
        if (!rst_ni) wr_q <= {(2*CHUNK){1'b0}};
        else begin
          if (fire_clear[0]) wr_q[CHUNK-1:0] <= {CHUNK{1'b0}};
          if (fire_clear[1]) wr_q[2*CHUNK-1:CHUNK] <= {CHUNK{1'b0}};
          if (col_v[gc]) wr_q[idx] <= 1'b1;
        end
      end
      genvar ge;
      for (ge = 0; ge < 2*CHUNK; ge = ge + 1) begin : g_e
        assign acc_flat[((gc*2*CHUNK) + ge)*LANES*ACC_W +: LANES*ACC_W] =
            wr_q[ge] ? mem_q[ge] : {(LANES*ACC_W){1'b0}};
      end
    end
  endgenerate

  // the marker leaves the last column with the chunk's last accumulation
  wire marker_out = col_meta[(COLS-1)*MB + MB - 1];
  wire marker_bk  = col_meta[(COLS-1)*MB + MB - 2];

  // ------------------------------------------------------------------ fire queue
  // sg_* : the spike generator's walk over the ready entry (bank sg_b_q)
  reg            sg_busy_q, sg_b_q;
  reg            sg_rd_q;                     // round's membrane read issued last cycle
  reg [7:0]      sg_l_q;                      // lane being stepped
  reg [7:0]      sg_jb_q;                     // round base: token
  reg [15:0]     sg_cb_q;                     //             column
  wire           fire_push = a_done && a_last_q;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      fq_v_q[0] <= 1'b0; fq_v_q[1] <= 1'b0; fq_rdy_q[0] <= 1'b0; fq_rdy_q[1] <= 1'b0;
    end else begin
      if (fire_push) begin
        fq_v_q[a_ab_q] <= 1'b1; fq_rdy_q[a_ab_q] <= 1'b0;
        fq_ntok_q[a_ab_q] <= cfg_head_i ? 8'd1 : a_ntok_q; fq_nl_q[a_ab_q] <= a_nl_q; fq_ns_q[a_ab_q] <= a_ns_q; fq_cu_q[a_ab_q] <= a_cu_q;
        fq_tcf_q[a_ab_q] <= a_tcf_q; fq_tcl_q[a_ab_q] <= a_tcl_q; fq_t0_q[a_ab_q] <= a_t0_q;
        fq_j0_q[a_ab_q] <= cfg_head_i ? {TOK_W{1'b0}} : a_j0_q; fq_o0_q[a_ab_q] <= a_o0_q;
        fq_bias_q[a_ab_q] <= a_bias_q; fq_th_q[a_ab_q] <= a_th_q;
      end
      if (marker_out) fq_rdy_q[marker_bk] <= 1'b1;
      if (fire_clear[0]) fq_v_q[0] <= 1'b0;
      if (fire_clear[1]) fq_v_q[1] <= 1'b0;
    end
  end

  // ------------------------------------------------------------------ spike generator
  // Neurons (token j, column c) of the chunk in order, SG_LANES per round; a round reads the
  // membranes (cycle 0), then steps lanes 0..nl-1 (one per cycle, V chained through the LIF
  // unit's register), and writes the membranes back after the last lane.
  // positions of this round's units (0 .. SG_LANES - 1) and of the next round's (SG_LANES ..)
  reg [7:0]  u_j [0:2*SG_LANES];
  reg [15:0] u_c [0:2*SG_LANES];
  integer uu;
  always @* begin
    u_j[0] = sg_jb_q; u_c[0] = sg_cb_q;
    for (uu = 0; uu < 2*SG_LANES; uu = uu + 1) begin
      if (u_c[uu] + 16'd1 >= fq_cu_q[sg_b_q]) begin
        u_c[uu+1] = 16'd0; u_j[uu+1] = u_j[uu] + 8'd1;
      end else begin
        u_c[uu+1] = u_c[uu] + 16'd1; u_j[uu+1] = u_j[uu];
      end
    end
  end
  wire [7:0]  cur_ntok = fq_ntok_q[sg_b_q];
  wire [7:0]  cur_ns   = fq_ns_q[sg_b_q];             // steps per neuron
  wire [7:0]  acc_lane = (fq_nl_q[sg_b_q] == 8'd1 || cfg_head_i) ? 8'd0 : sg_l_q;  // one lane
  // chunks fire in the order they were pushed: the bank after the one fired last
  reg         sg_next_q;
  wire        sg_start = !sg_busy_q && fq_v_q[sg_next_q] && fq_rdy_q[sg_next_q];
  wire        step      = sg_busy_q && sg_rd_q;           // a lane step this cycle
  wire        round_end = step && (sg_l_q + 8'd1 >= cur_ns);
  wire        last_round = (u_j[SG_LANES] >= cur_ntok);
  wire        chunk_end = round_end && last_round;
  assign fire_clear = {chunk_end && sg_b_q, chunk_end && !sg_b_q};

  reg  [SG_LANES-1:0]         lif_v;
  reg  [SG_LANES*ACC_W-1:0]   lif_acc;
  reg  [SG_LANES*BIAS_W-1:0]  lif_bias;
  reg  [SG_LANES*MEM_W-1:0]   lif_th, lif_vin;
  wire [SG_LANES-1:0]         lif_vo;
  wire [SG_LANES-1:0]         lif_spk;
  wire [SG_LANES*MEM_W-1:0]   lif_vout;
  reg  [SG_LANES-1:0]         unit_ok;
  integer ui;
  always @* begin
    for (ui = 0; ui < SG_LANES; ui = ui + 1) begin
      unit_ok[ui] = (u_j[ui] < cur_ntok);
      lif_v[ui]   = step && unit_ok[ui] && !cfg_head_i;
      // (u_c < cu <= COLS, u_j < CHUNK and sg_l < LANES wherever the step is valid)
      lif_acc[ui*ACC_W +: ACC_W] = acc_flat[((u_c[ui] * 2 * CHUNK) + {{(31-JW){1'b0}}, sg_b_q, u_j[ui][JW-1:0]}) *
                                            LANES * ACC_W + acc_lane * ACC_W +: ACC_W];
      lif_bias[ui*BIAS_W +: BIAS_W] = fq_bias_q[sg_b_q][u_c[ui]*BIAS_W +: BIAS_W];
      lif_th[ui*MEM_W +: MEM_W]     = fq_th_q[sg_b_q][u_c[ui]*MEM_W +: MEM_W];
      if (sg_l_q == 8'd0)
        lif_vin[ui*MEM_W +: MEM_W] = fq_tcf_q[sg_b_q] ? {MEM_W{1'b0}} : mem_rd_data_i[ui*MEM_W +: MEM_W];
      else
        lif_vin[ui*MEM_W +: MEM_W] = lif_vout[ui*MEM_W +: MEM_W];
    end
  end

  spike_gen #(
    .LANES(SG_LANES), .ACC_W(ACC_W), .BIAS_W(BIAS_W), .CUR_W(32), .MEM_W(MEM_W), .CFG_W(CFG_W)
  ) u_lif (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .cfg_acc_bits_i   (cfg_acc_bits_i),
    .cfg_frac_bits_i  (cfg_frac_bits_i),
    .cfg_attn_i       (1'b0),
    .cfg_attn_scale_i (16'd0),
    .cfg_decay_i      (cfg_decay_i),
    .valid_i          (lif_v),
    .acc_i            (lif_acc),
    .bias_i           (lif_bias),
    .th_i             (lif_th),
    .v_i              (lif_vin),
    .valid_o          (lif_vo),
    .spike_o          (lif_spk),
    .v_o              (lif_vout)
  );
  // head: partial class sum + this chunk's sum, registered like the LIF's output
  reg  [SG_LANES-1:0]       hd_v_q;          // a class sum leaves (last time chunk only)
  reg  [SG_LANES-1:0]       hd_w_q;          // a class sum was stepped (any time chunk)
  reg  [SG_LANES*ACC_W-1:0] hd_sum_q;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      hd_v_q <= {SG_LANES{1'b0}}; hd_w_q <= {SG_LANES{1'b0}};
    end else begin
      for (ui = 0; ui < SG_LANES; ui = ui + 1) begin
        hd_w_q[ui] <= step && unit_ok[ui] && cfg_head_i;
        hd_v_q[ui] <= step && unit_ok[ui] && cfg_head_i && fq_tcl_q[sg_b_q];
      end
    end
  end
  always @(posedge clk_i) begin
    for (ui = 0; ui < SG_LANES; ui = ui + 1)
      hd_sum_q[ui*ACC_W +: ACC_W] <= lif_acc[ui*ACC_W +: ACC_W] +
          {{(ACC_W-MEM_W){lif_vin[ui*MEM_W + MEM_W-1]}}, lif_vin[ui*MEM_W +: MEM_W]};
  end
  assign out_valid_o = lif_vo | hd_v_q;
  assign out_spike_o = lif_spk & ~hd_v_q;
  always @* begin
    for (ui = 0; ui < SG_LANES; ui = ui + 1)
      out_acc_o[ui*ACC_W +: ACC_W] = hd_v_q[ui] ? hd_sum_q[ui*ACC_W +: ACC_W] : {ACC_W{1'b0}};
  end

  // membrane write-back one cycle after a round's last lane (the LIF output register)
  reg             wb_pend_q;
  reg             wb_tcl_q;
  reg [SG_LANES-1:0] wb_ok_q;
  reg [SG_LANES*TOK_W-1:0] wb_tok_q;
  reg [SG_LANES*CH_W-1:0]  wb_ch_q;

  // membrane reads: round 0 in its own cycle, every later round during the last step of the
  // round before (data arrive with its first step); none in the first time chunk (V = 0)
  wire pre_rd = round_end && !last_round;
  reg [SG_LANES*TOK_W-1:0] cur_tok;
  reg [SG_LANES*CH_W-1:0]  cur_ch;
  always @* begin
    mem_rd_en_o = {SG_LANES{1'b0}};
    for (ui = 0; ui < SG_LANES; ui = ui + 1) begin
      cur_tok[ui*TOK_W +: TOK_W] = fq_j0_q[sg_b_q] + {{(TOK_W-8){1'b0}}, u_j[ui]};
      cur_ch[ui*CH_W +: CH_W]    = fq_o0_q[sg_b_q] + u_c[ui][CH_W-1:0];
      mem_rd_tok_o[ui*TOK_W +: TOK_W] = fq_j0_q[sg_b_q] +
          {{(TOK_W-8){1'b0}}, pre_rd ? u_j[SG_LANES + ui] : u_j[ui]};
      mem_rd_ch_o[ui*CH_W +: CH_W] = fq_o0_q[sg_b_q] +
          (pre_rd ? u_c[SG_LANES + ui][CH_W-1:0] : u_c[ui][CH_W-1:0]);
      mem_rd_en_o[ui] = !fq_tcf_q[sg_b_q] &&
          ((sg_busy_q && !sg_rd_q && unit_ok[ui]) || (pre_rd && (u_j[SG_LANES + ui] < cur_ntok)));
    end
    mem_wr_en_o   = wb_pend_q && !wb_tcl_q ? wb_ok_q : {SG_LANES{1'b0}};
    mem_wr_tok_o  = wb_tok_q;
    mem_wr_ch_o   = wb_ch_q;
    for (ui = 0; ui < SG_LANES; ui = ui + 1)
      mem_wr_data_o[ui*MEM_W +: MEM_W] = cfg_head_i ? hd_sum_q[ui*ACC_W +: MEM_W]
                                                    : lif_vout[ui*MEM_W +: MEM_W];
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      sg_busy_q <= 1'b0; sg_rd_q <= 1'b0; sg_l_q <= 8'd0; sg_b_q <= 1'b0; sg_next_q <= 1'b0;
      sg_jb_q <= 8'd0; sg_cb_q <= 16'd0; wb_pend_q <= 1'b0;
    end else begin
      wb_pend_q <= round_end;
      if (round_end) begin
        wb_tcl_q <= fq_tcl_q[sg_b_q];
        wb_ok_q  <= unit_ok;
        wb_tok_q <= cur_tok;
        wb_ch_q  <= cur_ch;
      end
      if (sg_start) begin
        sg_busy_q <= 1'b1; sg_b_q <= sg_next_q; sg_l_q <= 8'd0;
        sg_rd_q <= fq_tcf_q[sg_next_q];        // membranes start at 0: no read cycle
        sg_jb_q <= 8'd0; sg_cb_q <= 16'd0;
      end else if (sg_busy_q && !sg_rd_q) begin
        sg_rd_q <= 1'b1;                       // membranes arrive: lane 0 steps next
      end else if (step) begin
        if (round_end) begin
          sg_l_q <= 8'd0;
          if (last_round) begin
            sg_busy_q <= 1'b0; sg_rd_q <= 1'b0; sg_next_q <= ~sg_b_q;
          end else begin
            sg_jb_q <= u_j[SG_LANES]; sg_cb_q <= u_c[SG_LANES];  // read issued this cycle
          end
        end else begin
          sg_l_q <= sg_l_q + 8'd1;
        end
      end
    end
  end

  // tags of the spikes leaving the LIF register (one cycle after the step)
  always @(posedge clk_i) begin
    for (ui = 0; ui < SG_LANES; ui = ui + 1) begin
      out_tok_o[ui*TOK_W +: TOK_W] <= cur_tok[ui*TOK_W +: TOK_W];
      out_ch_o[ui*CH_W +: CH_W]    <= cur_ch[ui*CH_W +: CH_W];
      out_t_o[ui*T_W +: T_W]       <= fq_t0_q[sg_b_q] + sg_l_q[T_W-1:0];
    end
  end

  assign rest_busy = n_v_q || a_v_q || fq_v_q[0] || fq_v_q[1] || sg_busy_q || wb_pend_q ||
                     (lif_vo != {SG_LANES{1'b0}}) || (hd_w_q != {SG_LANES{1'b0}});
  assign drained_o = !rest_busy && (!l_v_q || l_dep_q);
  assign idle_o = !l_v_q && !n_v_q && !a_v_q && !fq_v_q[0] && !fq_v_q[1] && !sg_busy_q &&
                  !wb_pend_q && (lif_vo == {SG_LANES{1'b0}}) && (hd_w_q == {SG_LANES{1'b0}});
endmodule
