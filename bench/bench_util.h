// File: bench/bench_util.h
//
// What the benchmarks share: the peak resident set size and removing a SQLite database with
// its side files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace cse::bench {

// Peak resident set size in kB (VmHWM), or -1 when /proc is unavailable.
inline int64_t PeakRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// Removes a SQLite database and its WAL/SHM/journal side files; missing files are fine.
inline void RemoveDb(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ec);
  }
}

}  // namespace cse::bench
