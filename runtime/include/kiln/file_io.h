//===- file_io.h - Whole-file reads, gunzip and atomic writes -------------===//
#ifndef KILN_FILE_IO_H
#define KILN_FILE_IO_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiln {

/// The whole file; throws kiln::Error naming `path` on any failure.
std::vector<uint8_t> readFile(const std::string &path);

/// The whole file, inflated when it starts with the gzip magic (1f 8b):
/// the content decides, not the name. Inflating to more than the machine's
/// physical memory is an error, not an out-of-memory kill.
std::vector<uint8_t> readFileDecompressed(const std::string &path);

/// How gunzip treats output beyond its limit.
enum class Beyond { Fail, Stop };

/// Inflates gzip data (concatenated members allowed); `name` is for errors.
/// At most `limit` bytes: more is an error (Beyond::Fail), or the first
/// `limit` bytes are returned (Beyond::Stop, to read a header first).
std::vector<uint8_t> gunzip(const uint8_t *data, size_t size,
                            const std::string &name, size_t limit = SIZE_MAX,
                            Beyond beyond = Beyond::Fail);

/// Physical memory in bytes (SIZE_MAX when unknown).
size_t physicalMemory();

bool isGzip(const std::vector<uint8_t> &bytes);

/// Writes `<path>.tmp-<pid>` and renames it over `path` on commit(), so a
/// reader never sees a partial file. If commit() is not reached (an error
/// anywhere, including an exception between writes) the destructor removes
/// the temporary file and `path` keeps its old contents.
class AtomicFile {
public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;

  void write(const void *data, size_t size);
  /// fsync, close, rename over the target, fsync the directory.
  void commit();

private:
  std::string path;
  std::string tempPath;
  int fd = -1;
};

void writeFileAtomic(const std::string &path, std::string_view contents);

/// Throws unless `path`'s directory exists and is writable, so a long
/// training run does not end in an unsavable checkpoint.
void checkWritableLocation(const std::string &path);
/// Fails when `path` exists and is not a regular file (a symlink, a device,
/// a FIFO): an atomic write would replace it by a plain file.
void checkReplaceable(const std::string &path);

} // namespace kiln

#endif // KILN_FILE_IO_H
