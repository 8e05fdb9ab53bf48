#include "core/files.h"

#include <filesystem>
#include <system_error>

namespace cse {

Status CheckInputFile(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found || path.empty()) {
    return NotFound("file_not_found", "no file '" + path + "'");
  }
  if (ec) return NotFound("file_not_found", "cannot read '" + path + "': " + ec.message());
  if (st.type() == fs::file_type::directory) {
    return InvalidArgument("file_not_regular", "'" + path + "' is a directory, not a file");
  }
  if (st.type() != fs::file_type::regular && st.type() != fs::file_type::fifo) {
    return InvalidArgument("file_not_regular",
                           "'" + path + "' is not a regular file (a device or a socket)");
  }
  return Status::Ok();
}

}  // namespace cse
