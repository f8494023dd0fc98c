// Spike generator: LANES LIF neurons, one neuron-step each per cycle, bit-exact to the int
// mode of docs/formats.md §4 (current saturation, fixed point, decay, threshold, hard reset).
module spike_gen #(
  parameter integer LANES      = 4,   // neuron-steps per cycle
  parameter integer ACC_W      = 32,  // bits of the exact partial sum acc (signed)
  parameter integer BIAS_W     = 32,  // bits of the fixed-point bias (signed, <= CUR_W)
  parameter integer CUR_W      = 32,  // bits of the current X; runtime A + F + 1 must be <= CUR_W
  parameter integer MEM_W      = 24,  // membrane bits M (model quant.mem_bits); V and th are MEM_W
  parameter integer SCALE_W    = 16,  // bits of the unsigned attention scale llround(s * 2^F)
  parameter integer DECAY_W    = 17,  // bits of the unsigned decay llround(2^16 / tau) (<= 65536)
  parameter integer DECAY_FRAC = 16,  // fraction bits of the decay factor (formats.md: 2^16)
  parameter integer CFG_W      = 6,   // bits of the runtime bit counts A and F
  // Non-zero: the decay (or attention scale) is this constant and its cfg input is ignored,
  // so synthesis folds the multiplier (a shift for tau = 2 or s = 1/8). 0: runtime value.
  parameter integer DECAY_CONST = 0,  // llround(2^16 / tau), e.g. 32768
  parameter integer SCALE_CONST = 0   // llround(attn_scale * 2^F), e.g. 32
) (
  input  wire                     clk_i,
  input  wire                     rst_ni,             // active-low synchronous reset
  // runtime configuration, common to all lanes (stable while valid steps flow)
  input  wire [CFG_W-1:0]         cfg_acc_bits_i,     // A: sat_A(acc); 1 <= A <= ACC_W
  input  wire [CFG_W-1:0]         cfg_frac_bits_i,    // F: fraction bits of X, V and th
  input  wire                     cfg_attn_i,         // 1: X = sat_{A+F+1}(acc * attn_scale)
  input  wire [SCALE_W-1:0]       cfg_attn_scale_i,   // llround(attn_scale * 2^F)
  input  wire [DECAY_W-1:0]       cfg_decay_i,        // llround(2^16 / tau), e.g. 32768 for tau 2
  // neuron-steps in: one per lane
  input  wire [LANES-1:0]         valid_i,
  input  wire [LANES*ACC_W-1:0]   acc_i,              // exact weighted sum (or attention count)
  input  wire [LANES*BIAS_W-1:0]  bias_i,             // sat_{A+F+1}(llround(b / s * 2^F))
  input  wire [LANES*MEM_W-1:0]   th_i,               // threshold, fixed point
  input  wire [LANES*MEM_W-1:0]   v_i,                // membrane before this step
  // results, registered: one cycle after the step went in
  output reg  [LANES-1:0]         valid_o,
  output reg  [LANES-1:0]         spike_o,            // S = H >= th (0 when not valid)
  output reg  [LANES*MEM_W-1:0]   v_o                 // membrane after reset: S ? 0 : H
);
  // Width of the current path before saturation: holds sat_A(acc) * 2^F + bias (CUR_W + 1)
  // and the attention product acc * scale (ACC_W + SCALE_W + 1), whichever is wider.
  localparam integer XW = (ACC_W + SCALE_W + 1 > CUR_W + 1) ? ACC_W + SCALE_W + 1 : CUR_W + 1;
  localparam integer DW = CUR_W + 1 + DECAY_W + 1;  // (X - V) * decay
  localparam [XW-1:0] ONE = {{(XW-1){1'b0}}, 1'b1};
  localparam signed [DW-1:0] MEM_HI = (({{(DW-1){1'b0}}, 1'b1}) << (MEM_W - 1)) - 1;
  localparam signed [DW-1:0] MEM_LO = ~MEM_HI;

  // Saturation limits at the runtime widths A and A + F + 1, shared by every lane.
  reg        [CFG_W:0]  cur_bits;  // A + F
  reg signed [XW-1:0]   acc_hi, acc_lo, cur_hi, cur_lo;
  always @* begin
    cur_bits = {1'b0, cfg_acc_bits_i} + {1'b0, cfg_frac_bits_i};
    acc_hi   = (ONE << (cfg_acc_bits_i - 1'b1)) - ONE;
    acc_lo   = ~acc_hi;
    cur_hi   = (ONE << cur_bits) - ONE;
    cur_lo   = ~cur_hi;
  end

  localparam [SCALE_W-1:0] SCALE_K = SCALE_CONST[SCALE_W-1:0];
  localparam [DECAY_W-1:0] DECAY_K = DECAY_CONST[DECAY_W-1:0];
  wire [SCALE_W-1:0]      scale   = (SCALE_CONST != 0) ? SCALE_K : cfg_attn_scale_i;
  wire [DECAY_W-1:0]      decay   = (DECAY_CONST != 0) ? DECAY_K : cfg_decay_i;
  wire signed [SCALE_W:0] scale_s = {1'b0, scale};
  wire signed [DECAY_W:0] decay_s = {1'b0, decay};

  reg [LANES-1:0]       spike_d;
  reg [LANES*MEM_W-1:0] v_d;

  genvar l;
  generate
    for (l = 0; l < LANES; l = l + 1) begin : g_lane
      wire signed [ACC_W-1:0]         acc  = acc_i[l*ACC_W +: ACC_W];
      wire signed [BIAS_W-1:0]        bias = bias_i[l*BIAS_W +: BIAS_W];
      wire signed [MEM_W-1:0]         th   = th_i[l*MEM_W +: MEM_W];
      wire signed [MEM_W-1:0]         v    = v_i[l*MEM_W +: MEM_W];
      wire signed [ACC_W+SCALE_W:0]   attn_prod = acc * scale_s;  // exact: count * s_fx

      // Every operand below is a signed variable: one unsigned operand (a concatenation)
      // would make a whole expression unsigned and turn >>> into a logical shift.
      reg signed [XW-1:0]    acc_x, acc_sat, bias_x, pre;
      reg signed [CUR_W-1:0] x;       // the current X
      reg signed [CUR_W:0]   diff;    // X - V
      reg signed [DW-1:0]    v_x;     // V sign-extended
      reg signed [DW-1:0]    dprod;   // (X - V) * decay, exact
      reg signed [DW-1:0]    h;       // V + floor(dprod / 2^16), before sat_M
      reg signed [MEM_W-1:0] h_sat;

      always @* begin
        // X = sat_{A+F+1}(sat_A(acc) * 2^F + bias)   or   sat_{A+F+1}(acc * scale)
        acc_x   = {{(XW-ACC_W){acc[ACC_W-1]}}, acc};
        acc_sat = (acc_x > acc_hi) ? acc_hi : ((acc_x < acc_lo) ? acc_lo : acc_x);
        bias_x  = {{(XW-BIAS_W){bias[BIAS_W-1]}}, bias};
        pre     = (acc_sat <<< cfg_frac_bits_i) + bias_x;
        if (cfg_attn_i) pre = {{(XW-ACC_W-SCALE_W-1){attn_prod[ACC_W+SCALE_W]}}, attn_prod};
        pre     = (pre > cur_hi) ? cur_hi : ((pre < cur_lo) ? cur_lo : pre);
        x       = pre[CUR_W-1:0];
        // H = sat_M(V + floor((X - V) * decay / 2^16)); the shift of a signed value is a floor
        v_x     = {{(DW-MEM_W){v[MEM_W-1]}}, v};
        diff    = {x[CUR_W-1], x} - v_x[CUR_W:0];
        dprod   = diff * decay_s;
        h       = v_x + (dprod >>> DECAY_FRAC);
        h       = (h > MEM_HI) ? MEM_HI : ((h < MEM_LO) ? MEM_LO : h);
        h_sat   = h[MEM_W-1:0];
        // S = H >= th; V = S ? 0 : H
        spike_d[l]              = valid_i[l] && (h_sat >= th);
        v_d[l*MEM_W +: MEM_W]   = (h_sat >= th) ? {MEM_W{1'b0}} : h_sat;
      end
    end
  endgenerate

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_o <= {LANES{1'b0}};
      spike_o <= {LANES{1'b0}};
      v_o     <= {(LANES*MEM_W){1'b0}};
    end else begin
      valid_o <= valid_i;
      spike_o <= spike_d;
      v_o     <= v_d;
    end
  end
endmodule
