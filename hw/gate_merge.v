// SEMM merges, CH channels of one token and step per cycle: EMSA Y = sum_i R_i AND O_i over E
// experts (an integer 0..E per channel) and EMSP G AND B. Outputs registered, one cycle later.
module gate_merge #(
  parameter integer E   = 4,                 // EMSA experts
  parameter integer CH  = 16,                // channels per cycle
  parameter integer Y_W = $clog2(E + 1)      // bits of an EMSA sum, 0..E
) (
  input  wire                clk_i,
  input  wire                rst_ni,     // active-low synchronous reset
  // EMSA: router spikes R_i of this token and step, and each expert's output spikes O_i
  input  wire                emsa_valid_i,
  input  wire [E-1:0]        emsa_r_i,   // expert i routed
  input  wire [E*CH-1:0]     emsa_o_i,   // expert i, channel c at bit i*CH + c
  output reg                 emsa_valid_o,
  output reg  [CH*Y_W-1:0]   emsa_y_o,   // channel c at bits [c*Y_W +: Y_W]
  // EMSP: the gate G (after its LIF) and the B half of H1
  input  wire                emsp_valid_i,
  input  wire [CH-1:0]       emsp_g_i,
  input  wire [CH-1:0]       emsp_b_i,
  output reg                 emsp_valid_o,
  output reg  [CH-1:0]       emsp_gb_o
);
  reg [CH*Y_W-1:0] y_d;
  integer c, i;
  always @* begin
    y_d = {(CH*Y_W){1'b0}};
    for (c = 0; c < CH; c = c + 1)
      for (i = 0; i < E; i = i + 1)
        if (emsa_r_i[i] && emsa_o_i[i*CH + c])
          y_d[c*Y_W +: Y_W] = y_d[c*Y_W +: Y_W] + 1'b1;
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      emsa_valid_o <= 1'b0;
      emsp_valid_o <= 1'b0;
    end else begin
      emsa_valid_o <= emsa_valid_i;
      emsp_valid_o <= emsp_valid_i;
    end
  end
  // data registers carry no reset: the valids qualify them
  always @(posedge clk_i) begin
    if (emsa_valid_i) emsa_y_o  <= y_d;
    if (emsp_valid_i) emsp_gb_o <= emsp_g_i & emsp_b_i;
  end
endmodule
