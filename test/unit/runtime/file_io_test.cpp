//===- file_io_test.cpp - gunzip and atomic writes ------------------------===//
#include "kiln/file_io.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kiln {
namespace {

using test::errorOf;
using testing::ElementsAre;
using testing::HasSubstr;

std::string asString(const std::vector<uint8_t> &bytes) {
  return std::string(bytes.begin(), bytes.end());
}

TEST(Gunzip, DetectsGzipByContentNotName) {
  test::TempDir dir;
  std::string text(100000, 'k');
  test::writeFile(dir.path("plain.gz"), text);
  test::writeFile(dir.path("packed"), test::gzip(text));
  EXPECT_EQ(asString(readFileDecompressed(dir.path("plain.gz"))), text);
  EXPECT_EQ(asString(readFileDecompressed(dir.path("packed"))), text);
}

TEST(Gunzip, AcceptsConcatenatedMembers) {
  std::string packed = test::gzip("abc") + test::gzip("def");
  std::vector<uint8_t> out = gunzip(
      reinterpret_cast<const uint8_t *>(packed.data()), packed.size(), "x");
  EXPECT_EQ(asString(out), "abcdef");
}

// The trailer's size is the last member's alone: the output buffer grows
// past its first guess (resizeAdvised, a new buffer each time).
TEST(Gunzip, GrowsPastTheTrailersGuess) {
  test::TempDir dir;
  std::string big(5 << 20, 'a'), small = "tail";
  for (size_t i = 0; i < big.size(); i += 4099)
    big[i] = char('a' + i % 26);
  test::writeFile(dir.path("two.gz"), test::gzip(big) + test::gzip(small));
  EXPECT_EQ(asString(readFileDecompressed(dir.path("two.gz"))), big + small);
}

TEST(Gunzip, StopsAtItsLimit) {
  std::string packed = test::gzip(std::string(100000, 'q'));
  auto run = [&](size_t limit, Beyond beyond) {
    return gunzip(reinterpret_cast<const uint8_t *>(packed.data()), packed.size(), "bomb",
                  limit, beyond);
  };
  EXPECT_EQ(run(100000, Beyond::Fail).size(), 100000u);
  EXPECT_THAT(errorOf([&] { run(99999, Beyond::Fail); }),
              HasSubstr("bomb: decompresses to more than 99999 bytes"));
  EXPECT_EQ(asString(run(10, Beyond::Stop)), std::string(10, 'q'));
  EXPECT_EQ(run(200000, Beyond::Stop).size(), 100000u);
}

TEST(Gunzip, RejectsTruncatedAndCorruptData) {
  test::TempDir dir;
  std::string packed = test::gzip(std::string(5000, 'z') + "tail");
  test::writeFile(dir.path("truncated"), packed.substr(0, packed.size() / 2));
  EXPECT_THAT(errorOf([&] { readFileDecompressed(dir.path("truncated")); }),
              HasSubstr("truncated gzip data"));
  std::string corrupt = packed;
  for (size_t i = 12; i < corrupt.size() - 8; ++i)
    corrupt[i] ^= 0x5a;
  test::writeFile(dir.path("corrupt"), corrupt);
  EXPECT_THAT(errorOf([&] { readFileDecompressed(dir.path("corrupt")); }),
              HasSubstr(dir.path("corrupt") + ": corrupt gzip data"));
  test::writeFile(dir.path("trailing"), packed + "junk");
  EXPECT_THAT(errorOf([&] { readFileDecompressed(dir.path("trailing")); }),
              HasSubstr("unexpected data after the gzip stream"));
}

TEST(ReadFile, NamesTheMissingPath) {
  EXPECT_THAT(errorOf([] { readFile("/nonexistent/kiln-file"); }),
              HasSubstr("cannot open '/nonexistent/kiln-file'"));
  EXPECT_THAT(errorOf([] { readFile("/tmp"); }),
              HasSubstr("not a regular file"));
}

TEST(AtomicFile, ReplacesTheTargetOnCommit) {
  test::TempDir dir;
  std::string target = dir.path("out.txt");
  test::writeFile(target, "old");
  writeFileAtomic(target, "new contents");
  EXPECT_EQ(test::readText(target), "new contents");
  EXPECT_THAT(test::listDir(dir.getPath()), ElementsAre("out.txt"));
}

TEST(AtomicFile, AbandonedWriteKeepsTheOriginal) {
  test::TempDir dir;
  std::string target = dir.path("out.txt");
  test::writeFile(target, "old");
  {
    AtomicFile file(target);
    file.write("partial", 7);
    // An exception here (e.g. a failing tensor copy) skips commit().
  }
  EXPECT_EQ(test::readText(target), "old");
  EXPECT_THAT(test::listDir(dir.getPath()), ElementsAre("out.txt"));
}

TEST(AtomicFile, FailedWriteKeepsTheOriginal) {
  test::TempDir dir;
  std::string target = dir.path("out.txt");
  test::writeFile(target, "old");
  // A file size limit makes write() fail with EFBIG, like a full disk.
  struct rlimit saved;
  getrlimit(RLIMIT_FSIZE, &saved);
  auto savedHandler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limit = saved;
  limit.rlim_cur = 4096;
  setrlimit(RLIMIT_FSIZE, &limit);
  std::string message =
      errorOf([&] { writeFileAtomic(target, std::string(100000, 'x')); });
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, savedHandler);
  EXPECT_THAT(message, HasSubstr("cannot write '" + target + "'"));
  EXPECT_EQ(test::readText(target), "old");
  EXPECT_THAT(test::listDir(dir.getPath()), ElementsAre("out.txt"));
}

// A directory where the file goes is refused before the rename; the
// temporary is removed either way.
TEST(AtomicFile, RefusedTargetRemovesTheTemporary) {
  test::TempDir dir;
  std::string target = dir.path("taken");
  ASSERT_EQ(mkdir(target.c_str(), 0755), 0);
  test::writeFile(target + "/inside", "x"); // a non-empty directory
  EXPECT_THAT(errorOf([&] { writeFileAtomic(target, "data"); }),
              HasSubstr("it exists and is not a regular file (a directory)"));
  EXPECT_THAT(test::listDir(dir.getPath()), ElementsAre("taken"));
}

// The rename would replace the link itself by a plain file.
TEST(AtomicFile, SymlinkIsNotReplaced) {
  test::TempDir dir;
  std::string real = dir.path("real"), link = dir.path("link");
  test::writeFile(real, "old");
  ASSERT_EQ(symlink(real.c_str(), link.c_str()), 0);
  EXPECT_THAT(errorOf([&] { writeFileAtomic(link, "data"); }),
              HasSubstr("(a symbolic link); refusing to replace it"));
  struct stat info;
  ASSERT_EQ(lstat(link.c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  EXPECT_EQ(test::readText(real), "old");
  EXPECT_THAT(test::listDir(dir.getPath()), ElementsAre("link", "real"));
}

TEST(AtomicFile, UnwritableLocationIsNamed) {
  test::TempDir dir;
  std::string missing = dir.path("no-such-dir/ckpt.safetensors");
  EXPECT_THAT(errorOf([&] { writeFileAtomic(missing, "data"); }),
              HasSubstr("cannot write '" + missing + "'"));
  EXPECT_THAT(
      errorOf([&] { checkWritableLocation(missing); }),
      HasSubstr("directory '" + dir.path("no-such-dir") + "' does not exist"));
  EXPECT_THAT(errorOf([&] { checkWritableLocation(dir.getPath()); }),
              HasSubstr("it is a directory"));
  EXPECT_EQ(errorOf([&] { checkWritableLocation(dir.path("new.json")); }), "");
}

/// The error writeFileAtomic(path) throws, computed as the unprivileged
/// user `nobody` when the test runs as root (root ignores directory
/// permissions): a forked child drops its privileges and reports back.
std::string errorAsUnprivileged(const std::string &path) {
  if (geteuid() != 0)
    return errorOf([&] { writeFileAtomic(path, "new"); });
  int fds[2];
  if (pipe(fds) != 0)
    return "pipe failed";
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    std::string message = "could not drop privileges";
    if (setgid(65534) == 0 && setuid(65534) == 0)
      message = errorOf([&] { writeFileAtomic(path, "new"); });
    ssize_t ignored = write(fds[1], message.data(), message.size());
    (void)ignored;
    _exit(0);
  }
  close(fds[1]);
  std::string message;
  char buffer[512];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
    message.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return message;
}

TEST(AtomicFile, ReadOnlyDirectoryKeepsTheOriginal) {
  test::TempDir dir;
  chmod(dir.getPath().c_str(), 0755); // reachable by nobody when run as root
  std::string sub = dir.path("locked");
  ASSERT_EQ(mkdir(sub.c_str(), 0755), 0);
  test::writeFile(sub + "/out.txt", "old");
  chmod(sub.c_str(), 0555);
  std::string message = errorAsUnprivileged(sub + "/out.txt");
  chmod(sub.c_str(), 0755);
  EXPECT_THAT(message, HasSubstr("cannot write '" + sub + "/out.txt'"));
  EXPECT_EQ(test::readText(sub + "/out.txt"), "old");
  EXPECT_EQ(test::listDir(sub), std::vector<std::string>{"out.txt"});
}

} // namespace
} // namespace kiln
