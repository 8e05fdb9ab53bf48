// SqliteStore method for ending an employment record: an IWO ended because the employment
// ended ends its employment too (src/iwo/iwo_terminate.h).
#include <sqlite3.h>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/stmt.h"

namespace cse {

Status SqliteStore::SetEmploymentEnd(int64_t id, Date end_date) {
  Stmt& s = Prepare("UPDATE employment SET end_date = ? WHERE id = ?");
  s.Bind(1, end_date).Bind(2, id);
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) != 1) {
    return NotFound("employment_not_found", "no employment " + std::to_string(id));
  }
  return Status::Ok();
}

}  // namespace cse
