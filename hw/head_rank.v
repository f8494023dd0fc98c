// Dynamic head pruning (docs/formats.md §3): per image, a counter per attention head counts the
// Q spikes of that head (over all time steps, tokens and the head's channels; LANES spikes per
// cycle, each naming its head), then the cfg_keep_i heads with the most Q spikes are chosen by
// cfg_keep_i max passes over the H counts, LANES compares per cycle, ties to the lower head
// index (the engine's stable sort by descending count). The result is a mask of the heads that
// run: their K, V and attention work is issued, the others' is not.
// Cost: ceil(spikes / LANES) count cycles (the last with done_i) and ceil(keep (H - 1) / LANES)
// compare cycles; the mask is registered at the last compare's edge. The cycle simulator charges
// the same on the router unit (add_head_ranking: score_ops = Q spikes, compare_ops = keep (H-1)).
module head_rank #(
  parameter integer H      = 4,                           // heads (>= 2)
  parameter integer LANES  = 1,                           // Q spikes counted / compares per cycle
  parameter integer CNT_W  = 20,                          // count bits (>= log2 of T N dh + 1)
  // derived (do not set)
  parameter integer HIDX_W = (H > 1) ? $clog2(H) : 1,     // head index bits
  parameter integer KEEP_W = $clog2(H + 1)                // bits of a head count 0..H
) (
  input  wire                     clk_i,
  input  wire                     rst_ni,        // active-low synchronous reset
  input  wire [KEEP_W-1:0]        cfg_keep_i,    // heads kept: max(1, ceil(p H)), 1..H
  // Q spikes: lane l counts one spike of head upd_head_i[l] (lanes may name the same head)
  input  wire [LANES-1:0]         upd_valid_i,
  input  wire [LANES*HIDX_W-1:0]  upd_head_i,
  // done_i: this cycle's spikes are the image's last; the counts are taken (the next image
  // counts from zero) and the selection starts. Only while ready_o.
  input  wire                     done_i,
  output wire                     ready_o,
  // result, registered: bit h set when head h runs
  output reg                      keep_valid_o,
  output reg  [H-1:0]             keep_o
);
  localparam integer POS_W = $clog2(H + 1);                // candidate pointer 0..H
  // compares chained per cycle: a selection needs at most H (H - 1)
  localparam integer CMP_STEPS = (LANES < H * (H - 1)) ? LANES : H * (H - 1);

  // ---- counting -------------------------------------------------------------------------
  reg [H*CNT_W-1:0] cnt_q, cnt_d;              // the image's counts so far
  reg [H*CNT_W-1:0] score_q, score_d;          // the counts the selection ranks
  integer h, l;
  reg [CNT_W-1:0] sum;
  always @* begin
    cnt_d   = cnt_q;
    score_d = score_q;
    sum     = {CNT_W{1'b0}};
    for (h = 0; h < H; h = h + 1) begin
      sum = cnt_q[h*CNT_W +: CNT_W];
      for (l = 0; l < LANES; l = l + 1)
        if (upd_valid_i[l] && upd_head_i[l*HIDX_W +: HIDX_W] == h[HIDX_W-1:0])
          sum = sum + 1'b1;
      if (done_i && ready_o) begin
        score_d[h*CNT_W +: CNT_W] = sum;
        cnt_d[h*CNT_W +: CNT_W]   = {CNT_W{1'b0}};
      end else begin
        cnt_d[h*CNT_W +: CNT_W]   = sum;
      end
    end
  end

  // ---- selection: keep passes of H - 1 compares -------------------------------------------
  reg              busy_q, busy_d;
  reg [KEEP_W-1:0] pass_q, pass_d;             // heads chosen so far
  reg [POS_W-1:0]  pos_q, pos_d;               // next candidate; 0: a pass starts
  reg [CNT_W-1:0]  best_q, best_d;
  reg [HIDX_W-1:0] best_idx_q, best_idx_d;
  reg              best_ok_q, best_ok_d;       // best holds an unchosen head
  reg [H-1:0]      chosen_q, chosen_d;
  reg              out_valid_d;

  assign ready_o = !busy_q;

  integer j;
  reg [CNT_W-1:0] cand;
  reg             cand_ok;
  always @* begin
    busy_d      = busy_q;
    pass_d      = pass_q;
    pos_d       = pos_q;
    best_d      = best_q;
    best_idx_d  = best_idx_q;
    best_ok_d   = best_ok_q;
    chosen_d    = chosen_q;
    out_valid_d = 1'b0;
    cand        = {CNT_W{1'b0}};
    cand_ok     = 1'b0;
    for (j = 0; j < CMP_STEPS; j = j + 1) begin
      if (busy_d) begin
        if (pos_d == {POS_W{1'b0}}) begin      // a pass starts from head 0 (not a compare)
          best_d     = score_q[0 +: CNT_W];
          best_idx_d = {HIDX_W{1'b0}};
          best_ok_d  = !chosen_d[0];
          pos_d      = {{(POS_W-1){1'b0}}, 1'b1};
        end
        // one compare: the candidate wins only if strictly greater (ties: lower index)
        cand    = score_q[pos_d*CNT_W +: CNT_W];
        cand_ok = !chosen_d[pos_d[HIDX_W-1:0]];
        if (cand_ok && (!best_ok_d || cand > best_d)) begin
          best_d     = cand;
          best_idx_d = pos_d[HIDX_W-1:0];
          best_ok_d  = 1'b1;
        end
        pos_d = pos_d + 1'b1;
        if (pos_d == H[POS_W-1:0]) begin       // pass over: the best runs
          chosen_d[best_idx_d] = 1'b1;
          pass_d               = pass_d + 1'b1;
          pos_d                = {POS_W{1'b0}};
          if (pass_d == cfg_keep_i) begin
            busy_d      = 1'b0;
            out_valid_d = 1'b1;
          end
        end
      end
    end
    // an image's counts are taken this cycle: its selection starts next cycle
    if (done_i && !busy_q) begin
      busy_d   = 1'b1;
      pass_d   = {KEEP_W{1'b0}};
      pos_d    = {POS_W{1'b0}};
      chosen_d = {H{1'b0}};
    end
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      cnt_q        <= {(H*CNT_W){1'b0}};
      busy_q       <= 1'b0;
      pass_q       <= {KEEP_W{1'b0}};
      pos_q        <= {POS_W{1'b0}};
      chosen_q     <= {H{1'b0}};
      keep_valid_o <= 1'b0;
    end else begin
      cnt_q        <= cnt_d;
      busy_q       <= busy_d;
      pass_q       <= pass_d;
      pos_q        <= pos_d;
      chosen_q     <= chosen_d;
      keep_valid_o <= out_valid_d;
    end
  end

  // data registers without reset: busy_q and keep_valid_o qualify them
  always @(posedge clk_i) begin
    score_q    <= score_d;
    best_q     <= best_d;
    best_idx_q <= best_idx_d;
    best_ok_q  <= best_ok_d;
    if (out_valid_d) keep_o <= chosen_d;
  end
endmodule
