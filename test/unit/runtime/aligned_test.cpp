//===- aligned_test.cpp - Cache-line storage and huge-page advice ---------===//
#include "kiln/aligned.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>

namespace kiln {
namespace {

/// The VmFlags of the mapping holding `p` (/proc/self/smaps), or "" when
/// there is no such file.
std::string vmFlagsAt(const void *p) {
  std::ifstream smaps("/proc/self/smaps");
  uintptr_t at = reinterpret_cast<uintptr_t>(p);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    unsigned long long lo, hi;
    char dash;
    std::istringstream range(line);
    if (range >> std::hex >> lo >> dash >> hi && dash == '-' &&
        line.find(':') > line.find(' ')) {
      inside = lo <= at && at < hi;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0)
      return line;
  }
  return "";
}

// Advice only: any range, aligned to huge pages or not, stays usable and
// keeps its contents; a resize keeps the elements and zeroes the new ones.
TEST(HugePages, AdviceLeavesMemoryAsItWas) {
  adviseHugePages(nullptr, 0);
  char small[100] = {1};
  adviseHugePages(small, sizeof(small));
  EXPECT_EQ(small[0], 1);
  std::vector<uint8_t> bytes(3, 7);
  resizeAdvised(bytes, size_t(9) << 20);
  ASSERT_EQ(bytes.size(), size_t(9) << 20);
  EXPECT_EQ(bytes[2], 7);
  EXPECT_EQ(bytes[3], 0);
  EXPECT_EQ(bytes.back(), 0);
  resizeAdvised(bytes, size_t(20) << 20); // grown again: copied, then zeroes
  EXPECT_EQ(bytes[2], 7);
  EXPECT_EQ(bytes[(size_t(9) << 20) + 1], 0);
  resizeAdvised(bytes, 10); // shrinking keeps the buffer
  EXPECT_EQ(bytes.size(), 10u);
  EXPECT_EQ(bytes[2], 7);
  Floats state(size_t(3) << 20, 1.5f);
  EXPECT_EQ(state.back(), 1.5f);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(state.data()) % kCacheLine, 0u);
}

// The advice reaches the kernel: the mapping of an advised block is marked
// for huge pages ("hg"), where Linux has transparent huge pages.
TEST(HugePages, AdvisedBlocksAreMarked) {
  struct stat info;
  if (stat("/sys/kernel/mm/transparent_hugepage/enabled", &info) != 0)
    GTEST_SKIP() << "no transparent huge pages on this system";
  constexpr size_t kBlock = size_t(8) << 20;
  void *block = std::aligned_alloc(size_t(2) << 20, kBlock);
  ASSERT_NE(block, nullptr);
  const char *middle = static_cast<const char *>(block) + kBlock / 2;
  EXPECT_EQ(vmFlagsAt(middle).find(" hg"), std::string::npos) << vmFlagsAt(middle);
  adviseHugePages(block, kBlock);
  EXPECT_NE(vmFlagsAt(middle).find(" hg"), std::string::npos) << vmFlagsAt(middle);
  std::free(block);
  Floats state(size_t(6) << 20); // 24 MB: CacheAligned advises its blocks
  EXPECT_NE(vmFlagsAt(state.data() + state.size() / 2).find(" hg"), std::string::npos);
}

} // namespace
} // namespace kiln
