#include "enforce/remedy.h"

#include <utility>

namespace cse::enforce {
namespace {

struct RemedyInfo {
  Remedy remedy;
  std::string_view name;
  std::string_view label;
  int punitiveness;
};

// Least punitive first. Punitiveness is the escalation ladder's step (ties share a step).
constexpr std::array<RemedyInfo, kRemedyCount> kRemedies{{
    {Remedy::kReminder, "reminder", "payment reminder", 1},
    {Remedy::kOutreachCall, "outreach_call", "outreach call", 2},
    {Remedy::kPaymentPlanOffer, "payment_plan_offer", "payment-plan offer", 3},
    {Remedy::kOrderReviewReferral, "order_review_referral", "order review (modification) referral",
     3},
    {Remedy::kIncomeWithholding, "income_withholding", "income withholding (IWO)", 4},
    {Remedy::kTaxOffset, "tax_offset", "federal tax refund offset certification", 5},
    {Remedy::kAdminOffset, "admin_offset", "federal administrative offset", 5},
    {Remedy::kCreditBureau, "credit_bureau", "credit bureau reporting", 6},
    {Remedy::kPassportDenial, "passport_denial", "passport denial", 7},
    {Remedy::kBankLevy, "bank_levy", "financial institution data match / bank levy", 7},
    {Remedy::kPropertyLien, "property_lien", "property lien", 8},
    {Remedy::kLicenseSuspension, "license_suspension", "driver's/professional license suspension",
     9},
    {Remedy::kContemptReferral, "contempt_referral", "contempt referral to court", 10},
}};

const RemedyInfo& Info(Remedy r) { return kRemedies[static_cast<size_t>(r)]; }

constexpr std::array<std::pair<ActionState, std::string_view>, 10> kStates{{
    {ActionState::kRecommended, "recommended"},
    {ActionState::kApproved, "approved"},
    {ActionState::kModified, "modified"},
    {ActionState::kDismissed, "dismissed"},
    {ActionState::kNoticeSent, "notice_sent"},
    {ActionState::kContested, "contested"},
    {ActionState::kIssued, "issued"},
    {ActionState::kComplied, "complied"},
    {ActionState::kWithdrawn, "withdrawn"},
    {ActionState::kEnded, "ended"},
}};

constexpr std::array<std::string_view, 6> kRoles{
    "caseworker", "supervisor", "attorney", "investigator", "accounting_technician", "admin"};

// Who decides a remedy (approve, modify, dismiss, send notice, issue).
bool MayDecide(Role role, Remedy remedy) {
  switch (remedy) {
    case Remedy::kContemptReferral:
    case Remedy::kPropertyLien:
      return role == Role::kAttorney || role == Role::kSupervisor;
    case Remedy::kReminder:
    case Remedy::kOutreachCall:
    case Remedy::kPaymentPlanOffer:
    case Remedy::kOrderReviewReferral:
    case Remedy::kIncomeWithholding:
      return role == Role::kCaseworker || role == Role::kSupervisor;
    default:
      return role == Role::kSupervisor;
  }
}

}  // namespace

const std::array<Remedy, kRemedyCount>& AllRemedies() {
  static const std::array<Remedy, kRemedyCount> kAll = [] {
    std::array<Remedy, kRemedyCount> a{};
    for (size_t i = 0; i < kRemedyCount; ++i) a[i] = kRemedies[i].remedy;
    return a;
  }();
  return kAll;
}

std::string_view Name(Remedy r) { return Info(r).name; }
std::string_view Label(Remedy r) { return Info(r).label; }
int Punitiveness(Remedy r) { return Info(r).punitiveness; }
bool IsSubstantive(Remedy r) { return Punitiveness(r) >= 4; }

bool IsPersonLevel(Remedy r) {
  switch (r) {
    case Remedy::kTaxOffset:
    case Remedy::kAdminOffset:
    case Remedy::kCreditBureau:
    case Remedy::kPassportDenial:
    case Remedy::kBankLevy:
    case Remedy::kPropertyLien:
    case Remedy::kLicenseSuspension:
      return true;
    default:
      return false;
  }
}

Result<Remedy> ParseRemedy(std::string_view text) {
  std::string accepted;
  for (const RemedyInfo& i : kRemedies) {
    if (i.name == text) return i.remedy;
    accepted += (accepted.empty() ? "" : ", ") + std::string(i.name);
  }
  return InvalidArgument("remedy_unknown",
                         "remedy '" + std::string(text) + "' is not one of: " + accepted);
}

std::string_view Name(ActionState s) { return kStates[static_cast<size_t>(s)].second; }

Result<ActionState> ParseActionState(std::string_view text) {
  for (const auto& [state, name] : kStates) {
    if (name == text) return state;
  }
  return DataLoss("action_state_corrupt", "unknown action state '" + std::string(text) + "'");
}

bool IsFinal(ActionState s) {
  return s == ActionState::kDismissed || s == ActionState::kComplied ||
         s == ActionState::kWithdrawn || s == ActionState::kEnded;
}

std::string_view Name(Transition t) {
  static constexpr std::array<std::string_view, 10> kNames{
      "approve",        "modify", "dismiss", "send_notice", "contest",
      "decide_contest", "issue",  "comply",  "end",         "withdraw"};
  return kNames[static_cast<size_t>(t)];
}

Result<ActionState> NextState(ActionState from, Transition t) {
  using S = ActionState;
  const auto refuse = [&]() -> Result<ActionState> {
    return FailedPrecondition(
        "transition_not_allowed",
        "cannot " + std::string(Name(t)) + " an action that is " + std::string(Name(from)));
  };
  if (IsFinal(from)) {
    if (t == Transition::kApprove || t == Transition::kModify || t == Transition::kDismiss) {
      return FailedPrecondition("action_already_decided",
                                "the action was already decided: it is " + std::string(Name(from)));
    }
    return FailedPrecondition("action_final",
                              "the action is " + std::string(Name(from)) + "; nothing follows");
  }
  switch (t) {
    case Transition::kApprove:
    case Transition::kModify:
    case Transition::kDismiss:
      if (from != S::kRecommended) {
        return FailedPrecondition(
            "action_already_decided",
            "the action was already decided: it is " + std::string(Name(from)));
      }
      return t == Transition::kApprove  ? S::kApproved
             : t == Transition::kModify ? S::kModified
                                        : S::kDismissed;
    case Transition::kSendNotice:
      if (from != S::kApproved && from != S::kModified) return refuse();
      return S::kNoticeSent;
    case Transition::kContest:
      if (from != S::kNoticeSent && from != S::kIssued) return refuse();
      return S::kContested;
    case Transition::kDecideContest:
      if (from != S::kContested) return refuse();
      return S::kNoticeSent;
    case Transition::kIssue:
      if (from != S::kApproved && from != S::kModified && from != S::kNoticeSent) return refuse();
      return S::kIssued;
    case Transition::kComply:
    case Transition::kEnd:
      if (from != S::kIssued) return refuse();
      return t == Transition::kComply ? S::kComplied : S::kEnded;
    case Transition::kWithdraw:
      return S::kWithdrawn;
  }
  return refuse();
}

std::string_view Name(Role r) { return kRoles[static_cast<size_t>(r)]; }

Result<Role> ParseRole(std::string_view text) {
  std::string accepted;
  for (size_t i = 0; i < kRoles.size(); ++i) {
    if (kRoles[i] == text) return static_cast<Role>(i);
    accepted += (accepted.empty() ? "" : ", ") + std::string(kRoles[i]);
  }
  return InvalidArgument("role_unknown",
                         "role '" + std::string(text) + "' is not one of: " + accepted);
}

bool RoleAllows(Role role, Transition t, Remedy remedy) {
  switch (t) {
    case Transition::kApprove:
    case Transition::kModify:
    case Transition::kDismiss:
    case Transition::kSendNotice:
    case Transition::kIssue:
      return MayDecide(role, remedy);
    case Transition::kContest:
      return role == Role::kCaseworker || role == Role::kSupervisor || role == Role::kAttorney;
    case Transition::kDecideContest:
      return role == Role::kSupervisor || role == Role::kAttorney;
    case Transition::kComply:
    case Transition::kEnd:
      return role == Role::kCaseworker || role == Role::kSupervisor ||
             role == Role::kAccountingTechnician || role == Role::kAttorney;
    case Transition::kWithdraw:
      return role == Role::kCaseworker || role == Role::kSupervisor || role == Role::kAttorney;
  }
  return false;
}

}  // namespace cse::enforce
