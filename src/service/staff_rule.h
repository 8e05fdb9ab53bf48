// File: service/staff_rule.h
//
// Who may change the system's settings, and the reason they give: one rule for state options
// (`config set`), the enforcement switches and tables, the staff table and the risk model in use.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/status.h"
#include "enforce/remedy.h"
#include "enforce/workflow.h"
#include "storage/store.h"

namespace cse {

// Ok when `actor` is an active staff user whose role is one of `allowed`, or while no active
// admin exists (bootstrap: a new installation sets itself up before its first admin).
// `what` completes "may not ..." in the refusal ("change the risk model in use"). Errors:
// failed_precondition "role_not_allowed", "user_unknown"; the store's.
Status RequireAdminOnceStaffed(Store& store, const std::string& actor,
                               std::initializer_list<enforce::Role> allowed, std::string_view what);

// Case work that changes what happens to a person (closing a case, ending withholding, deciding
// a new-hire match): an active caseworker, supervisor or admin, under the bootstrap rule above.
Status RequireCaseworkOnceStaffed(Store& store, const std::string& actor, std::string_view what);

// Every active caseworker with their office, the first half of the task assignment rule the
// nightly batch and the e-IWO acknowledgment import share (enforce::TaskAssignment; their
// cases are added by the caller). Errors: the store's.
Result<enforce::TaskAssignment> LoadCaseworkers(Store& store);

// Refuses taking `user_id`, an active admin, out of the admins (inactive or another role) when
// no other active admin exists: without one, anyone could administer staff again (the
// bootstrap rule above). Errors: failed_precondition "last_admin"; the store's.
Status KeepAnotherActiveAdmin(Store& store, const std::string& user_id);

// A staff member's reason for an audited change (`--reason`): not blank, at most
// kReasonLengthMax characters, printable UTF-8 (no control character: no tab or line break
// either). `what` completes "required to ...". Errors: invalid_argument "reason_missing",
// "reason_too_long", "text_invalid_utf8" (names the byte), "text_invalid_char".
inline constexpr int64_t kReasonLengthMax = 500;
Status ValidateReason(const std::string& reason, const std::string& what);

}  // namespace cse
