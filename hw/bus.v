// Shared pipelined bus between the global buffers and the cores: one WIDTH-bit transfer per
// cycle, delivered exactly LATENCY cycles after its grant; N requesters share it round-robin.
module bus #(
  parameter integer N       = 2,                          // requesters
  parameter integer WIDTH   = 64,                         // bits per transfer
  parameter integer DST_W   = 4,                          // bits of a destination id
  parameter integer LATENCY = 1,                          // register stages (cycles), >= 0
  parameter integer IDX_W   = (N > 1) ? $clog2(N) : 1     // bits of a requester index
) (
  input  wire               clk_i,
  input  wire               rst_ni,       // active-low synchronous reset
  // requesters: a transfer moves on the cycle req_valid_i[i] && req_ready_o[i]
  input  wire [N-1:0]       req_valid_i,
  output wire [N-1:0]       req_ready_o,  // grant; the bus never stalls once granted
  input  wire [N*WIDTH-1:0] req_data_i,   // requester i at bits [i*WIDTH +: WIDTH]
  input  wire [N*DST_W-1:0] req_dst_i,
  // delivery: LATENCY cycles after the grant, every cycle one transfer at most
  output wire               out_valid_o,
  output wire [WIDTH-1:0]   out_data_o,
  output wire [DST_W-1:0]   out_dst_o,
  output wire [IDX_W-1:0]   out_src_o     // which requester sent it
);
  localparam integer PW = WIDTH + DST_W + IDX_W;  // payload bits carried through the stages

  wire             gnt_valid;
  wire [IDX_W-1:0] gnt_idx;

  rr_arbiter #(.N(N), .IDX_W(IDX_W)) u_arb (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .req_i       (req_valid_i),
    .ack_i       (gnt_valid),  // a grant is always taken: delivery cannot stall
    .gnt_o       (req_ready_o),
    .gnt_idx_o   (gnt_idx),
    .gnt_valid_o (gnt_valid)
  );

  wire [PW-1:0] head = {req_data_i[gnt_idx*WIDTH +: WIDTH], req_dst_i[gnt_idx*DST_W +: DST_W],
                        gnt_idx};

  generate
    if (LATENCY == 0) begin : g_wire
      assign out_valid_o = gnt_valid;
      assign {out_data_o, out_dst_o, out_src_o} = head;
    end else begin : g_pipe
      reg [LATENCY-1:0]    valid_q, valid_d;
      reg [LATENCY*PW-1:0] pay_q, pay_d;  // stage s at [s*PW +: PW]; LATENCY-1 is the output
      integer s;
      always @* begin
        valid_d = valid_q;
        pay_d   = pay_q;
        valid_d[0]     = gnt_valid;
        pay_d[0 +: PW] = head;
        for (s = 1; s < LATENCY; s = s + 1) begin
          valid_d[s]        = valid_q[s-1];
          pay_d[s*PW +: PW] = pay_q[(s-1)*PW +: PW];
        end
      end
      always @(posedge clk_i) begin
        if (!rst_ni) valid_q <= {LATENCY{1'b0}};
        else         valid_q <= valid_d;
      end
      // payload registers carry no reset: out_valid_o qualifies them
      always @(posedge clk_i) pay_q <= pay_d;
      assign out_valid_o = valid_q[LATENCY-1];
      assign {out_data_o, out_dst_o, out_src_o} = pay_q[(LATENCY-1)*PW +: PW];
    end
  endgenerate
endmodule
