// The layer-program controller of ss_top: fetches the program (records of REC_W bits) through
// the off-chip read port into a record FIFO, configures each layer, hands its ops to the SE core
// and scores the classification head. Layers run back to back: the first op of a layer is given
// to the core while the layer before still runs (its weight tile loads into the spare bank: the
// prefetch a stall-free double buffer needs), its spike tile only once everything before it has
// fired (the core's drained_o), when the new layer's configuration takes effect. With several
// SE cores each core has its own configuration and layer id: a barrier region (an expert
// group) starts with a layer record for all and continues with core-only layer records, each
// taking effect when its core alone has drained; every ready core takes its oldest op from the
// FIFO each cycle.
//
// Records (bit 0 first; src/rtl/top_program.cpp writes them, docs/rtl.md lists the fields):
//   type 0 op      : work for one unit, named by the unit field (bits 67..74): an SE core's op
//                    (unit < 254: ntok .. wkeep, the core, t0 .. o0, weight-tile address,
//                    spike tile, bias, th), to its core's port (through its weight fetch,
//                    wfetch.v, in ss_top.v); or a map tile of the attention layer (unit
//                    255, ATT_UNIT: fields in ss_top.v), to the attention stage, or a router
//                    record (unit 254, RT_UNIT: weights, constants or a token's input), to the
//                    router stage, once the layer's barrier is passed (their inputs are the
//                    layers' before); or a weight fill (unit 253, FILL_UNIT: off-chip row,
//                    rows, release cores (bits 42..57, a mask), release at drain (bit 58),
//                    ring row (bits 75..)), to the fill engine (wfill.v) once the barrier is
//                    passed and each core of the mask has no layer pending (its layer records
//                    so far have taken effect: the layers before them have drained); if it is
//                    released at drain, once it is the oldest record and everything before
//                    has fired. The fills of a streamed model (its weights exceed the
//                    weight buffer) overwrite layers that have finished: the compiler places
//                    each after the layer record whose barrier or core barrier frees its rows
//   type 1 layer   : acc_bits, frac_bits, decay, dw, head, layer id, core_only, core, wshare,
//                    sshare. core_only = 0: a new layer (or barrier region) starts on every
//                    core, after the barrier. core_only = 1: inside a barrier region (a
//                    concurrent group of expert layers), the named core's next layer: its
//                    configuration and id change once that core alone has drained. Then
//                    (bits 74..) attn, the attention LIF's scale and threshold: the attention
//                    stage's configuration, taken with the layer's; then (bit 91 + MEM_W)
//                    wfill: the layer's weights are streamed, and it waits for its fill (the
//                    oldest fill done and not yet waited for; two are done at reset: the
//                    first two layers', loaded before the first run)
//   type 2 end     : the program ends once the last layer has fired and the head is scored;
//                    the ring base (in rows, added to the program's weight addresses) then
//                    advances by bits 2.. (the next program's first layers follow this one's)
//   type 3 class   : class index, scorer mul and bias (the head's constants)
module ss_ctrl #(
  parameter integer COLS        = 4,   // SE array columns
  parameter integer WADDR_W     = 8,   // bits of an op's weight-tile address (weight buffer word)
  parameter integer BIAS_W      = 32,  // fixed-point bias bits
  parameter integer MEM_W       = 24,  // membrane (threshold) bits
  parameter integer SG_LANES    = 4,   // spike-generator lanes (class sums per cycle)
  parameter integer CHUNK       = 4,   // tokens per chunk
  parameter integer TOKB        = 64,  // spike-tile bits per token (se_core.v)
  parameter integer TOK_W       = 12,  // token index bits
  parameter integer CH_W        = 12,  // channel index bits
  parameter integer T_W         = 6,   // time-step bits
  parameter integer CFG_W       = 6,   // bits of A and F
  parameter integer CLASSES     = 10,  // classes of the head (scorer experts)
  parameter integer MUL_W       = 24,  // scorer multiplier bits
  parameter integer SCORE_W     = 64,  // scorer score and bias bits
  parameter integer FIFO_DEPTH  = 4,   // records fetched ahead (>= memory latency + 1 for one
                                       // record per cycle)
  parameter integer ADDR_W      = 24,  // record address bits of the off-chip port
  parameter integer CORES       = 1,   // SE cores (an op record names its core)
  parameter integer ATT_BITS    = 0,   // bits of an attention tile record (ss_top.v)
  parameter integer RT_BITS     = 0,   // bits of a router record (ss_top.v)
  parameter integer RW          = 7,   // bits of a weight-buffer row (the ring's base)
  // derived (do not set): record layout, see the offsets below
  parameter integer EIDX_W      = (CLASSES > 1) ? $clog2(CLASSES) : 1,
  parameter integer OP_BITS     = 75 + T_W + TOK_W + CH_W + WADDR_W + CHUNK*TOKB +
                                  COLS*BIAS_W + COLS*MEM_W,
  parameter integer CLS_BITS    = 10 + MUL_W + SCORE_W,
  parameter integer LAY_BITS    = 92 + MEM_W,  // a layer record, with the attention fields
  parameter integer REC_BITS    = (OP_BITS > CLS_BITS ? OP_BITS : CLS_BITS) > ATT_BITS ?
                                  (OP_BITS > CLS_BITS ? OP_BITS : CLS_BITS) : ATT_BITS,
  parameter integer REC_BITS_R  = (REC_BITS > RT_BITS) ? REC_BITS : RT_BITS,
  parameter integer REC_BITS_L  = (REC_BITS_R > LAY_BITS) ? REC_BITS_R : LAY_BITS,
  parameter integer REC_W       = ((REC_BITS_L + 31) / 32) * 32,
  parameter integer LC          = 2*CFG_W + 17 + 2 + 16 + 16  // a core's configuration bits
) (
  input  wire                        clk_i,
  input  wire                        rst_ni,
  // run control
  input  wire                        start_i,       // run the program at record 0 (when idle)
  output reg                         busy_o,        // started and not done
  output reg                         done_o,        // the last run finished (until start_i)
  output reg  [15:0]                 layer_o,       // id of the layer (region) whose barrier
                                                    // was passed last
  output wire [CORES*16-1:0]         core_layer_o,  // per core: the id of the layer it runs
  // off-chip read port: one record per request, answered in order, any latency >= 1
  output wire                        oc_rd_req_o,
  output wire [ADDR_W-1:0]           oc_rd_addr_o,
  input  wire                        oc_rd_valid_i,
  input  wire [REC_W-1:0]            oc_rd_data_i,
  // layer configuration of each SE core, LC bits per core: acc_bits, frac_bits, decay, dw,
  // head, id, wshare, sshare (bit 0 first); and the head's flag for the scorer
  output wire [CORES*LC-1:0]         core_cfg_o,
  output reg                         cfg_head_o,
  // the SE cores' op ports (fields as in se_core.v; the record goes to every core, valid to
  // the one it names)
  output reg  [CORES-1:0]            op_valid_o,
  input  wire [CORES-1:0]            op_ready_i,
  output wire [CORES-1:0]            op_dep_o,
  output wire [CORES*REC_W-1:0]      op_rec_o,      // per core: its op record (fields decoded
                                                    // in ss_top)
  input  wire [CORES-1:0]            drained_i,
  output wire [CORES-1:0]            hold_o,        // core k's layer-first op waits (se_core
                                                    // hold_i): for the barrier, or for core k
                                                    // to drain (its next layer in a region)
  // the head's class sums from the SE cores, and the scorer
  input  wire [CORES*SG_LANES-1:0]   sum_valid_i,
  output wire                        token_done_o,  // the last class sum goes to the scorer
  input  wire                        score_valid_i, // the scorer's result is registered
  output reg  [CLASSES*MUL_W-1:0]    cls_mul_o,
  output reg  [CLASSES*SCORE_W-1:0]  cls_bias_o,
  // the attention stage: its tile records (fields decoded in ss_top), its configuration
  // (acc_bits, frac_bits, decay, scale, threshold: bit 0 first) and its drain
  output wire                        att_valid_o,
  input  wire                        att_ready_i,
  output wire [REC_W-1:0]            att_rec_o,
  input  wire                        att_drained_i,
  output reg  [2*CFG_W+17+16+MEM_W-1:0] att_cfg_o,
  // the router stage: its records (fields decoded in ss_top) and its drain
  output wire                        rt_valid_o,
  input  wire                        rt_ready_i,
  output wire [REC_W-1:0]            rt_rec_o,
  input  wire                        rt_drained_i,
  // the weight fill engine: its commands (fill records, fields decoded in ss_top), a fill's end,
  // and the ring base the program's weight addresses are relative to
  output wire                        fill_valid_o,
  input  wire                        fill_ready_i,
  output wire [REC_W-1:0]            fill_rec_o,
  input  wire                        fill_done_i,
  output reg  [RW-1:0]               wbase_o,
  output wire                        wstall_o       // the next layer waits for its fill alone,
                                                    // the cores it configures drained
);
  localparam [1:0] T_OP = 2'd0, T_LAYER = 2'd1, T_END = 2'd2, T_CLASS = 2'd3;
  localparam integer PW = (FIFO_DEPTH > 1) ? $clog2(FIFO_DEPTH) : 1;
  localparam integer CW = $clog2(FIFO_DEPTH + 1);
  localparam [CW-1:0] DEPTH_C = FIFO_DEPTH[CW-1:0];
  localparam integer NW = $clog2(CLASSES + CORES * SG_LANES + 1);
  localparam integer CORE_W = 8;                // the op record's core (unit) field
  localparam [CORE_W-1:0] ATT_UNIT = 8'd255;    // the unit field of an attention tile
  localparam [CORE_W-1:0] RT_UNIT  = 8'd254;    // ... of a router record
  localparam [CORE_W-1:0] FILL_UNIT = 8'd253;   // ... of a weight fill
  localparam integer AC = 2*CFG_W + 17 + 16 + MEM_W;  // the attention stage's configuration

  // ------------------------------------------------------------------ record FIFO
  reg [REC_W-1:0] fifo_q [0:FIFO_DEPTH-1];
  reg [PW-1:0]    wr_q, rd_q;
  reg [CW-1:0]    cnt_q, outst_q;               // records held, requests in flight
  reg [ADDR_W-1:0] pc_q;
  reg             fetch_q;                      // requests continue until the end record
  reg             stop_q;                       // the end record has arrived: drop the rest
  /* verilator lint_off UNUSEDSIGNAL */
  wire [REC_W-1:0] rec = fifo_q[rd_q];          // a record type uses only its own fields
  /* verilator lint_on UNUSEDSIGNAL */
  wire [1:0]      typ = rec[1:0];
  wire            have = (cnt_q != {CW{1'b0}});
  wire            resp_end = oc_rd_valid_i && !stop_q && (oc_rd_data_i[1:0] == T_END);

  assign oc_rd_req_o  = busy_o && fetch_q && !resp_end && (cnt_q + outst_q < DEPTH_C);
  assign oc_rd_addr_o = pc_q;

  // ------------------------------------------------------------------ sequencing
  reg        any_q;                             // a layer has been configured
  reg        pend_q;                            // the next layer waits for the barrier
  reg [CORES-1:0] dep_q;                        // core k's next op is its first of the layer
  reg        scoring_q;                         // the scorer works on the head's sums
  reg [NW-1:0] cls_cnt_q;                       // class sums sent to the scorer
  reg [LC-1:0]    nxt_q;                        // the configuration after the barrier
  reg [15:0]      nxt_id_q;
  reg [AC-1:0]    nxt_att_q;                    // the attention stage's, after the barrier
  reg [CORES*LC-1:0] cfg_q;                     // per core: its configuration
  reg [CORES*LC-1:0] ccfg_q;                    // per core: its next layer in the region
  reg [CORES-1:0]    cpend_q;                   // ... waits for that core to drain
  reg [7:0]          wav_q;                     // fills done and not yet waited for
  // a layer record's configuration: acc_bits .. layer id (bits 2..48), wshare, sshare (58..73)
  wire [LC-1:0]   rec_cfg  = {rec[58 +: 16], rec[2 +: 2*CFG_W + 17 + 2 + 16]};
  wire            rec_only = rec[49];
  wire [7:0]      rec_core = rec[50 +: 8];
  wire [AC-1:0]   rec_att  = {rec[91 +: MEM_W], rec[75 +: 16], rec[2 +: 2*CFG_W + 17]};
  wire            rec_wfill = rec[91 + MEM_W];
  wire            wait_fill = rec_wfill && (wav_q == 8'd0);

  // Op dispatch, one op per core and cycle: each ready core takes its oldest op record in the
  // FIFO, if only op records are older (a core's ops keep their order, and no op passes a
  // layer, class or end record). So an op waiting for a busy core does not block the other
  // cores behind it (within the FIFO's depth), and the cores are not served one per cycle;
  // with one core it is always the head. The records left move up over the ones taken.
  reg  op_take;                                 // some core takes an op this cycle
  reg  [FIFO_DEPTH-1:0] taken;                  // positions behind the head taken
  reg  [CORES*PW-1:0] sel_slot;                 // per core: the FIFO slot of its op
  reg  [CORES-1:0] seen;                        // cores with an older op in the FIFO
  reg  att_seen;                                // an attention tile is dispatchable
  reg  [PW-1:0] att_slot;                       // the oldest attention tile's slot ...
  reg  [CW-1:0] att_pos;                        // ... and its position behind the head
  reg  rt_seen;                                 // the same for the router stage
  reg  [PW-1:0] rt_slot;
  reg  [CW-1:0] rt_pos;
  reg  fl_seen;                                 // ... and for the weight fills
  reg  [PW-1:0] fl_slot;
  reg  [CW-1:0] fl_pos;
  reg  stop;
  reg  [CW-1:0] ntaken;                         // ops taken this cycle
  reg  [CW-1:0] after [0:FIFO_DEPTH-1];         // positions taken behind position j
  wire [PW-1:0] slot [0:FIFO_DEPTH-1];          // the slot of the record j behind the head
  genvar gj;
  generate
    for (gj = 0; gj < FIFO_DEPTH; gj = gj + 1) begin : g_slot
      localparam [PW:0] J = gj, D = FIFO_DEPTH[PW:0];
      wire [PW:0] s = {1'b0, rd_q} + J;
      /* verilator lint_off UNUSEDSIGNAL */
      wire [PW:0] w = (s >= D) ? s - D : s;     // < FIFO_DEPTH: the top bit is 0
      /* verilator lint_on UNUSEDSIGNAL */
      assign slot[gj] = w[PW-1:0];
    end
  endgenerate
  integer ki, jj, ja;
  // the oldest attention tile with only op records before it (computed apart from the ready
  // inputs: the stage's ready looks at the record)
  reg  a_stop;
  always @* begin
    att_seen = 1'b0;
    att_slot = rd_q;
    att_pos  = {CW{1'b0}};
    rt_seen  = 1'b0;
    rt_slot  = rd_q;
    rt_pos   = {CW{1'b0}};
    fl_seen  = 1'b0;
    fl_slot  = rd_q;
    fl_pos   = {CW{1'b0}};
    a_stop   = !busy_o;
    for (ja = 0; ja < FIFO_DEPTH; ja = ja + 1)
      if (!a_stop && ja[CW-1:0] < cnt_q) begin
        if (fifo_q[slot[ja]][1:0] != T_OP) a_stop = 1'b1;
        else if (!att_seen && fifo_q[slot[ja]][67 +: CORE_W] == ATT_UNIT) begin
          att_seen = 1'b1;
          att_slot = slot[ja];
          att_pos  = ja[CW-1:0];
        end else if (!rt_seen && fifo_q[slot[ja]][67 +: CORE_W] == RT_UNIT) begin
          rt_seen = 1'b1;
          rt_slot = slot[ja];
          rt_pos  = ja[CW-1:0];
        end else if (!fl_seen && fifo_q[slot[ja]][67 +: CORE_W] == FILL_UNIT) begin
          fl_seen = 1'b1;
          fl_slot = slot[ja];
          fl_pos  = ja[CW-1:0];
        end
      end
  end
  // the oldest fill's release: the barrier passed, the cores of its mask past their pending
  // layers, and (released at drain) it is the oldest record and everything before has fired
  /* verilator lint_off UNUSEDSIGNAL */
  wire [15:0] fl_mask = fifo_q[fl_slot][42 +: 16];  // (cores beyond CORES unused)
  /* verilator lint_on UNUSEDSIGNAL */
  wire        fl_drain = fifo_q[fl_slot][58];
  reg         fl_core_ok;
  integer     fk;
  always @* begin
    fl_core_ok = 1'b1;
    for (fk = 0; fk < CORES && fk < 16; fk = fk + 1)
      if (fl_mask[fk] && cpend_q[fk]) fl_core_ok = 1'b0;
  end
  wire all_drained = (&drained_i) && att_drained_i && rt_drained_i;
  wire fl_go = fl_seen && !pend_q && fill_ready_i && fl_core_ok &&
               (!fl_drain || (fl_pos == {CW{1'b0}} && all_drained &&
                              cpend_q == {CORES{1'b0}}));
  always @* begin
    op_valid_o = {CORES{1'b0}};
    taken      = {FIFO_DEPTH{1'b0}};
    sel_slot   = {CORES{rd_q}};
    seen       = {CORES{1'b0}};
    stop       = !busy_o;
    ki         = 0;
    for (jj = 0; jj < FIFO_DEPTH; jj = jj + 1) begin
      if (!stop && jj[CW-1:0] < cnt_q) begin
        if (fifo_q[slot[jj]][1:0] != T_OP) stop = 1'b1;
        else if (fifo_q[slot[jj]][67 +: CORE_W] == ATT_UNIT) begin
          // the attention stage: its oldest tile, once the layer's barrier is passed
          if (att_seen && jj[CW-1:0] == att_pos && !pend_q && att_ready_i) taken[jj] = 1'b1;
        end else if (fifo_q[slot[jj]][67 +: CORE_W] == RT_UNIT) begin
          if (rt_seen && jj[CW-1:0] == rt_pos && !pend_q && rt_ready_i) taken[jj] = 1'b1;
        end else if (fifo_q[slot[jj]][67 +: CORE_W] == FILL_UNIT) begin
          if (jj[CW-1:0] == fl_pos && fl_go) taken[jj] = 1'b1;
        end else
          for (ki = 0; ki < CORES; ki = ki + 1)
            if (fifo_q[slot[jj]][67 +: CORE_W] == ki[CORE_W-1:0]) begin
              if (!seen[ki] && op_ready_i[ki]) begin
                op_valid_o[ki]            = 1'b1;
                taken[jj]                 = 1'b1;
                sel_slot[ki*PW +: PW]     = slot[jj];
              end
              seen[ki] = 1'b1;
            end
      end
    end
    op_take = (taken != {FIFO_DEPTH{1'b0}});
    ntaken  = {CW{1'b0}};
    for (jj = FIFO_DEPTH - 1; jj >= 0; jj = jj - 1) begin
      after[jj] = ntaken;
      ntaken    = ntaken + {{(CW-1){1'b0}}, taken[jj]};
    end
  end
  wire is_layer  = busy_o && have && typ == T_LAYER;
  // a new layer (region) waits for every core's pending layer of the region before it
  wire pop_layer = is_layer && !rec_only && !pend_q && (cpend_q == {CORES{1'b0}}) && !wait_fill;
  // core k's next layer of a region waits for its pending one
  reg  pop_core;
  reg  [CORES-1:0] core_sel;
  integer kj;
  always @* begin
    core_sel = {CORES{1'b0}};
    pop_core = 1'b0;
    for (kj = 0; kj < CORES; kj = kj + 1)
      if (is_layer && rec_only && rec_core == kj[7:0]) begin
        core_sel[kj] = 1'b1;
        pop_core     = !cpend_q[kj] && !wait_fill;
      end
  end
  // core k's pending layer takes effect once k has drained and the barrier before is passed
  wire [CORES-1:0] core_res = cpend_q & drained_i & {CORES{!pend_q || all_drained}};
  assign wstall_o = wait_fill &&
                    ((is_layer && !rec_only && !pend_q && (cpend_q == {CORES{1'b0}}) && all_drained) ||
                     (|(core_sel & ~cpend_q & drained_i)));
  assign hold_o = {CORES{pend_q && !all_drained}} | (cpend_q & ~drained_i);
  wire pop_class = busy_o && have && typ == T_CLASS;
  wire barrier   = busy_o && pend_q && all_drained;
  wire finish    = busy_o && have && typ == T_END && !pend_q && all_drained && !scoring_q &&
                   (cpend_q == {CORES{1'b0}}) &&
                   !token_done_o && sum_valid_i == {(CORES*SG_LANES){1'b0}};
  assign op_dep_o   = dep_q;
  assign att_rec_o   = fifo_q[att_slot];
  assign att_valid_o = busy_o && att_seen && !pend_q;
  assign rt_rec_o    = fifo_q[rt_slot];
  assign rt_valid_o  = busy_o && rt_seen && !pend_q;
  assign fill_rec_o   = fifo_q[fl_slot];
  assign fill_valid_o = busy_o && fl_go;
  genvar gk;
  generate
    for (gk = 0; gk < CORES; gk = gk + 1) begin : g_rec
      assign op_rec_o[gk*REC_W +: REC_W] = fifo_q[sel_slot[gk*PW +: PW]];
    end
  endgenerate
  wire pop1 = pop_layer || pop_core || pop_class;  // one record of another type
  wire [CW-1:0] npop = op_take ? ntaken : {{(CW-1){1'b0}}, pop1};
  wire [CW+PW:0] rd_n = {{(CW+1){1'b0}}, rd_q} + {{(PW+1){1'b0}}, npop};
  /* verilator lint_off UNUSEDSIGNAL */
  wire [CW+PW:0] rd_w = (rd_n >= FIFO_DEPTH[CW+PW:0]) ? rd_n - FIFO_DEPTH[CW+PW:0] : rd_n;
  /* verilator lint_on UNUSEDSIGNAL */

  // class sums of this cycle
  reg [NW-1:0] sums_now;
  integer si;
  always @* begin
    sums_now = {NW{1'b0}};
    for (si = 0; si < CORES * SG_LANES; si = si + 1)
      sums_now = sums_now + {{(NW-1){1'b0}}, sum_valid_i[si]};
  end
  assign token_done_o = cfg_head_o && (sum_valid_i != {(CORES*SG_LANES){1'b0}}) &&
                        (cls_cnt_q + sums_now == CLASSES[NW-1:0]);

  wire [EIDX_W-1:0] cls_idx = rec[2 +: EIDX_W];

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_o <= 1'b0; done_o <= 1'b0; layer_o <= 16'd0;
      wr_q <= {PW{1'b0}}; rd_q <= {PW{1'b0}}; cnt_q <= {CW{1'b0}}; outst_q <= {CW{1'b0}};
      pc_q <= {ADDR_W{1'b0}}; fetch_q <= 1'b0; stop_q <= 1'b0;
      any_q <= 1'b0; pend_q <= 1'b0; dep_q <= {CORES{1'b0}}; scoring_q <= 1'b0;
      cls_cnt_q <= {NW{1'b0}}; cpend_q <= {CORES{1'b0}};
      cfg_q <= {(CORES*LC){1'b0}}; cfg_head_o <= 1'b0;
      wbase_o <= {RW{1'b0}};
    end else if (start_i && !busy_o) begin
      busy_o <= 1'b1; done_o <= 1'b0; layer_o <= 16'd0;
      wr_q <= {PW{1'b0}}; rd_q <= {PW{1'b0}}; cnt_q <= {CW{1'b0}}; outst_q <= {CW{1'b0}};
      pc_q <= {ADDR_W{1'b0}}; fetch_q <= 1'b1; stop_q <= 1'b0;
      any_q <= 1'b0; pend_q <= 1'b0; dep_q <= {CORES{1'b0}}; scoring_q <= 1'b0;
      cls_cnt_q <= {NW{1'b0}}; cpend_q <= {CORES{1'b0}};
    end else begin
      // fetch
      if (oc_rd_req_o) pc_q <= pc_q + {{(ADDR_W-1){1'b0}}, 1'b1};
      if (resp_end) begin
        fetch_q <= 1'b0; stop_q <= 1'b1;
      end
      if (oc_rd_valid_i && !stop_q) begin
        fifo_q[wr_q] <= oc_rd_data_i;
        wr_q <= (wr_q == FIFO_DEPTH[PW-1:0] - 1'b1) ? {PW{1'b0}} : wr_q + 1'b1;
      end
      outst_q <= outst_q + {{(CW-1){1'b0}}, oc_rd_req_o} - {{(CW-1){1'b0}}, oc_rd_valid_i};
      cnt_q   <= cnt_q + {{(CW-1){1'b0}}, oc_rd_valid_i && !stop_q} - npop;
      rd_q    <= rd_w[PW-1:0];
      // ops taken from behind the head: each record left moves up by the ones taken behind it
      if (op_take)
        for (jj = 0; jj < FIFO_DEPTH; jj = jj + 1)
          if (!taken[jj] && after[jj] != {CW{1'b0}} && jj[CW-1:0] < cnt_q)
            fifo_q[slot[jj + {{(32-CW){1'b0}}, after[jj]}]] <= fifo_q[slot[jj]];
      // layers: the first is configured at once, any later one at the barrier
      if (pop_layer) begin
        dep_q <= {CORES{1'b1}};
        if (!any_q) begin
          any_q <= 1'b1;
          cfg_q <= {CORES{rec_cfg}}; cfg_head_o <= rec[32];
          layer_o <= rec[33 +: 16]; att_cfg_o <= rec_att;
        end else begin
          pend_q <= 1'b1;
          nxt_q <= rec_cfg; nxt_id_q <= rec[33 +: 16]; nxt_att_q <= rec_att;
        end
      end
      if (barrier) begin
        pend_q <= 1'b0;
        cfg_q <= {CORES{nxt_q}}; cfg_head_o <= nxt_q[2*CFG_W + 18]; layer_o <= nxt_id_q;
        att_cfg_o <= nxt_att_q;
      end
      // a core's own next layer (after the barrier's configuration: it is the newer one)
      for (kj = 0; kj < CORES; kj = kj + 1) begin
        if (pop_core && core_sel[kj]) begin
          cpend_q[kj] <= 1'b1;
          ccfg_q[kj*LC +: LC] <= rec_cfg;
        end
        if (core_res[kj]) begin
          cpend_q[kj] <= 1'b0;
          cfg_q[kj*LC +: LC] <= ccfg_q[kj*LC +: LC];
        end
      end
      if (op_take) dep_q <= dep_q & ~op_valid_o;
      if (pop_core) dep_q <= dep_q | core_sel;
      // the head's scorer
      if (cfg_head_o) cls_cnt_q <= cls_cnt_q + sums_now;
      if (token_done_o) scoring_q <= 1'b1;
      else if (score_valid_i) scoring_q <= 1'b0;
      if (finish) begin
        busy_o <= 1'b0; done_o <= 1'b1;
        wbase_o <= wbase_o + rec[2 +: RW];
      end
    end
  end

  // fills done and not yet waited for (across runs: a program fills the next one's first layers)
  always @(posedge clk_i)
    if (!rst_ni) wav_q <= 8'd2;
    else wav_q <= wav_q + {7'd0, fill_done_i} - {7'd0, (pop_layer || pop_core) && rec_wfill};

  assign core_cfg_o = cfg_q;
  genvar kg;
  generate
    for (kg = 0; kg < CORES; kg = kg + 1) begin : g_id
      assign core_layer_o[kg*16 +: 16] = cfg_q[kg*LC + 2*CFG_W + 19 +: 16];
    end
  endgenerate

  // the head's constants (type 3 records)
  integer ci;
  always @(posedge clk_i) begin
    if (pop_class)
      for (ci = 0; ci < CLASSES; ci = ci + 1)
        if (cls_idx == ci[EIDX_W-1:0]) begin
          cls_mul_o[ci*MUL_W +: MUL_W]       <= rec[10 +: MUL_W];
          cls_bias_o[ci*SCORE_W +: SCORE_W]  <= rec[10 + MUL_W +: SCORE_W];
        end
  end
endmodule
