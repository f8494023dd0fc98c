// Weight fill of the weight buffer from the off-chip weight memory, for a model whose weights do
// not all fit: the buffer is a ring of RW-bit rows (BANKS words each) that holds the layers in
// program order, and a fill command copies one layer's rows into it while the layers before
// run (the controller releases a command once the layers it overwrites have drained). Commands
// queue two deep and run in order. A command reads `rows` rows from off-chip row `src`, one row
// a request, in order, any latency (at most DEPTH requests in flight or landed), and writes each
// landed row to ring row `dst`, `dst`+1, ... (modulo the ring) in a cycle when the weight fetch
// does not read the buffer (rd_busy_i: the fetch has the banks; the fill takes the cycles left
// over). done_o pulses when a command's last row is written.
module wfill #(
  parameter integer BANKS  = 2,   // words a row (the buffer's banks)
  parameter integer WIDTH  = 32,  // bits a word
  parameter integer RW     = 7,   // bits of a ring row address
  parameter integer OA_W   = 24,  // bits of an off-chip row address
  parameter integer DEPTH  = 4,   // rows requested ahead (a power of two, >= 2)
  // derived (do not set)
  parameter integer RB     = BANKS * WIDTH
) (
  input  wire            clk_i,
  input  wire            rst_ni,
  // commands
  input  wire            cmd_valid_i,
  output wire            cmd_ready_o,
  input  wire [OA_W-1:0] cmd_src_i,    // first off-chip row
  input  wire [15:0]     cmd_rows_i,   // rows (>= 1)
  input  wire [RW-1:0]   cmd_dst_i,    // first ring row
  // off-chip weight memory: one row a request, answered in order
  output wire            wm_req_o,
  output wire [OA_W-1:0] wm_addr_o,
  input  wire            wm_valid_i,
  input  wire [RB-1:0]   wm_data_i,
  // the buffer's write port
  input  wire            rd_busy_i,    // the fetch reads the buffer this cycle
  output wire            wr_en_o,
  output wire [RW-1:0]   wr_row_o,
  output wire [RB-1:0]   wr_data_o,
  output reg             done_o,       // a command's last row was written (the cycle after)
  output wire            idle_o        // no command queued or running
);
  localparam integer PW = $clog2(DEPTH);
  // two queued commands: the running one (a) and the next (b)
  reg            av_q, bv_q;
  reg [OA_W-1:0] asrc_q, bsrc_q;
  reg [15:0]     arows_q, brows_q;
  reg [RW-1:0]   adst_q, bdst_q;
  reg [15:0]     req_q, wr_q;                    // rows of the running command requested,
                                                 // written
  reg [RB-1:0]   land_q [0:DEPTH-1];             // rows landed, not yet written
  reg [PW-1:0]   lwr_q, lrd_q;
  reg [PW:0]     held_q;                         // rows in flight or landed
  reg [PW:0]     land_n_q;                       // rows landed

  assign cmd_ready_o = !bv_q;
  assign idle_o      = !av_q;
  assign wm_req_o    = av_q && (req_q != arows_q) && (held_q != DEPTH[PW:0]);
  assign wm_addr_o   = asrc_q + {{(OA_W-16){1'b0}}, req_q};
  assign wr_en_o     = av_q && (land_n_q != {(PW+1){1'b0}}) && !rd_busy_i;
  assign wr_row_o    = adst_q + wr_q[RW-1:0];
  assign wr_data_o   = land_q[lrd_q];
  wire   last        = wr_en_o && (wr_q + 16'd1 == arows_q);
  wire   take        = cmd_valid_i && !bv_q;

  always @(posedge clk_i) begin
    if (wm_valid_i) land_q[lwr_q] <= wm_data_i;
    if (!rst_ni) begin
      av_q <= 1'b0; bv_q <= 1'b0;
      req_q <= 16'd0; wr_q <= 16'd0; lwr_q <= {PW{1'b0}}; lrd_q <= {PW{1'b0}};
      held_q <= {(PW+1){1'b0}}; land_n_q <= {(PW+1){1'b0}}; done_o <= 1'b0;
    end else begin
      done_o <= last;
      if (wm_req_o) req_q <= req_q + 16'd1;
      if (wm_valid_i) lwr_q <= lwr_q + {{(PW-1){1'b0}}, 1'b1};
      if (wr_en_o) begin
        lrd_q <= lrd_q + {{(PW-1){1'b0}}, 1'b1};
        wr_q  <= wr_q + 16'd1;
      end
      held_q   <= held_q + {{PW{1'b0}}, wm_req_o} - {{PW{1'b0}}, wr_en_o};
      land_n_q <= land_n_q + {{PW{1'b0}}, wm_valid_i} - {{PW{1'b0}}, wr_en_o};
      // the queue: the next command moves up when the running one ends
      if (last) begin
        req_q <= 16'd0; wr_q <= 16'd0;
        av_q <= bv_q; asrc_q <= bsrc_q; arows_q <= brows_q; adst_q <= bdst_q;
        bv_q <= 1'b0;
      end
      if (take) begin
        if (!av_q || last) begin
          av_q <= 1'b1; asrc_q <= cmd_src_i; arows_q <= cmd_rows_i; adst_q <= cmd_dst_i;
        end else begin
          bv_q <= 1'b1; bsrc_q <= cmd_src_i; brows_q <= cmd_rows_i; bdst_q <= cmd_dst_i;
        end
      end
    end
  end
endmodule
