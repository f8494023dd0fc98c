// Global buffer: BANKS single-port SRAM banks with word addresses striped across them
// (word a in bank a % BANKS, row a / BANKS), so BANKS consecutive words move in one cycle.
module glb #(
  parameter integer BANKS  = 2,                                // banks, a power of two
  parameter integer WIDTH  = 32,                               // bits per word (bank width)
  parameter integer DEPTH  = 256,                              // words in all, BANKS x 2^k
  parameter integer ADDR_W = (DEPTH > 1) ? $clog2(DEPTH) : 1   // bits of a word address
) (
  input  wire                   clk_i,
  // burst port: lane j accesses word addr_i + j (j < BANKS) when lane_en_i[j]
  input  wire                   en_i,
  input  wire                   we_i,
  input  wire [ADDR_W-1:0]      addr_i,     // word address of lane 0
  input  wire [BANKS-1:0]       lane_en_i,
  input  wire [BANKS*WIDTH-1:0] wdata_i,    // lane j at bits [j*WIDTH +: WIDTH]
  output reg  [BANKS*WIDTH-1:0] rdata_o,    // lanes of the read issued in the previous cycle
  // activity: banks accessed this cycle (reads and writes, one per bank at most)
  output reg  [BANKS-1:0]       bank_en_o
);
  localparam integer LOG2B = $clog2(BANKS);
  localparam integer ROW_W = ADDR_W - LOG2B;  // bits of a row address inside a bank
  localparam integer ROWS  = DEPTH / BANKS;    // words per bank

  wire [BANKS*WIDTH-1:0] bank_rdata;  // bank b at bits [b*WIDTH +: WIDTH]

  genvar b;
  generate
    if (BANKS == 1) begin : g_one
      always @* bank_en_o = en_i & lane_en_i;
      sram_bank #(.WIDTH(WIDTH), .DEPTH(DEPTH), .ADDR_W(ADDR_W)) u_bank (
        .clk_i   (clk_i),
        .en_i    (bank_en_o[0]),
        .we_i    (we_i),
        .addr_i  (addr_i),
        .wdata_i (wdata_i),
        .rdata_o (bank_rdata)
      );
      always @* rdata_o = bank_rdata;
    end else begin : g_striped
      wire [LOG2B-1:0] addr_bank = addr_i[LOG2B-1:0];       // bank of lane 0
      wire [ROW_W-1:0] addr_row  = addr_i[ADDR_W-1:LOG2B];  // row of lane 0
      reg  [LOG2B-1:0] rot_q;                               // addr_bank of the last read

      for (b = 0; b < BANKS; b = b + 1) begin : g_bank
        localparam [LOG2B-1:0] B = b;
        reg  [LOG2B-1:0] lane;   // the lane whose word lives in this bank
        reg  [LOG2B:0]   low;    // addr_bank + lane: its carry is a wrap into the next row
        reg  [ROW_W-1:0] row;
        reg  [WIDTH-1:0] wdata;
        always @* begin
          lane          = B - addr_bank;
          // banks below lane 0's bank hold the words that wrapped into the next row
          low           = {1'b0, addr_bank} + {1'b0, lane};
          row           = addr_row + {{(ROW_W-1){1'b0}}, low[LOG2B]};
          bank_en_o[b]  = en_i & lane_en_i[lane];
          wdata         = wdata_i[lane*WIDTH +: WIDTH];
        end
        sram_bank #(.WIDTH(WIDTH), .DEPTH(ROWS), .ADDR_W(ROW_W)) u_bank (
          .clk_i   (clk_i),
          .en_i    (bank_en_o[b]),
          .we_i    (we_i),
          .addr_i  (row),
          .wdata_i (wdata),
          .rdata_o (bank_rdata[b*WIDTH +: WIDTH])
        );
      end

      always @(posedge clk_i) begin
        if (en_i && !we_i) rot_q <= addr_bank;
      end

      // lane j of the read came from bank (rot_q + j) % BANKS
      integer j;
      reg [LOG2B-1:0] src;
      always @* begin
        rdata_o = {(BANKS*WIDTH){1'b0}};
        src     = {LOG2B{1'b0}};
        for (j = 0; j < BANKS; j = j + 1) begin
          src = rot_q + j[LOG2B-1:0];
          rdata_o[j*WIDTH +: WIDTH] = bank_rdata[src*WIDTH +: WIDTH];
        end
      end
    end
  endgenerate
endmodule
