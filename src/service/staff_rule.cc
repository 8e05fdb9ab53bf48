#include "service/staff_rule.h"

#include <algorithm>
#include <vector>

#include "core/text.h"
#include "domain/validate.h"

namespace cse {

Status RequireAdminOnceStaffed(Store& store, const std::string& actor,
                               std::initializer_list<enforce::Role> allowed,
                               std::string_view what) {
  ASSIGN_OR_RETURN(std::vector<enforce::StaffUser> staff, store.ListStaffUsers());
  if (std::none_of(staff.begin(), staff.end(), [](const enforce::StaffUser& u) {
        return u.active && u.role == enforce::Role::kAdmin;
      })) {
    return Status::Ok();
  }
  const std::string who(TruncateUtf8(actor, 64));  // echoed: a --user of any length
  std::string roles;
  for (enforce::Role r : allowed) {
    roles += (roles.empty() ? "" : " or ") + std::string(enforce::Name(r));
  }
  for (const enforce::StaffUser& u : staff) {
    if (u.user_id != actor || !u.active) continue;
    if (std::find(allowed.begin(), allowed.end(), u.role) != allowed.end()) return Status::Ok();
    return FailedPrecondition("role_not_allowed",
                              "'" + who + "' has the role " + std::string(enforce::Name(u.role)) +
                                  " and may not " + std::string(what) + " (" + roles + ")");
  }
  return FailedPrecondition("user_unknown",
                            "'" + who + "' (--user) is not an active staff user; only an active " +
                                roles + " may " + std::string(what));
}

Status RequireCaseworkOnceStaffed(Store& store, const std::string& actor, std::string_view what) {
  return RequireAdminOnceStaffed(
      store, actor, {enforce::Role::kCaseworker, enforce::Role::kSupervisor, enforce::Role::kAdmin},
      what);
}

Status KeepAnotherActiveAdmin(Store& store, const std::string& user_id) {
  ASSIGN_OR_RETURN(std::vector<enforce::StaffUser> staff, store.ListStaffUsers());
  const bool other = std::any_of(staff.begin(), staff.end(), [&](const enforce::StaffUser& u) {
    return u.active && u.role == enforce::Role::kAdmin && u.user_id != user_id;
  });
  if (other) return Status::Ok();
  return FailedPrecondition("last_admin", "'" + std::string(TruncateUtf8(user_id, 64)) +
                                              "' is the last active admin; add another admin "
                                              "first (without one, anyone could administer "
                                              "staff)");
}

Status ValidateReason(const std::string& reason, const std::string& what) {
  if (IsBlank(reason)) {
    return InvalidArgument("reason_missing", "--reason: required to " + what);
  }
  if (CharacterCount(reason) > kReasonLengthMax) {
    return InvalidArgument("reason_too_long",
                           "--reason: at most " + std::to_string(kReasonLengthMax) + " characters");
  }
  // Printable UTF-8: the reason goes into the audit trail and its JSON.
  return ValidateText("--reason", reason, {.max_chars = kReasonLengthMax});
}

Result<enforce::TaskAssignment> LoadCaseworkers(Store& store) {
  ASSIGN_OR_RETURN(std::vector<enforce::StaffUser> staff, store.ListStaffUsers());
  enforce::TaskAssignment out;
  for (const enforce::StaffUser& u : staff) {
    if (!u.active || u.role != enforce::Role::kCaseworker) continue;
    ASSIGN_OR_RETURN(std::optional<UserRecord> user, store.FindUserByName(u.user_id));
    if (user) out.AddCaseworker(u.user_id, user->office);
  }
  return out;
}

}  // namespace cse
