// File: tests/testing/scratch_dir.h
//
// A fresh directory under the temporary directory for the files one test creates (a database
// with its -wal, -shm and -access* files, input files, outputs), removed with everything in it
// when the ScratchDir is destroyed, whether the test passed or failed. Its name holds a prefix,
// the process id and a counter, so tests of parallel ctest runs, and several ScratchDirs in one
// process, never share a directory. Hold it for as long as anything (a server, a child
// process) may still write into it.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <filesystem>
#include <string>
#include <system_error>

namespace cse::testing {

class ScratchDir {
 public:
  // Creates `<temp dir>/opencse_<prefix>_<pid>_<n>`, with the first n that names no existing
  // entry (a directory left by a killed run whose pid is now ours is never reused). `prefix`
  // may be a test's name: characters other than letters, digits, '-' and '_' (the '/' of a
  // parameterized test's name) become '_'. Throws std::filesystem::filesystem_error when the
  // directory cannot be created.
  explicit ScratchDir(std::string prefix) {
    static std::atomic<int> counter{0};
    for (char& c : prefix) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
    }
    const std::filesystem::path root = std::filesystem::temp_directory_path();
    const std::string stem = "opencse_" + prefix + "_" + std::to_string(getpid()) + "_";
    do {
      dir_ = root / (stem + std::to_string(counter++));
    } while (!std::filesystem::create_directory(dir_));
  }
  // Removes the directory and everything in it; errors are ignored (a destructor must not
  // throw, and the test has already had its say).
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // The path of `name` inside the directory (nothing is created).
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

}  // namespace cse::testing
