// The libFuzzer entry point of one fuzz target; CMake names the check it runs
// (TINCAN_FUZZ_CHECK_FUNCTION), see tests/fuzz/CMakeLists.txt.
#include "fuzzchecks.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Tincan::Fuzz::TINCAN_FUZZ_CHECK_FUNCTION(QByteArrayView(data, qsizetype(size)));
    return 0;
}
