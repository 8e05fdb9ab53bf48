#include "auth/roles.h"

#include <array>
#include <string>

namespace cse::auth {

namespace {

constexpr std::array<std::string_view, kRoleCount> kRoleNames{
    "caseworker", "supervisor", "attorney", "investigator", "accounting_technician", "admin"};

// One bit per role: caseworker, supervisor, attorney, investigator, accounting technician,
// admin (bit 0 = caseworker).
constexpr unsigned kCw = 1U << 0, kSup = 1U << 1, kAtty = 1U << 2, kInv = 1U << 3, kAcct = 1U << 4,
                   kAdm = 1U << 5;

unsigned Holders(Permission p) {
  switch (p) {
    case Permission::kPublic:
    case Permission::kAuthenticated:
    case Permission::kCasesRead:
      return kCw | kSup | kAtty | kInv | kAcct | kAdm;
    case Permission::kLedgerRead:
      return kCw | kSup | kAtty | kAcct | kAdm;
    case Permission::kPaymentsPost:
      return kAcct | kAdm;
    case Permission::kScoresRead:
      return kCw | kSup | kAtty | kAdm;
    case Permission::kScoresRun:
      return kCw | kSup | kAdm;
    case Permission::kAuditRead:
      return kSup | kAtty | kAdm;
    case Permission::kAddressProtectedRead:
      return kAtty | kInv | kAdm;
    case Permission::kUsersAdmin:
      return kAdm;
    case Permission::kQueueRead:
    case Permission::kRecommendationsDecide:
      return kCw | kSup | kAtty | kAdm;
    case Permission::kNotesWrite:
      return kCw | kSup | kAtty | kInv | kAdm;
    case Permission::kTeamRead:
      return kSup | kAdm;
  }
  return 0;
}

}  // namespace

std::string_view Name(Role role) { return kRoleNames[static_cast<size_t>(role)]; }

Result<Role> ParseRole(std::string_view text) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == text) return static_cast<Role>(i);
  }
  return InvalidArgument("role_unknown", "role '" + std::string(text.substr(0, 40)) +
                                             "' is not one of caseworker, supervisor, attorney, "
                                             "investigator, accounting_technician, admin");
}

std::string_view Name(Permission p) {
  switch (p) {
    case Permission::kPublic:
      return "public";
    case Permission::kAuthenticated:
      return "authenticated";
    case Permission::kCasesRead:
      return "cases.read";
    case Permission::kLedgerRead:
      return "ledger.read";
    case Permission::kPaymentsPost:
      return "payments.post";
    case Permission::kScoresRead:
      return "scores.read";
    case Permission::kScoresRun:
      return "scores.run";
    case Permission::kAuditRead:
      return "audit.read";
    case Permission::kAddressProtectedRead:
      return "address.protected.read";
    case Permission::kUsersAdmin:
      return "users.admin";
    case Permission::kQueueRead:
      return "queue.read";
    case Permission::kRecommendationsDecide:
      return "recommendations.decide";
    case Permission::kNotesWrite:
      return "notes.write";
    case Permission::kTeamRead:
      return "team.read";
  }
  return "unknown";
}

bool RoleHas(Role role, Permission permission) {
  return (Holders(permission) & (1U << static_cast<unsigned>(role))) != 0;
}

bool IsOfficeScoped(Role role) { return role == Role::kCaseworker || role == Role::kSupervisor; }

}  // namespace cse::auth
