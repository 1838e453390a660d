//===- FuzzInput.h - Feeding libFuzzer's bytes to Kiln's file readers -----===//
//
// The readers take paths (they check the file type, size and name in their
// messages), so each input becomes an in-memory file (memfd) read through
// /proc/self/fd. kiln::Error is the expected outcome of bad input; any other
// exception, a crash, a sanitizer report, a leak or a timeout is a finding.
//
#ifndef KILN_FUZZ_FUZZINPUT_H
#define KILN_FUZZ_FUZZINPUT_H

#include "kiln/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace kiln::fuzz {

/// An in-memory file holding the bytes, for as long as it lives.
class MemFile {
public:
  MemFile(const uint8_t *data, size_t size) {
    fd = memfd_create("kiln-fuzz", MFD_CLOEXEC);
    if (fd < 0 || (size && ::write(fd, data, size) != ssize_t(size))) {
      std::perror("kiln fuzz: memfd");
      std::abort();
    }
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  ~MemFile() { ::close(fd); }
  MemFile(const MemFile &) = delete;
  MemFile &operator=(const MemFile &) = delete;
  std::string path;

private:
  int fd = -1;
};

/// Runs `read`, accepting a kiln::Error (a refused input).
template <typename Fn> void expectCleanly(Fn &&read) {
  try {
    read();
  } catch (const kiln::Error &) {
  }
}

} // namespace kiln::fuzz

#endif // KILN_FUZZ_FUZZINPUT_H
