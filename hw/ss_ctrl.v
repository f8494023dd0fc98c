// The layer-program controller of ss_top: fetches the program (records of REC_W bits) through
// the off-chip read port into a record FIFO, configures each layer, hands its ops to the SE core
// and scores the classification head. Layers run back to back: the first op of a layer is given
// to the core while the layer before still runs (its weight tile loads into the spare bank: the
// prefetch a stall-free double buffer needs), its spike tile only once everything before it has
// fired (the core's drained_o), when the new layer's configuration takes effect.
//
// Records (bit 0 first; src/rtl/top_program.cpp writes them, docs/rtl.md lists the fields):
//   type 0 op      : the SE core's op fields (ntok .. wkeep, the core that runs it, t0 .. o0,
//                    weight tile, spike tile, bias, th); an op goes to its core's port
//   type 1 layer   : acc_bits, frac_bits, decay, dw, head, layer id: a new layer starts
//   type 2 end     : the program ends once the last layer has fired and the head is scored
//   type 3 class   : class index, scorer mul and bias (the head's constants)
module ss_ctrl #(
  parameter integer ROWS        = 4,   // SE array rows
  parameter integer COLS        = 4,   // SE array columns
  parameter integer WEIGHT_BITS = 8,   // weight bits
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
  // derived (do not set): record layout, see the offsets below
  parameter integer EIDX_W      = (CLASSES > 1) ? $clog2(CLASSES) : 1,
  parameter integer OP_BITS     = 75 + T_W + TOK_W + CH_W + ROWS*COLS*WEIGHT_BITS + CHUNK*TOKB +
                                  COLS*BIAS_W + COLS*MEM_W,
  parameter integer CLS_BITS    = 10 + MUL_W + SCORE_W,
  parameter integer REC_BITS    = (OP_BITS > CLS_BITS) ? OP_BITS : CLS_BITS,
  parameter integer REC_W       = ((REC_BITS + 31) / 32) * 32
) (
  input  wire                        clk_i,
  input  wire                        rst_ni,
  // run control
  input  wire                        start_i,       // run the program at record 0 (when idle)
  output reg                         busy_o,        // started and not done
  output reg                         done_o,        // the last run finished (until start_i)
  output reg  [15:0]                 layer_o,       // id of the layer whose configuration holds
  // off-chip read port: one record per request, answered in order, any latency >= 1
  output wire                        oc_rd_req_o,
  output wire [ADDR_W-1:0]           oc_rd_addr_o,
  input  wire                        oc_rd_valid_i,
  input  wire [REC_W-1:0]            oc_rd_data_i,
  // layer configuration of the SE cores (all run the same layer)
  output reg  [CFG_W-1:0]            cfg_acc_bits_o,
  output reg  [CFG_W-1:0]            cfg_frac_bits_o,
  output reg  [16:0]                 cfg_decay_o,
  output reg                         cfg_dw_o,
  output reg                         cfg_head_o,
  // the SE cores' op ports (fields as in se_core.v; the record goes to every core, valid to
  // the one it names)
  output reg  [CORES-1:0]            op_valid_o,
  input  wire [CORES-1:0]            op_ready_i,
  output wire [CORES-1:0]            op_dep_o,
  output wire [REC_W-1:0]            op_rec_o,      // the op record (fields decoded in ss_top)
  input  wire [CORES-1:0]            drained_i,
  output wire                        hold_o,        // the barrier waits for a core: layer-first
                                                    // ops wait (se_core hold_i)
  // the head's class sums from the SE cores, and the scorer
  input  wire [CORES*SG_LANES-1:0]   sum_valid_i,
  output wire                        token_done_o,  // the last class sum goes to the scorer
  input  wire                        score_valid_i, // the scorer's result is registered
  output reg  [CLASSES*MUL_W-1:0]    cls_mul_o,
  output reg  [CLASSES*SCORE_W-1:0]  cls_bias_o
);
  localparam [1:0] T_OP = 2'd0, T_LAYER = 2'd1, T_END = 2'd2, T_CLASS = 2'd3;
  localparam integer PW = (FIFO_DEPTH > 1) ? $clog2(FIFO_DEPTH) : 1;
  localparam integer CW = $clog2(FIFO_DEPTH + 1);
  localparam [CW-1:0] DEPTH_C = FIFO_DEPTH[CW-1:0];
  localparam integer NW = $clog2(CLASSES + CORES * SG_LANES + 1);
  localparam integer CORE_W = 8;                // the op record's core field

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
  reg [CFG_W-1:0] nxt_acc_q, nxt_frac_q;
  reg [16:0]      nxt_dec_q;
  reg             nxt_dw_q, nxt_head_q;
  reg [15:0]      nxt_id_q;

  wire is_op     = busy_o && have && typ == T_OP;
  wire [CORE_W-1:0] op_core = rec[67 +: CORE_W];
  reg  op_take;                                 // the named core takes the op this cycle
  integer ki;
  always @* begin
    op_valid_o = {CORES{1'b0}};
    op_take    = 1'b0;
    for (ki = 0; ki < CORES; ki = ki + 1)
      if (is_op && op_core == ki[CORE_W-1:0]) begin
        op_valid_o[ki] = 1'b1;
        op_take        = op_ready_i[ki];
      end
  end
  wire all_drained = &drained_i;
  assign hold_o = pend_q && !all_drained;
  wire pop_layer = busy_o && have && typ == T_LAYER && !pend_q;
  wire pop_class = busy_o && have && typ == T_CLASS;
  wire barrier   = busy_o && pend_q && all_drained;
  wire finish    = busy_o && have && typ == T_END && !pend_q && all_drained && !scoring_q &&
                   !token_done_o && sum_valid_i == {(CORES*SG_LANES){1'b0}};
  assign op_dep_o   = dep_q;
  assign op_rec_o   = rec;
  wire pop = op_take || pop_layer || pop_class;

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
      cls_cnt_q <= {NW{1'b0}};
      cfg_acc_bits_o <= {CFG_W{1'b0}}; cfg_frac_bits_o <= {CFG_W{1'b0}};
      cfg_decay_o <= 17'd0; cfg_dw_o <= 1'b0; cfg_head_o <= 1'b0;
    end else if (start_i && !busy_o) begin
      busy_o <= 1'b1; done_o <= 1'b0; layer_o <= 16'd0;
      wr_q <= {PW{1'b0}}; rd_q <= {PW{1'b0}}; cnt_q <= {CW{1'b0}}; outst_q <= {CW{1'b0}};
      pc_q <= {ADDR_W{1'b0}}; fetch_q <= 1'b1; stop_q <= 1'b0;
      any_q <= 1'b0; pend_q <= 1'b0; dep_q <= {CORES{1'b0}}; scoring_q <= 1'b0;
      cls_cnt_q <= {NW{1'b0}};
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
      cnt_q   <= cnt_q + {{(CW-1){1'b0}}, oc_rd_valid_i && !stop_q} - {{(CW-1){1'b0}}, pop};
      if (pop) rd_q <= (rd_q == FIFO_DEPTH[PW-1:0] - 1'b1) ? {PW{1'b0}} : rd_q + 1'b1;
      // layers: the first is configured at once, any later one at the barrier
      if (pop_layer) begin
        dep_q <= {CORES{1'b1}};
        if (!any_q) begin
          any_q <= 1'b1;
          cfg_acc_bits_o <= rec[2 +: CFG_W]; cfg_frac_bits_o <= rec[8 +: CFG_W];
          cfg_decay_o <= rec[14 +: 17]; cfg_dw_o <= rec[31]; cfg_head_o <= rec[32];
          layer_o <= rec[33 +: 16];
        end else begin
          pend_q <= 1'b1;
          nxt_acc_q <= rec[2 +: CFG_W]; nxt_frac_q <= rec[8 +: CFG_W];
          nxt_dec_q <= rec[14 +: 17]; nxt_dw_q <= rec[31]; nxt_head_q <= rec[32];
          nxt_id_q <= rec[33 +: 16];
        end
      end
      if (barrier) begin
        pend_q <= 1'b0;
        cfg_acc_bits_o <= nxt_acc_q; cfg_frac_bits_o <= nxt_frac_q; cfg_decay_o <= nxt_dec_q;
        cfg_dw_o <= nxt_dw_q; cfg_head_o <= nxt_head_q; layer_o <= nxt_id_q;
      end
      if (op_take) dep_q <= dep_q & ~op_valid_o;
      // the head's scorer
      if (cfg_head_o) cls_cnt_q <= cls_cnt_q + sums_now;
      if (token_done_o) scoring_q <= 1'b1;
      else if (score_valid_i) scoring_q <= 1'b0;
      if (finish) begin
        busy_o <= 1'b0; done_o <= 1'b1;
      end
    end
  end

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
