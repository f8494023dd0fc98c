// Round-robin arbiter: grants one of N requesters per cycle, fairly (common_cells style).
// The granted requester becomes the lowest priority once its grant is taken (ack_i).
module rr_arbiter #(
  parameter integer N     = 4,                        // requesters
  parameter integer IDX_W = (N > 1) ? $clog2(N) : 1   // bits of a requester index
) (
  input  wire             clk_i,
  input  wire             rst_ni,    // active-low synchronous reset
  // requests
  input  wire [N-1:0]     req_i,     // requester i wants the resource this cycle
  input  wire             ack_i,     // the current grant is taken: rotate priority past it
  // grant (combinational from req_i and the priority pointer)
  output reg  [N-1:0]     gnt_o,     // one-hot grant, zero when no request
  output reg  [IDX_W-1:0] gnt_idx_o, // index of the granted requester
  output reg              gnt_valid_o
);
  reg [IDX_W-1:0] prio_q, prio_d;  // requester with the highest priority this cycle

  integer i;
  reg [IDX_W:0] cand;  // candidate index, one bit wider for the wrap-around

  always @* begin
    gnt_o       = {N{1'b0}};
    gnt_idx_o   = {IDX_W{1'b0}};
    gnt_valid_o = 1'b0;
    cand        = {(IDX_W+1){1'b0}};
    for (i = 0; i < N; i = i + 1) begin
      cand = {1'b0, prio_q} + i[IDX_W:0];
      if (cand >= N[IDX_W:0]) cand = cand - N[IDX_W:0];
      if (!gnt_valid_o && req_i[cand[IDX_W-1:0]]) begin
        gnt_valid_o = 1'b1;
        gnt_idx_o   = cand[IDX_W-1:0];
      end
    end
    if (gnt_valid_o) gnt_o[gnt_idx_o] = 1'b1;
  end

  always @* begin
    prio_d = prio_q;
    if (ack_i && gnt_valid_o) begin
      prio_d = (gnt_idx_o == N[IDX_W-1:0] - 1'b1) ? {IDX_W{1'b0}} : gnt_idx_o + 1'b1;
    end
  end

  always @(posedge clk_i) begin
    if (!rst_ni) prio_q <= {IDX_W{1'b0}};
    else         prio_q <= prio_d;
  end
endmodule
