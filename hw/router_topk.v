// Routed-MoE router: per token, score_e = acc_e * mul_e + bias_e (acc from bit-serial input
// events, LANES expert updates per cycle), then the top K experts by K max passes, LANES compares per cycle.
module router_topk #(
  parameter integer E       = 4,                          // experts (>= 2)
  parameter integer K       = 2,                          // experts chosen per token (<= E)
  parameter integer LANES   = 1,                          // score updates / compares per cycle
  parameter integer W_W     = 8,                          // bits of a router weight q_ei (signed)
  parameter integer PLANE_W = 3,                          // bits of an input bit-plane index b
  parameter integer ACC_W   = 32,                         // bits of acc_e (signed)
  parameter integer MUL_W   = 32,                         // bits of mul_e = llround(s_e / T * 2^24)
  parameter integer SCORE_W = 64,                         // bits of a score (engine: int64), >= ACC_W + MUL_W
  parameter integer EIDX_W  = (E > 1) ? $clog2(E) : 1     // bits of an expert index
) (
  input  wire                 clk_i,
  input  wire                 rst_ni,        // active-low synchronous reset
  // per-expert constants (formats.md §4), stable while tokens flow
  input  wire [E*MUL_W-1:0]   cfg_mul_i,     // expert e at bits [e*MUL_W +: MUL_W], signed
  input  wire [E*SCORE_W-1:0] cfg_bias_i,    // llround(b_e * 2^24), signed
  // score updates: lane l adds q << b to acc of expert upd_expert_i[l] (one input event of
  // plane b for one expert); several lanes may name the same expert
  input  wire [LANES-1:0]         upd_valid_i,
  input  wire [LANES*EIDX_W-1:0]  upd_expert_i,
  input  wire [LANES*W_W-1:0]     upd_weight_i,
  input  wire [LANES*PLANE_W-1:0] upd_plane_i,
  // token_done_i: this cycle's updates are the token's last; its scores are taken and the
  // selection starts. Only while ready_o; updates of the next token may follow at once.
  input  wire                 token_done_i,
  output wire                 ready_o,
  // result, registered: the K chosen experts, best first (ties to the lower index)
  output reg                  topk_valid_o,
  output reg  [K*EIDX_W-1:0]  topk_idx_o     // choice k at bits [k*EIDX_W +: EIDX_W]
);
  localparam integer KIDX_W = $clog2(K + 1);  // pass counter 0..K
  localparam integer POS_W  = $clog2(E + 1);  // candidate pointer 0..E
  // compares chained per cycle: a token needs K (E - 1), and the next token cannot start
  // within the cycle, so lanes beyond that would never work
  localparam integer CMP_STEPS = (LANES < K * (E - 1)) ? LANES : K * (E - 1);

  // ---- score accumulation -------------------------------------------------------------
  reg  [E*ACC_W-1:0]   acc_q, acc_d;
  reg  [E*SCORE_W-1:0] score_q, score_d;

  integer e, l;
  reg signed [ACC_W-1:0]   sum;
  reg signed [ACC_W-1:0]   upd;
  reg signed [ACC_W-1:0]       acc_s;
  reg signed [MUL_W-1:0]       mul_s;
  reg signed [ACC_W+MUL_W-1:0] prod;   // exact product, then sign-extended to SCORE_W
  reg signed [SCORE_W-1:0]     prod_x;
  always @* begin
    acc_d   = acc_q;
    score_d = score_q;
    sum     = {ACC_W{1'b0}};
    upd     = {ACC_W{1'b0}};
    acc_s   = {ACC_W{1'b0}};
    mul_s   = {MUL_W{1'b0}};
    prod    = {(ACC_W+MUL_W){1'b0}};
    prod_x  = {SCORE_W{1'b0}};
    for (e = 0; e < E; e = e + 1) begin
      sum = acc_q[e*ACC_W +: ACC_W];
      for (l = 0; l < LANES; l = l + 1) begin
        upd = {{(ACC_W-W_W){upd_weight_i[l*W_W + W_W - 1]}}, upd_weight_i[l*W_W +: W_W]};
        upd = upd <<< upd_plane_i[l*PLANE_W +: PLANE_W];
        if (upd_valid_i[l] && upd_expert_i[l*EIDX_W +: EIDX_W] == e[EIDX_W-1:0]) sum = sum + upd;
      end
      // score_e = acc_e * mul_e + bias_e in SCORE_W-bit two's complement (the engine's int64)
      // (ACC_W + MUL_W <= SCORE_W: the product is exact, as in the engine)
      acc_s  = sum;
      mul_s  = cfg_mul_i[e*MUL_W +: MUL_W];
      prod   = acc_s * mul_s;
      prod_x = {{(SCORE_W-ACC_W-MUL_W){prod[ACC_W+MUL_W-1]}}, prod};
      if (token_done_i && ready_o) begin
        score_d[e*SCORE_W +: SCORE_W] = prod_x + cfg_bias_i[e*SCORE_W +: SCORE_W];
        acc_d[e*ACC_W +: ACC_W]       = {ACC_W{1'b0}};  // the next token starts from zero
      end else begin
        acc_d[e*ACC_W +: ACC_W]       = sum;
      end
    end
  end

  // ---- top-K selection: K passes of E - 1 compares, LANES compares per cycle -------------
  reg                  busy_q, busy_d;
  reg [KIDX_W-1:0]     pass_q, pass_d;       // choices made so far
  reg [POS_W-1:0]      pos_q, pos_d;         // next candidate; 0: the pass starts
  reg [SCORE_W-1:0]    best_q, best_d;
  reg [EIDX_W-1:0]     best_idx_q, best_idx_d;
  reg                  best_ok_q, best_ok_d; // best holds an unchosen expert
  reg [E-1:0]          chosen_q, chosen_d;
  reg [K*EIDX_W-1:0]   idx_q, idx_d;
  reg                  out_valid_d;

  assign ready_o = !busy_q;

  integer j;
  reg [SCORE_W-1:0] cand;
  reg               cand_ok;
  always @* begin
    busy_d      = busy_q;
    pass_d      = pass_q;
    pos_d       = pos_q;
    best_d      = best_q;
    best_idx_d  = best_idx_q;
    best_ok_d   = best_ok_q;
    chosen_d    = chosen_q;
    idx_d       = idx_q;
    out_valid_d = 1'b0;
    cand        = {SCORE_W{1'b0}};
    cand_ok     = 1'b0;
    for (j = 0; j < CMP_STEPS; j = j + 1) begin
      if (busy_d) begin
        if (pos_d == {POS_W{1'b0}}) begin  // a pass starts from candidate 0 (not a compare)
          best_d     = score_q[0 +: SCORE_W];
          best_idx_d = {EIDX_W{1'b0}};
          best_ok_d  = !chosen_d[0];
          pos_d      = {{(POS_W-1){1'b0}}, 1'b1};
        end
        // one compare op: the candidate wins only if strictly greater (ties: lower index)
        cand    = score_q[pos_d*SCORE_W +: SCORE_W];
        cand_ok = !chosen_d[pos_d[EIDX_W-1:0]];
        if (cand_ok && (!best_ok_d || $signed(cand) > $signed(best_d))) begin
          best_d     = cand;
          best_idx_d = pos_d[EIDX_W-1:0];
          best_ok_d  = 1'b1;
        end
        pos_d = pos_d + 1'b1;
        if (pos_d == E[POS_W-1:0]) begin  // pass over: choose the best
          idx_d[pass_d*EIDX_W +: EIDX_W] = best_idx_d;
          chosen_d[best_idx_d]            = 1'b1;
          pass_d                          = pass_d + 1'b1;
          pos_d                           = {POS_W{1'b0}};
          if (pass_d == K[KIDX_W-1:0]) begin
            busy_d      = 1'b0;
            out_valid_d = 1'b1;
          end
        end
      end
    end
    // a new token's scores are taken this cycle: its selection starts next cycle
    if (token_done_i && !busy_q) begin
      busy_d   = 1'b1;
      pass_d   = {KIDX_W{1'b0}};
      pos_d    = {POS_W{1'b0}};
      chosen_d = {E{1'b0}};
    end
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      acc_q        <= {(E*ACC_W){1'b0}};
      busy_q       <= 1'b0;
      pass_q       <= {KIDX_W{1'b0}};
      pos_q        <= {POS_W{1'b0}};
      chosen_q     <= {E{1'b0}};
      topk_valid_o <= 1'b0;
    end else begin
      acc_q        <= acc_d;
      busy_q       <= busy_d;
      pass_q       <= pass_d;
      pos_q        <= pos_d;
      chosen_q     <= chosen_d;
      topk_valid_o <= out_valid_d;
    end
  end

  // data registers without reset: busy_q and topk_valid_o qualify them
  always @(posedge clk_i) begin
    score_q    <= score_d;
    best_q     <= best_d;
    best_idx_q <= best_idx_d;
    best_ok_q  <= best_ok_d;
    idx_q      <= idx_d;
    if (out_valid_d) topk_idx_o <= idx_d;
  end
endmodule
