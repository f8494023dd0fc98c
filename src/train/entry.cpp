// The trainer module's entry point, looked up by name when `spikestack train` runs
// (src/cli/train.cpp loads libspikestack_train.so only then).
#include "train/train_command.h"

namespace ss {

extern "C" int spikestack_train_main(const TrainOptions* opts) { return train_main(*opts); }

}  // namespace ss
