// File: enforce/remedy.h
//
// The enforcement remedies, their legal rules and the action lifecycle, as pure values (no
// I/O). docs/ENFORCEMENT.md describes every remedy, its rule, its notice and contest window,
// and the source of each number (../shared/FACTS.md §5, §8).
//
// Remedies are ordered by how punitive they are (the "escalation ladder"): the recommender
// prefers the least punitive action expected to work. Non-punitive steps (reminder,
// outreach call, payment-plan offer, order review referral) never need a notice; substantive
// remedies (withholding, offsets, passport, credit report, levy, lien, license, contempt) are
// never executed without an approval by a person whose role allows it.
//
// Lifecycle of an action:
//   recommended -> approved | modified | dismissed          (who, when, reason)
//   approved | modified -> notice_sent (contest window opens) -> issued
//   approved | modified -> issued                           (remedies without a notice)
//   issued -> complied | ended
//   any open state (recommended .. issued) -> withdrawn     (moot: paid, case closed...)
// `contested` is entered from notice_sent or issued when the parent contests; a decision
// returns it to notice_sent (upheld: the window goes on) or withdrawn (the parent won).
// dismissed, complied, withdrawn and ended are final.
//
// Thread-safety: everything here is immutable data and pure functions.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cse::enforce {

enum class Remedy {
  kReminder,
  kOutreachCall,
  kPaymentPlanOffer,
  kOrderReviewReferral,
  kIncomeWithholding,
  kTaxOffset,
  kAdminOffset,
  kCreditBureau,
  kPassportDenial,
  kBankLevy,
  kPropertyLien,
  kLicenseSuspension,
  kContemptReferral,
};
inline constexpr size_t kRemedyCount = 13;
// Every remedy, least punitive first (the fixed escalation ladder).
const std::array<Remedy, kRemedyCount>& AllRemedies();

// Stable snake_case codes ("income_withholding"); the parser lists the accepted values.
std::string_view Name(Remedy r);
Result<Remedy> ParseRemedy(std::string_view text);
// A short human label ("income withholding (IWO)").
std::string_view Label(Remedy r);
// 1 (reminder) .. 10 (contempt referral): the escalation ladder's step.
int Punitiveness(Remedy r);
// True for remedies that take money or a right (everything but the four non-punitive steps).
bool IsSubstantive(Remedy r);
// True for remedies that act on the person, whatever case they are recommended on: one
// certification feeds tax offset, administrative offset and passport denial (FACTS §5,
// "Single submission"), and a credit report, a licence, an account or a lien is the
// person's. An open or issued one on any of the obligor's cases blocks another on the others.
bool IsPersonLevel(Remedy r);

enum class ActionState {
  kRecommended,
  kApproved,
  kModified,
  kDismissed,
  kNoticeSent,
  kContested,
  kIssued,
  kComplied,
  kWithdrawn,
  kEnded,
};
std::string_view Name(ActionState s);
Result<ActionState> ParseActionState(std::string_view text);
bool IsFinal(ActionState s);

enum class Transition {
  kApprove,
  kModify,
  kDismiss,
  kSendNotice,
  kContest,
  kDecideContest,
  kIssue,
  kComply,
  kEnd,
  kWithdraw,
};
std::string_view Name(Transition t);

// The state `t` leads to from `from`, or failed_precondition "action_already_decided" (a
// second approve/modify/dismiss), "action_final" (from a final state) or
// "transition_not_allowed" naming both. kDecideContest answers kNoticeSent (upheld); the
// caller turns it into kWithdrawn when the parent won.
Result<ActionState> NextState(ActionState from, Transition t);

// Staff roles (the web issue adds full identity later; these names are a contract).
enum class Role {
  kCaseworker,
  kSupervisor,
  kAttorney,
  kInvestigator,
  kAccountingTechnician,
  kAdmin
};
std::string_view Name(Role r);
Result<Role> ParseRole(std::string_view text);

// Whether `role` may perform `t` on an action for `remedy` (docs/ENFORCEMENT.md "Roles").
bool RoleAllows(Role role, Transition t, Remedy remedy);

}  // namespace cse::enforce
