// File: auth/roles.h
//
// Staff roles and the permissions each holds. Every HTTP route declares one Permission; a
// request is let through only when its principal's role holds it (RoleHas). Custodial and
// noncustodial parents arrive with the portal and are not roles here.
//
//   permission               caseworker supervisor attorney investigator acct_tech admin
//   cases.read                   x          x         x          x           x       x
//   ledger.read                  x          x         x                      x       x
//   payments.post                                                            x       x
//   scores.read                  x          x         x                              x
//   scores.run                   x          x                                        x
//   audit.read                              x         x                              x
//   queue.read                   x          x         x                              x
//   recommendations.decide       x          x         x                              x
//   team.read                               x                                        x
//   address.protected.read                            x          x                   x
//   users.admin                                                                      x
//
// Office scope (row-level rule): caseworkers and supervisors see only cases of their office
// (storage: the case's assignment, else its county); the other roles work statewide.
// address.protected.read is the "need" that lets a role see a party's address on a case with
// the family-violence indicator; everyone else gets it redacted.
#pragma once

#include <string_view>

#include "core/result.h"

namespace cse::auth {

enum class Role {
  kCaseworker,
  kSupervisor,
  kAttorney,
  kInvestigator,
  kAccountingTechnician,
  kAdmin,
};
inline constexpr int kRoleCount = 6;

enum class Permission {
  kPublic,         // no principal needed (health, sign-in)
  kAuthenticated,  // any signed-in user or token (the session itself)
  kCasesRead,
  kLedgerRead,
  kPaymentsPost,
  kScoresRead,
  kScoresRun,
  kAuditRead,
  kAddressProtectedRead,
  kUsersAdmin,
  kQueueRead,              // the enforcement queue and a case's recommendations
  kRecommendationsDecide,  // approve / modify / dismiss (the remedy's role rule applies too)
  kNotesWrite,             // add a note to a case in the caller's caseload
  kTeamRead,               // the supervisor page: workload, pending approvals, acceptance
  // Keep kTeamRead last: PrincipalJson (http/routes.cc) lists kCasesRead..kTeamRead.
};

// "caseworker", "supervisor", "attorney", "investigator", "accounting_technician", "admin".
std::string_view Name(Role role);
// Errors: invalid_argument "role_unknown" naming the accepted roles.
Result<Role> ParseRole(std::string_view text);
// "public", "authenticated", "cases.read", ... (the x-permission names of docs/openapi.yaml).
std::string_view Name(Permission permission);
bool RoleHas(Role role, Permission permission);
// True for roles whose caseload is limited to their office.
bool IsOfficeScoped(Role role);

}  // namespace cse::auth
