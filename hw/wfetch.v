// Weight fetch of one SE core: a queue of DEPTH ops between the controller and the core. An op
// (other than one that keeps the weights before, op_wkeep_i) reads its weight tile from the
// weight buffer (hw/glb.v, through hw/bus.v) while it waits here: ceil(ru cu WEIGHT_BITS / GW)
// words, BEAT words a request, in order; the core takes the op with its tile once every word
// has arrived. The later entries let the next ops' requests go out while the words of the ones
// before are still on their way (the SRAM's read cycle and the bus's stages), so tiles stream at
// the buffer's rate. A tile is stored packed (element (r, c) of an ru x cu tile at bits
// (r cu + c) WEIGHT_BITS from its first word) and unpacked here into the array's ROWS x COLS
// layout (PE (r, c) at r COLS + c, zero outside ru x cu).
module wfetch #(
  parameter integer ROWS        = 4,    // array rows
  parameter integer COLS        = 4,    // array columns
  parameter integer WEIGHT_BITS = 8,    // weight bits
  parameter integer REC_W       = 32,   // op record bits (carried through unchanged)
  parameter integer GW          = 32,   // weight-buffer word bits
  parameter integer BEAT        = 2,    // words a request moves
  parameter integer GA_W        = 8,    // word address bits
  parameter integer DEPTH       = 4,    // ops queued (a power of two, >= 2)
  // derived (do not set)
  parameter integer WT          = ROWS * COLS * WEIGHT_BITS,
  parameter integer BB          = BEAT * GW,                  // bits of a beat
  parameter integer NB          = (WT + BB - 1) / BB,         // beats of a whole tile
  parameter integer PK          = NB * BB,                    // packed tile buffer bits
  parameter integer QW          = $clog2(DEPTH)               // bits of an entry index
) (
  input  wire              clk_i,
  input  wire              rst_ni,
  // from the controller: an op record and the fields this stage reads
  input  wire              op_valid_i,
  output wire              op_ready_o,
  input  wire [REC_W-1:0]  op_rec_i,
  input  wire              op_dep_i,     // carried to the core with the op
  input  wire              op_wkeep_i,
  input  wire [15:0]       op_ru_i,
  input  wire [15:0]       op_cu_i,
  input  wire [GA_W-1:0]   op_waddr_i,   // word address of the tile's first word
  // to the core: the oldest op, with its tile unpacked
  output wire              core_valid_o,
  input  wire              core_ready_i,
  output wire [REC_W-1:0]  core_rec_o,
  output wire              core_dep_o,
  output reg  [WT-1:0]     core_wtile_o,
  // read requests to the weight buffer (one beat; taken when granted)
  output wire              rq_valid_o,
  input  wire              rq_gnt_i,
  output wire [GA_W-1:0]   rq_addr_o,
  output wire [BEAT-1:0]   rq_lanes_o,   // lane j reads word rq_addr_o + j
  // the words read, in request order
  input  wire              bt_valid_i,
  input  wire [BB-1:0]     bt_data_i,
  // status: no op queued; the oldest queued op waits for the layer before (op_dep_i)
  output wire              empty_o,
  output wire              head_dep_o
);
  reg             v_q [0:DEPTH-1];
  reg [REC_W-1:0] rec_q [0:DEPTH-1];
  reg             dep_q [0:DEPTH-1];
  reg             wk_q [0:DEPTH-1];
  reg [15:0]      ru_q [0:DEPTH-1], cu_q [0:DEPTH-1];
  reg [GA_W-1:0]  addr_q [0:DEPTH-1];
  reg [15:0]      words_q [0:DEPTH-1];   // words of the tile
  reg [15:0]      nb_q [0:DEPTH-1];      // beats of the tile
  reg [15:0]      req_q [0:DEPTH-1];     // beats requested
  reg [15:0]      got_q [0:DEPTH-1];     // beats arrived
  reg [PK-1:0]    pk_q [0:DEPTH-1];      // the packed tile
  reg [QW-1:0]    hd_q;                  // the oldest entry
  reg [QW:0]      n_q;                   // entries held

  wire [31:0] in_bits  = {16'd0, op_ru_i} * {16'd0, op_cu_i} * WEIGHT_BITS;
  wire [31:0] in_words = (in_bits + GW - 1) / GW;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [31:0] in_beats = (in_words + BEAT - 1) / BEAT;   // at most NB: 16 bits hold it
  wire [QW:0] tl_w     = {1'b0, hd_q} + n_q;             // the free entry, modulo DEPTH
  /* verilator lint_on UNUSEDSIGNAL */
  wire [QW-1:0] tl = tl_w[QW-1:0];

  assign core_valid_o = v_q[hd_q] && (wk_q[hd_q] || got_q[hd_q] == nb_q[hd_q]);
  assign core_rec_o   = rec_q[hd_q];
  assign core_dep_o   = dep_q[hd_q];
  wire pop = core_valid_o && core_ready_i;
  assign op_ready_o = (n_q != DEPTH[QW:0]) || pop;
  wire push = op_valid_i && op_ready_o;
  assign empty_o    = (n_q == {(QW+1){1'b0}});
  assign head_dep_o = v_q[hd_q] && dep_q[hd_q];

  // the oldest entry with beats still to request, and the oldest with beats on their way
  reg          rq_f, ls_f;
  reg [QW-1:0] rs, ls, ix;
  integer i;
  always @* begin
    rq_f = 1'b0; ls_f = 1'b0;
    rs = hd_q; ls = hd_q; ix = hd_q;
    for (i = 0; i < DEPTH; i = i + 1) begin
      ix = hd_q + i[QW-1:0];
      if (!rq_f && v_q[ix] && !wk_q[ix] && req_q[ix] != nb_q[ix]) begin
        rq_f = 1'b1; rs = ix;
      end
      if (!ls_f && v_q[ix] && got_q[ix] != req_q[ix]) begin
        ls_f = 1'b1; ls = ix;
      end
    end
  end
  assign rq_valid_o = rq_f;
  wire [31:0] rq_off  = {16'd0, req_q[rs]} * BEAT;          // words requested so far
  wire [31:0] rq_left = {16'd0, words_q[rs]} - rq_off;
  assign rq_addr_o  = addr_q[rs] + rq_off[GA_W-1:0];
  assign rq_lanes_o = (rq_left >= BEAT) ? {BEAT{1'b1}} : ~({BEAT{1'b1}} << rq_left);
  wire rq_take = rq_f && rq_gnt_i;

  // the oldest tile, unpacked
  integer r, c;
  /* verilator lint_off UNUSEDSIGNAL */
  reg [31:0] at;                                   // a bit of the packed tile: below PK
  /* verilator lint_on UNUSEDSIGNAL */
  always @* begin
    core_wtile_o = {WT{1'b0}};
    at = 32'd0;
    for (r = 0; r < ROWS; r = r + 1)
      for (c = 0; c < COLS; c = c + 1)
        if (r < {16'd0, ru_q[hd_q]} && c < {16'd0, cu_q[hd_q]}) begin
          at = (r * {16'd0, cu_q[hd_q]} + c) * WEIGHT_BITS;
          core_wtile_o[(r*COLS + c)*WEIGHT_BITS +: WEIGHT_BITS] = pk_q[hd_q][at +: WEIGHT_BITS];
        end
  end

  integer e;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      for (e = 0; e < DEPTH; e = e + 1) v_q[e] <= 1'b0;
      hd_q <= {QW{1'b0}};
      n_q  <= {(QW+1){1'b0}};
    end else begin
      if (rq_take) req_q[rs] <= req_q[rs] + 16'd1;
      if (bt_valid_i) begin
        pk_q[ls][{16'd0, got_q[ls]} * BB +: BB] <= bt_data_i;
        got_q[ls] <= got_q[ls] + 16'd1;
      end
      if (pop) begin
        v_q[hd_q] <= 1'b0;
        hd_q <= hd_q + {{(QW-1){1'b0}}, 1'b1};
      end
      if (push) begin   // (the free entry is never the one requesting or landing)
        v_q[tl] <= 1'b1;
        rec_q[tl] <= op_rec_i; dep_q[tl] <= op_dep_i; wk_q[tl] <= op_wkeep_i;
        ru_q[tl] <= op_ru_i; cu_q[tl] <= op_cu_i; addr_q[tl] <= op_waddr_i;
        words_q[tl] <= in_words[15:0];
        nb_q[tl] <= op_wkeep_i ? 16'd0 : in_beats[15:0];
        req_q[tl] <= 16'd0; got_q[tl] <= 16'd0;
      end
      n_q <= n_q + {{QW{1'b0}}, push} - {{QW{1'b0}}, pop};
    end
  end
endmodule
