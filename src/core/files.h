// File: core/files.h
//
// Input files named by a person (`opencse import ... FILE`): checked before they are opened,
// so a directory or a device gets a clear error instead of reading as an empty or endless
// file.
//
// Thread-safety: pure functions of the file system.
#pragma once

#include <string>

#include "core/status.h"

namespace cse {

// `path` exists and reads as a finite stream of bytes: a regular file or a pipe (symbolic
// links followed, so /dev/stdin redirected from a file or a pipe passes). Errors: not_found
// "file_not_found"; invalid_argument "file_not_regular" (a directory, a device or a socket).
Status CheckInputFile(const std::string& path);

}  // namespace cse
