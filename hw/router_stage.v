// The routed-MoE router inside ss_top: hw/router_topk.v fed from program records. Weight records
// fill its weight store (CIN x E signed weights), a constants record sets the experts' score
// multipliers and biases, and token records carry one token's input bits (every plane, step
// and channel); for each set bit (plane b, channel i) the stage sends E score updates
// (w[i][e] << b, one per cycle: one router lane), the last with token_done, then waits for the
// K experts (the K passes of E - 1 compares) before the next token, as the simulator counts
// them (score updates, then compares). The chosen experts leave on rout_*.
module router_stage #(
  parameter integer E       = 4,   // experts
  parameter integer K       = 2,   // experts chosen per token
  parameter integer CIN_P   = 64,  // input channels a token record holds (a power of 2)
  parameter integer T_P     = 4,   // time steps a token record holds (a power of 2)
  parameter integer PL_P    = 2,   // input bit planes a token record holds (a power of 2, <= 8)
  parameter integer WROWS   = 16,  // weight rows per weight record (divides CIN_P)
  parameter integer W_W     = 8,   // router weight bits
  parameter integer MUL_W   = 32,  // score multiplier bits
  parameter integer TOK_W   = 12,  // token index bits
  // derived (do not set)
  parameter integer EIDX_W  = (E > 1) ? $clog2(E) : 1,
  parameter integer XB      = PL_P * T_P * CIN_P,        // a token's input bits
  parameter integer PAY_W   = ((WROWS*E*W_W > E*(MUL_W+64)) ? WROWS*E*W_W : E*(MUL_W+64)) > XB ?
                              ((WROWS*E*W_W > E*(MUL_W+64)) ? WROWS*E*W_W : E*(MUL_W+64)) : XB
) (
  input  wire                   clk_i,
  input  wire                   rst_ni,
  // record port (a router record's fields, ss_top decodes them)
  input  wire                   rec_valid_i,
  output wire                   rec_ready_o,
  input  wire [1:0]             rec_kind_i,      // 0 weights, 1 constants, 2 token
  input  wire [11:0]            rec_index_i,     // weights: first row; token: its index
  input  wire [PAY_W-1:0]       rec_payload_i,   // weights: WROWS x E x W_W (row-major);
                                                 // constants: E muls, E biases (64 bits);
                                                 // token: bit (b, t, i) at (b*T_P + t)*CIN_P + i
  // the chosen experts of each token, best first
  output wire                   rout_valid_o,
  output reg  [TOK_W-1:0]       rout_tok_o,
  output wire [K*EIDX_W-1:0]    rout_idx_o,
  // status
  output wire                   busy_o,          // a score update this cycle (score_ops)
  output wire                   drained_o        // every token given has been routed
);
  localparam integer CB  = $clog2(CIN_P);
  localparam integer TB  = (T_P > 1) ? $clog2(T_P) : 0;
  localparam integer XW  = $clog2(XB);
  localparam integer EC_W = $clog2(E + 1);

  reg [CIN_P*E*W_W-1:0] w_q;
  reg [E*MUL_W-1:0]     mul_q;
  reg [E*64-1:0]        bias_q;

  // token buffers: the next token (from its record) and the one being scored
  reg            nx_v_q, x_v_q, wait_q;
  reg [XB-1:0]   nx_q, x_q;
  reg [TOK_W-1:0] nx_tok_q, x_tok_q;
  reg [EC_W-1:0] e_q;                             // expert of the next update

  wire is_tok = (rec_kind_i == 2'd2);
  assign rec_ready_o = !is_tok || !nx_v_q;
  wire accept = rec_valid_i && rec_ready_o;

  // the first set input bit: isolated (x & -x), its index by one OR per index bit over the
  // bits whose index has that bit set (no loop over the bits: cheap in simulation too)
  function [XB-1:0] index_mask(input integer k);
    integer b;
    begin
      for (b = 0; b < XB; b = b + 1) index_mask[b] = ((b >> k) & 1) == 1;
    end
  endfunction
  wire          any    = (x_q != {XB{1'b0}});
  wire [XB-1:0] low    = x_q & (~x_q + {{(XB-1){1'b0}}, 1'b1});
  wire [XB-1:0] x_left = x_q & ~low;                // after this bit
  wire [XW-1:0] p;
  genvar gk;
  generate
    for (gk = 0; gk < XW; gk = gk + 1) begin : g_idx
      localparam [XB-1:0] M = index_mask(gk);
      assign p[gk] = |(low & M);
    end
  endgenerate
  wire [CB-1:0] ch    = p[CB-1:0];
  /* verilator lint_off WIDTH */
  wire [2:0]    plane = p >> (CB + TB);
  /* verilator lint_on WIDTH */

  wire topk_valid;
  // a token's updates may go once the token before has its experts
  wire go      = x_v_q && (!wait_q || topk_valid);
  wire last_e  = (e_q == E[EC_W-1:0] - 1'b1);
  wire upd     = go && any;
  wire done    = go && (!any || (last_e && x_left == {XB{1'b0}}));
  /* verilator lint_off WIDTH */
  wire [W_W-1:0] wsel = w_q[(ch * E + e_q) * W_W +: W_W];
  /* verilator lint_on WIDTH */

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      nx_v_q <= 1'b0; x_v_q <= 1'b0; wait_q <= 1'b0; e_q <= {EC_W{1'b0}};
    end else begin
      /* verilator lint_off WIDTH */
      if (accept && rec_kind_i == 2'd0)
        w_q[rec_index_i * E * W_W +: WROWS * E * W_W] <= rec_payload_i[0 +: WROWS * E * W_W];
      /* verilator lint_on WIDTH */
      if (accept && rec_kind_i == 2'd1) begin
        mul_q  <= rec_payload_i[0 +: E * MUL_W];
        bias_q <= rec_payload_i[E * MUL_W +: E * 64];
      end
      if (topk_valid) wait_q <= 1'b0;
      if (upd) begin
        if (last_e) begin
          e_q <= {EC_W{1'b0}};
          x_q <= x_left;
        end else begin
          e_q <= e_q + 1'b1;
        end
      end
      if (done) begin
        wait_q <= 1'b1; rout_tok_o <= x_tok_q;
      end
      // the next token moves up when the one before is done (or none is held)
      if ((!x_v_q || done) && nx_v_q) begin
        x_v_q <= 1'b1; x_q <= nx_q; x_tok_q <= nx_tok_q; nx_v_q <= 1'b0;
      end else if (done) begin
        x_v_q <= 1'b0;
      end
      if (accept && is_tok) begin
        nx_v_q <= 1'b1; nx_q <= rec_payload_i[0 +: XB]; nx_tok_q <= rec_index_i[TOK_W-1:0];
      end
    end
  end

  router_topk #(
    .E(E), .K(K), .LANES(1), .W_W(W_W), .PLANE_W(3), .ACC_W(32), .MUL_W(MUL_W), .SCORE_W(64)
  ) u_router (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .cfg_mul_i     (mul_q),
    .cfg_bias_i    (bias_q),
    .upd_valid_i   (upd),
    .upd_expert_i  (e_q[EIDX_W-1:0]),
    .upd_weight_i  (wsel),
    .upd_plane_i   (plane),
    .token_done_i  (done),
    /* verilator lint_off PINCONNECTEMPTY */
    .ready_o       (),            // free again when topk_valid_o: the next token waits for it
    /* verilator lint_on PINCONNECTEMPTY */
    .topk_valid_o  (topk_valid),
    .topk_idx_o    (rout_idx_o)
  );
  assign rout_valid_o = topk_valid;
  assign busy_o       = upd;
  assign drained_o    = !nx_v_q && !x_v_q && !wait_q;
endmodule
