// tiny_pe: one bit-serial multiply-accumulate PE of tiny_mac. Each cycle the
// accumulator shifts left by one and adds the weight when the activation bit
// is one (MSB-first shift-add multiply), saturating at the signed ACC_BITS
// range; clear_i zeroes it.
module tiny_pe #(
    parameter WEIGHT_BITS = 8,   // signed weight width
    parameter ACC_BITS = 16      // signed saturating accumulator width
) (
    input  wire                   clk_i,
    input  wire                   rst_ni,
    input  wire                   clear_i,
    input  wire                   act_bit_i,
    input  wire [WEIGHT_BITS-1:0] weight_i,
    output wire [ACC_BITS-1:0]    acc_o
);
  localparam signed [ACC_BITS+1:0] ACC_MAX = (1 <<< (ACC_BITS - 1)) - 1;
  localparam signed [ACC_BITS+1:0] ACC_MIN = -(1 <<< (ACC_BITS - 1));

  reg  [ACC_BITS-1:0] acc_q;
  wire signed [ACC_BITS:0] shifted = {acc_q[ACC_BITS-1], acc_q} <<< 1;
  wire signed [ACC_BITS:0] addend =
      act_bit_i ? {{(ACC_BITS + 1 - WEIGHT_BITS){weight_i[WEIGHT_BITS-1]}}, weight_i}
                : {(ACC_BITS + 1){1'b0}};
  wire signed [ACC_BITS+1:0] sum = {shifted[ACC_BITS], shifted} + {addend[ACC_BITS], addend};
  wire signed [ACC_BITS-1:0] sat =
      (sum > ACC_MAX) ? ACC_MAX[ACC_BITS-1:0] :
      (sum < ACC_MIN) ? ACC_MIN[ACC_BITS-1:0] : sum[ACC_BITS-1:0];

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) acc_q <= {ACC_BITS{1'b0}};
    else if (clear_i) acc_q <= {ACC_BITS{1'b0}};
    else acc_q <= sat;
  end

  assign acc_o = acc_q;
endmodule
