// File: service/staff_rule.h
//
// Who may change the system's settings: one rule for state options (`config set`), the
// enforcement switches and tables, the staff table and the risk model in use.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "core/status.h"
#include "enforce/remedy.h"
#include "storage/store.h"

namespace cse {

// Ok when `actor` is an active staff user whose role is one of `allowed`, or while no active
// admin exists (bootstrap: a new installation sets itself up before its first admin).
// `what` completes "may not change ..." in the refusal. Errors: failed_precondition
// "role_not_allowed", "user_unknown"; the store's.
Status RequireAdminOnceStaffed(Store& store, const std::string& actor,
                               std::initializer_list<enforce::Role> allowed, std::string_view what);

}  // namespace cse
