//===- file_io.cpp - Whole-file reads, gunzip and atomic writes -----------===//
#include "kiln/file_io.h"
#include "kiln/aligned.h"

#include "support.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln {
namespace {

std::string errnoText() { return std::strerror(errno); }

std::string directoryOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

std::vector<uint8_t> readFile(const std::string &path) {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever;
  // it is refused below like any other file that is not regular.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    fail("cannot open '{}': {}", path, errnoText());
  struct stat info;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    fail("cannot read '{}': not a regular file", path);
  }
  std::vector<uint8_t> bytes;
  resizeAdvised(bytes, size_t(info.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      std::string reason = n < 0 ? errnoText() : "file shrank while reading";
      ::close(fd);
      fail("cannot read '{}': {}", path, reason);
    }
    done += size_t(n);
  }
  ::close(fd);
  return bytes;
}

bool isGzip(const std::vector<uint8_t> &bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

size_t physicalMemory() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || pageSize <= 0)
    return SIZE_MAX;
  return size_t(pages) * size_t(pageSize);
}

std::vector<uint8_t> readFileDecompressed(const std::string &path) {
  std::vector<uint8_t> bytes = readFile(path);
  if (!isGzip(bytes))
    return bytes;
  return gunzip(bytes.data(), bytes.size(), path, physicalMemory());
}

std::vector<uint8_t> gunzip(const uint8_t *data, size_t size,
                            const std::string &name, size_t limit,
                            Beyond beyond) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) // 16: expect a gzip wrapper
    fail("{}: cannot initialize zlib", name);
  // The trailer's ISIZE (size mod 2^32) is a good first guess for the
  // output, but in a damaged file it is noise: deflate never expands more
  // than 1032-fold, so cap it there rather than allocate gigabytes.
  size_t guess = size >= 4
                     ? size_t(data[size - 4]) | size_t(data[size - 3]) << 8 |
                           size_t(data[size - 2]) << 16 |
                           size_t(data[size - 1]) << 24
                     : 0;
  guess = std::min({guess, size * 1032, limit});
  // One byte past the limit tells "exactly the limit" from "more".
  size_t cap = limit == SIZE_MAX ? limit : limit + 1;
  std::vector<uint8_t> out;
  resizeAdvised(out, std::min<size_t>(std::max<size_t>(guess, 1 << 16), cap));
  size_t inDone = 0, outDone = 0;
  for (;;) {
    if (outDone == cap)
      break; // past the limit: decided below
    if (outDone == out.size())
      resizeAdvised(out, std::min(out.size() * 2, cap));
    // zlib counts in uInt; feed at most 1 GiB at a time.
    size_t inChunk = std::min<size_t>(size - inDone, size_t(1) << 30);
    size_t outChunk = std::min<size_t>(out.size() - outDone, size_t(1) << 30);
    stream.next_in = const_cast<uint8_t *>(data + inDone);
    stream.avail_in = uInt(inChunk);
    stream.next_out = out.data() + outDone;
    stream.avail_out = uInt(outChunk);
    int status = inflate(&stream, Z_NO_FLUSH);
    inDone += inChunk - stream.avail_in;
    outDone += outChunk - stream.avail_out;
    if (status == Z_STREAM_END) {
      if (inDone == size)
        break;
      // Another gzip member follows (what `cat a.gz b.gz` produces).
      if (size - inDone < 2 || data[inDone] != 0x1f ||
          data[inDone + 1] != 0x8b) {
        inflateEnd(&stream);
        fail("{}: unexpected data after the gzip stream", name);
      }
      inflateReset(&stream);
      continue;
    }
    if (status == Z_OK)
      continue;
    std::string reason = stream.msg ? stream.msg : "";
    inflateEnd(&stream);
    if (status == Z_BUF_ERROR && inDone == size)
      fail("{}: truncated gzip data", name);
    if (status == Z_MEM_ERROR)
      fail("{}: out of memory while decompressing", name);
    fail("{}: corrupt gzip data ({})", name,
         reason.empty() ? "zlib error " + std::to_string(status) : reason);
  }
  inflateEnd(&stream);
  if (outDone > limit && beyond == Beyond::Fail)
    fail("{}: decompresses to more than {} bytes", name, limit);
  out.resize(std::min(outDone, limit));
  return out;
}

AtomicFile::AtomicFile(std::string path)
    : path(std::move(path)),
      tempPath(this->path + ".tmp-" + std::to_string(::getpid())) {
  fd = ::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    fail("cannot write '{}': {} (creating '{}')", this->path, errnoText(),
         tempPath);
}

AtomicFile::~AtomicFile() {
  if (fd >= 0) {
    ::close(fd);
    ::unlink(tempPath.c_str());
  }
}

void AtomicFile::write(const void *data, size_t size) {
  const char *bytes = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      fail("cannot write '{}': {}", path, n < 0 ? errnoText() : "no progress");
    bytes += n;
    size -= size_t(n);
  }
}

void AtomicFile::commit() {
  // Data must be on disk before the rename makes it visible under `path`,
  // or a crash could leave an empty file where the old one was.
  if (::fsync(fd) != 0)
    fail("cannot write '{}': fsync: {}", path, errnoText());
  int closing = fd;
  fd = -1;
  if (::close(closing) != 0) {
    std::string reason = errnoText();
    ::unlink(tempPath.c_str());
    fail("cannot write '{}': {}", path, reason);
  }
  try {
    checkReplaceable(path);
  } catch (...) {
    ::unlink(tempPath.c_str());
    throw;
  }
  if (::rename(tempPath.c_str(), path.c_str()) != 0) {
    std::string reason = errnoText();
    ::unlink(tempPath.c_str());
    fail("cannot write '{}': rename: {}", path, reason);
  }
  // Persist the rename itself; failing here loses nothing already written.
  int dir = ::open(directoryOf(path).c_str(), O_RDONLY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void writeFileAtomic(const std::string &path, std::string_view contents) {
  AtomicFile file(path);
  file.write(contents.data(), contents.size());
  file.commit();
}

void checkWritableLocation(const std::string &path) {
  if (path.empty())
    fail("cannot write '': the path is empty");
  std::string dir = directoryOf(path);
  struct stat info;
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
    fail("cannot write '{}': directory '{}' does not exist", path, dir);
  if (::access(dir.c_str(), W_OK) != 0)
    fail("cannot write '{}': directory '{}' is not writable", path, dir);
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
    fail("cannot write '{}': it is a directory", path);
  checkReplaceable(path);
}

void checkReplaceable(const std::string &path) {
  // The rename of the temporary would replace a symlink (not its target)
  // or a device node by a plain file.
  struct stat info;
  if (::lstat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode))
    fail("cannot write '{}': it exists and is not a regular file ({}); "
         "refusing to replace it",
         path,
         S_ISLNK(info.st_mode)    ? "a symbolic link"
         : S_ISDIR(info.st_mode)  ? "a directory"
         : S_ISFIFO(info.st_mode) ? "a FIFO"
                                  : "a device or socket");
}

} // namespace kiln
