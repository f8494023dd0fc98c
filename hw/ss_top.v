// The accelerator's top level (this version: CORES SE cores with their controller, the
// attention stage (attention unit, its accumulators and LIF) and the head's scorer; each op record names the core that runs it, as sim::weight_schedule maps it;
// an expert group runs as one barrier region, each core its own layers, core_layer_o naming
// them). Started with start_i, it fetches the layer program through the off-chip read port
// (records of ss_ctrl.v: layer configurations, the head's constants and the SE core's ops with
// their weight and spike tiles, the attention layers' map tiles), runs every SE-core and
// attention layer of an inference back to back and sends each neuron-step's spike (the attention
// layers' on aout_*), and the membranes kept between time chunks, out through the
// spill ports; the predicted class leaves on class_o. `spikestack rtl` writes the parameters
// (ss_params.vh, SE_* and TOP_*) and the program (program/image<i>.rec).
module ss_top #(
  parameter integer ROWS        = 4,   // SE array rows: input channels per pass
  parameter integer COLS        = 4,   // SE array columns: output neurons per pass
  parameter integer LANES       = 2,   // time steps per weight fetch
  parameter integer WEIGHT_BITS = 8,   // signed weights
  parameter integer PSUM_BITS   = 16,  // one plane's column sum
  parameter integer ACC_W       = 32,  // exact accumulators
  parameter integer MEM_W       = 24,  // membrane bits (model quant.mem_bits)
  parameter integer BIAS_W      = 32,  // fixed-point bias bits
  parameter integer SG_LANES    = 4,   // spike-generator lanes
  parameter integer CHUNK       = 4,   // tokens per chunk
  parameter integer PLANES      = 8,   // widest bit-serial input
  parameter integer WBW         = 64,  // weight bits per cycle per core from its fetch when all
                                       // CORES share the weight buffer (bandwidth / CORES; a
                                       // layer record's wshare = the cores sharing it, the
                                       // simulator's concurrency)
  parameter integer SBW         = 64,  // spike bits per cycle reaching the core
  parameter integer TOK_W       = 12,  // token index bits
  parameter integer CH_W        = 12,  // channel index bits
  parameter integer T_W         = 6,   // time-step bits
  parameter integer DW          = 0,   // 1: the depthwise gate's per-PE inputs
  parameter integer CLASSES     = 10,  // classes of the head
  parameter integer FIFO_DEPTH  = 4,   // program records fetched ahead
  parameter integer ADDR_W      = 24,  // record address bits
  parameter integer CORES       = 1,   // SE cores (arch se_cores.count)
  parameter integer ATT_ROWS    = 4,   // attention map rows (query rows of a tile)
  parameter integer ATT_COLS    = 4,   // attention map columns (key tokens of a tile)
  parameter integer ATT_LANES   = 2,   // attention time lanes
  parameter integer ATT_SCORE_BITS = 8,  // map entry bits
  parameter integer ATT_NI      = 24,  // elements of a tile: the model's largest head dim
                                       // (kv_first: its tokens, if larger)
  parameter integer ATT_TOKENS  = 49,  // query rows of an attention layer at most (tokens)
  parameter integer ATT_DH      = ATT_NI,  // head channels at most (the model's largest dh)
  parameter integer RT_E        = 4,   // the MoE router's experts
  parameter integer RT_K        = 2,   // experts chosen per token
  parameter integer RT_CIN_P    = 64,  // router input channels (a power of 2 >= the model's dim)
  parameter integer RT_T_P      = 4,   // time steps (a power of 2 >= T)
  parameter integer RT_PL_P     = 2,   // input bit planes (a power of 2 >= the router's in_bits)
  parameter integer RT_WROWS    = 16,  // weight rows per router weight record
  // the weight buffer (resident weight tiles; an op names its tile's first word) and the bus
  parameter integer WG_BANKS    = 2,   // banks (a power of two)
  parameter integer WG_WIDTH    = 32,  // bits per word
  parameter integer WG_WORDS    = 256, // words in all (a power of two, >= WG_BANKS)
  parameter integer WG_BEAT     = 2,   // words a request moves: min(banks, bus width / word)
  parameter integer BUS_LAT     = 1,   // the bus's register stages
  parameter integer WF_DEPTH    = 8,   // off-chip rows the weight fill requests ahead
  // derived (do not set)
  parameter integer TOKB        = (DW != 0 && COLS > PLANES) ? ROWS*COLS*LANES : PLANES*ROWS*LANES,
  parameter integer EIDX_W      = (CLASSES > 1) ? $clog2(CLASSES) : 1,
  parameter integer GA_W        = (WG_WORDS > 1) ? $clog2(WG_WORDS) : 1,
  parameter integer LOG2B       = (WG_BANKS > 1) ? $clog2(WG_BANKS) : 0,
  parameter integer RW          = (GA_W > LOG2B) ? GA_W - LOG2B : 1,  // row address bits
  parameter integer OP_BITS     = 75 + T_W + TOK_W + CH_W + GA_W + CHUNK*TOKB +
                                  COLS*BIAS_W + COLS*MEM_W,
  parameter integer CLS_BITS    = 10 + 24 + 64,
  parameter integer ATT_BITS    = 75 + T_W + CH_W + ATT_NI*(ATT_ROWS + 2*ATT_COLS)*ATT_LANES,
  parameter integer RT_XB       = RT_PL_P * RT_T_P * RT_CIN_P,
  parameter integer RT_PAY      = ((RT_WROWS*RT_E*8 > RT_E*96) ? RT_WROWS*RT_E*8 : RT_E*96) >
                                  RT_XB ? ((RT_WROWS*RT_E*8 > RT_E*96) ? RT_WROWS*RT_E*8 :
                                  RT_E*96) : RT_XB,
  parameter integer RT_BITS     = 75 + RT_PAY,
  parameter integer LAY_BITS    = 92 + MEM_W,
  parameter integer REC_BITS    = (OP_BITS > CLS_BITS ? OP_BITS : CLS_BITS) > ATT_BITS ?
                                  (OP_BITS > CLS_BITS ? OP_BITS : CLS_BITS) : ATT_BITS,
  parameter integer REC_BITS_R  = (REC_BITS > RT_BITS) ? REC_BITS : RT_BITS,
  parameter integer REC_BITS_L  = (REC_BITS_R > LAY_BITS) ? REC_BITS_R : LAY_BITS,
  parameter integer REC_W       = ((REC_BITS_L + 31) / 32) * 32,
  parameter integer NL          = CORES * SG_LANES  // spike-generator lanes of all cores
) (
  input  wire                        clk_i,
  input  wire                        rst_ni,
  // run control
  input  wire                        start_i,
  output wire                        busy_o,
  output wire                        done_o,
  output wire [15:0]                 layer_o,       // layer (or barrier region) running
  output wire [CORES*16-1:0]         core_layer_o,  // per core: the layer whose outputs leave
                                                    // it now (in a region: each core its own)
  output wire                        drained_o,     // every SE core has fired all it was given
  // off-chip read port: the program
  output wire                        oc_rd_req_o,
  output wire [ADDR_W-1:0]           oc_rd_addr_o,
  input  wire                        oc_rd_valid_i,
  input  wire [REC_W-1:0]            oc_rd_data_i,
  // weight-buffer load port (before the first run: the weight image, or a streamed model's
  // first two layers; WG_BANKS words a cycle from word wfill_addr_i, a multiple of WG_BANKS)
  input  wire                        wfill_en_i,
  input  wire [GA_W-1:0]             wfill_addr_i,
  input  wire [WG_BANKS*WG_WIDTH-1:0] wfill_data_i,
  // off-chip weight memory (a streamed model's weight fills): one row of WG_BANKS words a
  // request, answered in order, any latency
  output wire                        wm_rd_req_o,
  output wire [23:0]                 wm_rd_addr_o,
  input  wire                        wm_rd_valid_i,
  input  wire [WG_BANKS*WG_WIDTH-1:0] wm_rd_data_i,
  // membrane spill ports, SG_LANES per core, core k's at lanes k*SG_LANES.. (read data the
  // cycle after the request)
  output wire [NL-1:0]               mem_rd_en_o,
  output wire [NL*TOK_W-1:0]         mem_rd_tok_o,
  output wire [NL*CH_W-1:0]          mem_rd_ch_o,
  input  wire [NL*MEM_W-1:0]         mem_rd_data_i,
  output wire [NL-1:0]               mem_wr_en_o,
  output wire [NL*TOK_W-1:0]         mem_wr_tok_o,
  output wire [NL*CH_W-1:0]          mem_wr_ch_o,
  output wire [NL*MEM_W-1:0]         mem_wr_data_o,
  // spike write ports (lanes as the spill ports): every neuron-step of the running layer
  output wire [NL-1:0]               out_valid_o,
  output wire [NL-1:0]               out_spike_o,
  output wire [NL*TOK_W-1:0]         out_tok_o,
  output wire [NL*CH_W-1:0]          out_ch_o,
  output wire [NL*T_W-1:0]           out_t_o,
  // the attention layers' spikes (SG_LANES neuron-steps a cycle; token = index in the layer's
  // query rows, channel = the model's)
  output wire [SG_LANES-1:0]         aout_valid_o,
  output wire [SG_LANES-1:0]         aout_spike_o,
  output wire [SG_LANES*TOK_W-1:0]   aout_tok_o,
  output wire [SG_LANES*CH_W-1:0]    aout_ch_o,
  output wire [SG_LANES*T_W-1:0]     aout_t_o,
  // the MoE router's choice per token (token index, the RT_K experts best first)
  output wire                        rout_valid_o,
  output wire [TOK_W-1:0]            rout_tok_o,
  output wire [RT_K*((RT_E > 1) ? $clog2(RT_E) : 1)-1:0] rout_idx_o,
  // the predicted class (registered, with its valid)
  output wire                        class_valid_o,
  output wire [EIDX_W-1:0]           class_o,
  // activity
  output wire [CORES-1:0]            issue_o,       // a vector enters core k's SE array
  output wire                        att_busy_o,    // a channel runs in the attention unit
  output wire                        rt_busy_o,     // a score update in the router
  output wire [WG_BANKS-1:0]         wglb_rd_o,     // weight-buffer banks read (one word each)
  output wire [WG_BANKS-1:0]         wglb_wr_o,     // ... written by a weight fill
  output wire                        wbus_o,        // a beat of weight words leaves the bus
  output wire                        wstall_o       // the next layer waits for its weight fill
);
  localparam integer CFG_W = 6;
  localparam integer WT = ROWS * COLS * WEIGHT_BITS;
  localparam integer ST = CHUNK * TOKB;
  // op record fields (ss_ctrl.v, src/rtl/top_program.cpp)
  localparam integer O_T0 = 75, O_J0 = O_T0 + T_W, O_O0 = O_J0 + TOK_W, O_WA = O_O0 + CH_W;
  localparam integer O_ST = O_WA + GA_W, O_BI = O_ST + ST, O_TH = O_BI + COLS * BIAS_W;

  localparam integer LC = 2*CFG_W + 17 + 2 + 16 + 16;  // ss_ctrl's per-core configuration
  /* verilator lint_off UNUSEDSIGNAL */
  wire [CORES*LC-1:0] core_cfg;                 // (the per-core id leaves on core_layer_o)
  /* verilator lint_on UNUSEDSIGNAL */
  wire             cfg_head;
  wire [CORES-1:0] op_valid, op_ready, op_dep, drained, hold;
  wire [CORES*REC_W-1:0] op_rec;                // per core the controller's op record
  // per core: the op the weight fetch hands on (its record, the layer-first flag, the tile)
  wire [CORES-1:0] se_valid_op, se_ready, se_dep, se_drained, se_idle, wf_empty, wf_hdep;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [CORES*REC_W-1:0] rec;                   // per core its op record: its type bits,
                                                // padding and weight address unused here
  /* verilator lint_on UNUSEDSIGNAL */
  wire [CORES*WT-1:0] wtile;
  wire [NL-1:0]       se_valid;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [NL*ACC_W-1:0] se_acc;                   // class sums fit 32 bits (the head's W_W)
  /* verilator lint_on UNUSEDSIGNAL */
  wire             token_done, score_valid;
  wire [CLASSES*24-1:0] cls_mul;
  wire [CLASSES*64-1:0] cls_bias;
  // the attention stage's tile records and configuration
  localparam integer AC = 2*CFG_W + 17 + 16 + MEM_W;
  localparam integer A_T0 = 75, A_C0 = A_T0 + T_W, A_A1 = A_C0 + CH_W;
  localparam integer A_A2 = A_A1 + ATT_NI*ATT_ROWS*ATT_LANES;
  localparam integer A_B  = A_A2 + ATT_NI*ATT_COLS*ATT_LANES;
  wire             att_valid, att_ready, att_drained;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [REC_W-1:0] att_rec;                     // type, unit and padding unused
  /* verilator lint_on UNUSEDSIGNAL */
  wire [AC-1:0]    att_cfg;
  wire             rt_valid, rt_ready, rt_drained;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [REC_W-1:0] rt_rec;                      // type, unit and padding unused
  wire [REC_W-1:0] fl_rec;                      // a weight fill: its release fields are the
                                                // controller's
  /* verilator lint_on UNUSEDSIGNAL */
  wire             fl_valid, fl_ready, fl_done;
  wire [RW-1:0]    wbase;                       // the ring row of the program's row 0

  ss_ctrl #(
    .COLS(COLS), .WADDR_W(GA_W), .BIAS_W(BIAS_W), .MEM_W(MEM_W),
    .SG_LANES(SG_LANES), .CHUNK(CHUNK), .TOKB(TOKB), .TOK_W(TOK_W), .CH_W(CH_W), .T_W(T_W),
    .CFG_W(CFG_W), .CLASSES(CLASSES), .MUL_W(24), .SCORE_W(64), .FIFO_DEPTH(FIFO_DEPTH),
    .ADDR_W(ADDR_W), .CORES(CORES), .ATT_BITS(ATT_BITS), .RT_BITS(RT_BITS), .RW(RW)
  ) u_ctrl (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .start_i         (start_i),
    .busy_o          (busy_o),
    .done_o          (done_o),
    .layer_o         (layer_o),
    .core_layer_o    (core_layer_o),
    .oc_rd_req_o     (oc_rd_req_o),
    .oc_rd_addr_o    (oc_rd_addr_o),
    .oc_rd_valid_i   (oc_rd_valid_i),
    .oc_rd_data_i    (oc_rd_data_i),
    .core_cfg_o      (core_cfg),
    .cfg_head_o      (cfg_head),
    .op_valid_o      (op_valid),
    .op_ready_i      (op_ready),
    .op_dep_o        (op_dep),
    .op_rec_o        (op_rec),
    .drained_i       (drained),
    .hold_o          (hold),
    .sum_valid_i     (se_valid & {NL{cfg_head}}),
    .token_done_o    (token_done),
    .score_valid_i   (score_valid),
    .cls_mul_o       (cls_mul),
    .cls_bias_o      (cls_bias),
    .att_valid_o     (att_valid),
    .att_ready_i     (att_ready),
    .att_rec_o       (att_rec),
    .att_drained_i   (att_drained),
    .att_cfg_o       (att_cfg),
    .rt_valid_o      (rt_valid),
    .rt_ready_i      (rt_ready),
    .rt_rec_o        (rt_rec),
    .rt_drained_i    (rt_drained),
    .fill_valid_o    (fl_valid),
    .fill_ready_i    (fl_ready),
    .fill_rec_o      (fl_rec),
    .fill_done_i     (fl_done),
    .wstall_o        (wstall_o),
    .wbase_o         (wbase)
  );

  // the MoE router: records of unit 254 (weights, constants, a token's input bits)
  router_stage #(
    .E(RT_E), .K(RT_K), .CIN_P(RT_CIN_P), .T_P(RT_T_P), .PL_P(RT_PL_P), .WROWS(RT_WROWS),
    .W_W(8), .MUL_W(32), .TOK_W(TOK_W)
  ) u_rt (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .rec_valid_i   (rt_valid),
    .rec_ready_o   (rt_ready),
    .rec_kind_i    (rt_rec[2 +: 2]),
    .rec_index_i   (rt_rec[4 +: 12]),
    .rec_payload_i (rt_rec[75 +: RT_PAY]),
    .rout_valid_o  (rout_valid_o),
    .rout_tok_o    (rout_tok_o),
    .rout_idx_o    (rout_idx_o),
    .busy_o        (rt_busy_o),
    .drained_o     (rt_drained)
  );

  // the attention stage: map tiles (type 0 records of unit 255), partial sums, attention LIF
  attention_stage #(
    .ROWS(ATT_ROWS), .COLS(ATT_COLS), .LANES(ATT_LANES), .SCORE_BITS(ATT_SCORE_BITS),
    .NI(ATT_NI), .TOKENS(ATT_TOKENS), .DH(ATT_DH), .SBW(SBW), .SG_LANES(SG_LANES), .MEM_W(MEM_W),
    .TOK_W(TOK_W), .CH_W(CH_W), .T_W(T_W), .CFG_W(CFG_W)
  ) u_att (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .cfg_acc_bits_i   (att_cfg[0 +: CFG_W]),
    .cfg_frac_bits_i  (att_cfg[CFG_W +: CFG_W]),
    .cfg_decay_i      (att_cfg[2*CFG_W +: 17]),
    .cfg_scale_i      (att_cfg[2*CFG_W + 17 +: 16]),
    .cfg_th_i         (att_cfg[2*CFG_W + 33 +: MEM_W]),
    .tile_valid_i     (att_valid),
    .tile_ready_o     (att_ready),
    .tile_bits_i      (att_rec[2 +: 16]),
    .tile_rt_i        (att_rec[18 +: 8]),
    .tile_kv_i        (att_rec[53]),
    .tile_seg_first_i (att_rec[26]),
    .tile_seg_last_i  (att_rec[27]),
    .tile_tc_first_i  (att_rec[28]),
    .tile_nl_i        (att_rec[29 +: 8]),
    .tile_nrows_i     (att_rec[37 +: 8]),
    .tile_dh_i        (att_rec[45 +: 8]),
    .tile_t0_i        (att_rec[A_T0 +: T_W]),
    .tile_c0_i        (att_rec[A_C0 +: CH_W]),
    .tile_a1_i        (att_rec[A_A1 +: ATT_NI*ATT_ROWS*ATT_LANES]),
    .tile_a2_i        (att_rec[A_A2 +: ATT_NI*ATT_COLS*ATT_LANES]),
    .tile_b_i         (att_rec[A_B +: ATT_NI*ATT_COLS*ATT_LANES]),
    .out_valid_o      (aout_valid_o),
    .out_spike_o      (aout_spike_o),
    .out_tok_o        (aout_tok_o),
    .out_ch_o         (aout_ch_o),
    .out_t_o          (aout_t_o),
    .busy_o           (att_busy_o),
    .drained_o        (att_drained)
  );

  /* verilator lint_off UNUSEDSIGNAL */
  wire [NL*CH_W-1:0] se_ch;                     // the scorer reads a class index's low bits
  /* verilator lint_on UNUSEDSIGNAL */
  // ---------------------------------------------------------------- weight path
  // Each core's ops pass a weight fetch (wfetch.v) that reads the op's tile from the weight
  // buffer: the cores' requests take turns (round-robin), one beat of WG_BEAT words a cycle;
  // the words come out of the banks a cycle later and cross the bus (BUS_LAT stages) to the
  // core that asked. The fetch, the buffer side's staging, runs up to its DEPTH ops ahead,
  // which hides the banks' and the bus's latency; the tile then crosses to the core at the
  // core's share of the weight bandwidth (WBW x CORES / wshare bits a cycle, the simulator's
  // rate, counted by the core's load stage), so an op waits for its words or its transfer.
  // A streamed model's layers follow each other around the buffer as a ring: the program's
  // addresses are relative to the ring base (wbase, in rows), and the fill engine (wfill.v)
  // writes a layer's rows from the off-chip weight memory in the cycles no fetch reads.
  localparam integer IW = (CORES > 1) ? $clog2(CORES) : 1;
  localparam integer BB = WG_BEAT * WG_WIDTH;
  wire [CORES-1:0]      rq_valid, rq_gnt;
  wire [CORES*GA_W-1:0] rq_addr;
  wire [CORES*WG_BEAT-1:0] rq_lanes;
  wire [IW-1:0]         gnt_idx;
  wire                  gnt_valid;
  rr_arbiter #(.N(CORES), .IDX_W(IW)) u_warb (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .req_i       (rq_valid & {CORES{!wfill_en_i}}),  // the load port has the banks
    .ack_i       (gnt_valid),
    .gnt_o       (rq_gnt),
    .gnt_idx_o   (gnt_idx),
    .gnt_valid_o (gnt_valid)
  );
  reg  [WG_BANKS-1:0] lanes_g;                 // the granted request's lanes
  integer li;
  always @* begin
    lanes_g = {WG_BANKS{1'b0}};
    for (li = 0; li < WG_BEAT; li = li + 1) lanes_g[li] = rq_lanes[gnt_idx*WG_BEAT + li];
  end
  /* verilator lint_off UNUSEDSIGNAL */
  wire [WG_BANKS*WG_WIDTH-1:0] wg_rdata;       // a beat uses WG_BEAT of the banks' words
  /* verilator lint_on UNUSEDSIGNAL */
  wire [WG_BANKS-1:0] wg_bank_en;
  wire                fl_wr;                   // the fill engine writes a row
  wire [RW-1:0]       fl_row;
  wire [WG_BANKS*WG_WIDTH-1:0] fl_data;
  wfill #(.BANKS(WG_BANKS), .WIDTH(WG_WIDTH), .RW(RW), .OA_W(24), .DEPTH(WF_DEPTH)) u_wfill (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .cmd_valid_i (fl_valid),
    .cmd_ready_o (fl_ready),
    .cmd_src_i   (fl_rec[2 +: 24]),
    .cmd_rows_i  (fl_rec[26 +: 16]),
    .cmd_dst_i   (fl_rec[75 +: RW] + wbase),
    .wm_req_o    (wm_rd_req_o),
    .wm_addr_o   (wm_rd_addr_o),
    .wm_valid_i  (wm_rd_valid_i),
    .wm_data_i   (wm_rd_data_i),
    .rd_busy_i   (gnt_valid || wfill_en_i),
    .wr_en_o     (fl_wr),
    .wr_row_o    (fl_row),
    .wr_data_o   (fl_data),
    .done_o      (fl_done),
    /* verilator lint_off PINCONNECTEMPTY */
    .idle_o      ()
    /* verilator lint_on PINCONNECTEMPTY */
  );
  // the word address of a buffer row
  function [GA_W-1:0] row_addr(input [RW-1:0] row);
    begin
      row_addr = {GA_W{1'b0}};
      row_addr[RW-1:0] = row;
      row_addr = row_addr << LOG2B;
    end
  endfunction
  wire [GA_W-1:0] fl_addr = row_addr(fl_row);
  wire wg_we = wfill_en_i || fl_wr;             // (the fill writes only when no fetch reads)
  glb #(.BANKS(WG_BANKS), .WIDTH(WG_WIDTH), .DEPTH(WG_WORDS), .ADDR_W(GA_W)) u_wglb (
    .clk_i     (clk_i),
    .en_i      (wg_we || gnt_valid),            // (no grant while loading)
    .we_i      (wg_we),
    .addr_i    (wfill_en_i ? wfill_addr_i : fl_wr ? fl_addr : rq_addr[gnt_idx*GA_W +: GA_W]),
    .lane_en_i (wg_we ? {WG_BANKS{1'b1}} : lanes_g),
    .wdata_i   (wfill_en_i ? wfill_data_i : fl_data),
    .rdata_o   (wg_rdata),
    .bank_en_o (wg_bank_en)
  );
  assign wglb_rd_o = wg_bank_en & {WG_BANKS{!wg_we}};
  assign wglb_wr_o = wg_bank_en & {WG_BANKS{fl_wr}};
  // the read's requester, with its words the cycle after
  reg          rd_v_q;
  reg [IW-1:0] rd_dst_q;
  always @(posedge clk_i) begin
    if (!rst_ni) rd_v_q <= 1'b0;
    else         rd_v_q <= gnt_valid;
    rd_dst_q <= gnt_idx;
  end
  wire          bt_valid;
  wire [BB-1:0] bt_data;
  wire [IW-1:0] bt_dst;
  bus #(.N(1), .WIDTH(BB), .DST_W(IW), .LATENCY(BUS_LAT)) u_wbus (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .req_valid_i (rd_v_q),
    /* verilator lint_off PINCONNECTEMPTY */
    .req_ready_o (),                          // one sender: always granted
    /* verilator lint_on PINCONNECTEMPTY */
    .req_data_i  (wg_rdata[BB-1:0]),
    .req_dst_i   (rd_dst_q),
    .out_valid_o (bt_valid),
    .out_data_o  (bt_data),
    .out_dst_o   (bt_dst),
    /* verilator lint_off PINCONNECTEMPTY */
    .out_src_o   ()
    /* verilator lint_on PINCONNECTEMPTY */
  );
  assign wbus_o = bt_valid;

  wire [GA_W-1:0] wbase_w = row_addr(wbase);   // the ring base as a word address

  genvar k;
  generate
    for (k = 0; k < CORES; k = k + 1) begin : g_core
      wfetch #(
        .ROWS(ROWS), .COLS(COLS), .WEIGHT_BITS(WEIGHT_BITS), .REC_W(REC_W), .GW(WG_WIDTH),
        .BEAT(WG_BEAT), .GA_W(GA_W)
      ) u_wf (
        .clk_i        (clk_i),
        .rst_ni       (rst_ni),
        .op_valid_i   (op_valid[k]),
        .op_ready_o   (op_ready[k]),
        .op_rec_i     (op_rec[k*REC_W +: REC_W]),
        .op_dep_i     (op_dep[k]),
        .op_wkeep_i   (op_rec[k*REC_W + 66]),
        .op_ru_i      (op_rec[k*REC_W + 30 +: 16]),
        .op_cu_i      (op_rec[k*REC_W + 46 +: 16]),
        .op_waddr_i   (op_rec[k*REC_W + O_WA +: GA_W] + wbase_w),
        .core_valid_o (se_valid_op[k]),
        .core_ready_i (se_ready[k]),
        .core_rec_o   (rec[k*REC_W +: REC_W]),
        .core_dep_o   (se_dep[k]),
        .core_wtile_o (wtile[k*WT +: WT]),
        .rq_valid_o   (rq_valid[k]),
        .rq_gnt_i     (rq_gnt[k]),
        .rq_addr_o    (rq_addr[k*GA_W +: GA_W]),
        .rq_lanes_o   (rq_lanes[k*WG_BEAT +: WG_BEAT]),
        .bt_valid_i   (bt_valid && bt_dst == k[IW-1:0]),
        .bt_data_i    (bt_data),
        .empty_o      (wf_empty[k]),
        .head_dep_o   (wf_hdep[k])
      );
      // core k has drained for the barrier: the core has, and no op of the layer before waits
      // in its fetch (the core idle with a queued op: that op must be the next layer's first)
      assign drained[k] = se_drained[k] && (!se_idle[k] || wf_empty[k] || wf_hdep[k]);
      se_core #(
        .ROWS(ROWS), .COLS(COLS), .LANES(LANES), .WEIGHT_BITS(WEIGHT_BITS),
        .PSUM_BITS(PSUM_BITS), .ACC_W(ACC_W), .MEM_W(MEM_W), .BIAS_W(BIAS_W),
        .SG_LANES(SG_LANES), .CHUNK(CHUNK), .PLANES(PLANES), .WBW(WBW * CORES), .SBW(SBW),
        .TOK_W(TOK_W), .CH_W(CH_W), .T_W(T_W), .CFG_W(CFG_W), .DW(DW)
      ) u_se (
        .clk_i           (clk_i),
        .rst_ni          (rst_ni),
        .cfg_acc_bits_i  (core_cfg[k*LC +: CFG_W]),
        .cfg_frac_bits_i (core_cfg[k*LC + CFG_W +: CFG_W]),
        .cfg_decay_i     (core_cfg[k*LC + 2*CFG_W +: 17]),
        .cfg_dw_i        (core_cfg[k*LC + 2*CFG_W + 17]),
        .cfg_head_i      (core_cfg[k*LC + 2*CFG_W + 18]),
        .cfg_wshare_i    (core_cfg[k*LC + 2*CFG_W + 35 +: 8]),
        .cfg_sshare_i    (core_cfg[k*LC + 2*CFG_W + 43 +: 8]),
        .op_valid_i      (se_valid_op[k]),
        .op_ready_o      (se_ready[k]),
        .op_ntok_i       (rec[k*REC_W + 2 +: 8]),
        .op_planes_i     (rec[k*REC_W + 10 +: 4]),
        .op_nl_i         (rec[k*REC_W + 14 +: 8]),
        .op_steps_i      (rec[k*REC_W + 22 +: 8]),
        .op_ru_i         (rec[k*REC_W + 30 +: 16]),
        .op_cu_i         (rec[k*REC_W + 46 +: 16]),
        .op_first_i      (rec[k*REC_W + 62]),
        .op_last_i       (rec[k*REC_W + 63]),
        .op_tc_first_i   (rec[k*REC_W + 64]),
        .op_tc_last_i    (rec[k*REC_W + 65]),
        .op_wkeep_i      (rec[k*REC_W + 66]),
        .op_dep_i        (se_dep[k]),
        .hold_i          (hold[k]),
        .op_t0_i         (rec[k*REC_W + O_T0 +: T_W]),
        .op_j0_i         (rec[k*REC_W + O_J0 +: TOK_W]),
        .op_o0_i         (rec[k*REC_W + O_O0 +: CH_W]),
        .op_wtile_i      (wtile[k*WT +: WT]),
        .op_stile_i      (rec[k*REC_W + O_ST +: ST]),
        .op_bias_i       (rec[k*REC_W + O_BI +: COLS*BIAS_W]),
        .op_th_i         (rec[k*REC_W + O_TH +: COLS*MEM_W]),
        .mem_rd_en_o     (mem_rd_en_o[k*SG_LANES +: SG_LANES]),
        .mem_rd_tok_o    (mem_rd_tok_o[k*SG_LANES*TOK_W +: SG_LANES*TOK_W]),
        .mem_rd_ch_o     (mem_rd_ch_o[k*SG_LANES*CH_W +: SG_LANES*CH_W]),
        .mem_rd_data_i   (mem_rd_data_i[k*SG_LANES*MEM_W +: SG_LANES*MEM_W]),
        .mem_wr_en_o     (mem_wr_en_o[k*SG_LANES +: SG_LANES]),
        .mem_wr_tok_o    (mem_wr_tok_o[k*SG_LANES*TOK_W +: SG_LANES*TOK_W]),
        .mem_wr_ch_o     (mem_wr_ch_o[k*SG_LANES*CH_W +: SG_LANES*CH_W]),
        .mem_wr_data_o   (mem_wr_data_o[k*SG_LANES*MEM_W +: SG_LANES*MEM_W]),
        .out_valid_o     (se_valid[k*SG_LANES +: SG_LANES]),
        .out_spike_o     (out_spike_o[k*SG_LANES +: SG_LANES]),
        .out_tok_o       (out_tok_o[k*SG_LANES*TOK_W +: SG_LANES*TOK_W]),
        .out_ch_o        (se_ch[k*SG_LANES*CH_W +: SG_LANES*CH_W]),
        .out_t_o         (out_t_o[k*SG_LANES*T_W +: SG_LANES*T_W]),
        .out_acc_o       (se_acc[k*SG_LANES*ACC_W +: SG_LANES*ACC_W]),
        .idle_o          (se_idle[k]),
        .drained_o       (se_drained[k]),
        .issue_o         (issue_o[k])
      );
    end
  endgenerate
  assign out_valid_o = se_valid & {NL{!cfg_head}};
  assign drained_o   = &drained;
  assign out_ch_o    = se_ch;

  // the head's scorer: score_c = sum_c x mul_c + bias_c, first argmax (router_topk, K = 1)
  // (class index: the low bits of the channel; class sum: the low 32 bits of the accumulator)
  reg [NL*EIDX_W-1:0] upd_cls;
  reg [NL*32-1:0]     se_acc_w;
  integer ui;
  always @* begin
    for (ui = 0; ui < NL; ui = ui + 1) begin
      upd_cls[ui*EIDX_W +: EIDX_W] = se_ch[ui*CH_W +: EIDX_W];
      se_acc_w[ui*32 +: 32]        = se_acc[ui*ACC_W +: 32];
    end
  end
  router_topk #(
    .E(CLASSES), .K(1), .LANES(NL), .W_W(32), .PLANE_W(1), .ACC_W(40), .MUL_W(24),
    .SCORE_W(64)
  ) u_score (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .cfg_mul_i     (cls_mul),
    .cfg_bias_i    (cls_bias),
    .upd_valid_i   (se_valid & {NL{cfg_head}}),
    .upd_expert_i  (upd_cls),
    .upd_weight_i  (se_acc_w),
    .upd_plane_i   ({NL{1'b0}}),
    .token_done_i  (token_done),
    /* verilator lint_off PINCONNECTEMPTY */
    .ready_o       (),            // one token: the scorer is always ready for it
    /* verilator lint_on PINCONNECTEMPTY */
    .topk_valid_o  (score_valid),
    .topk_idx_o    (class_o)
  );
  assign class_valid_o = score_valid;
endmodule
