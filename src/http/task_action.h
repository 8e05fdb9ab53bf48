// File: http/task_action.h
//
// A task's recommended action as the queue answers it: one reading shared by GET /v1/queue
// (routes.cc) and `opencse queue --json` (cli/enforce_commands.cc), so that the two show an
// outreach task alike (before 2026-12-05 the CLI answered the combined stored text as
// `recommended_action`).
//
// The nightly batch stores an outreach task's (kind "proactive_outreach") `recommended` as
// "outreach (<the channel choice's numbers>)" (enforce/nightly.cc CreateOutreach and its
// re-channelling, ChooseChannel's reason): it is answered as the action "outreach" and the
// numbers apart as `channel_reason`, so that neither is shown as the other. Any other task:
// its recommended action as stored (a remedy code) and no reason.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "enforce/records.h"

namespace cse::http {

inline constexpr std::string_view kOutreachTaskKind = "proactive_outreach";
// The action of an outreach task, and the `action_type` filter value that selects them.
inline constexpr std::string_view kOutreachAction = "outreach";

struct TaskAction {
  std::string_view action;          // "outreach", or the stored recommended action
  std::string_view channel_reason;  // outreach: the channel's numbers; otherwise ""
};

// Views into `t.recommended`: valid while `t` is alive and unchanged.
inline TaskAction TaskActionOf(const enforce::Task& t) {
  constexpr std::string_view kPrefix = "outreach (";
  const std::string_view r = t.recommended;
  if (t.kind == kOutreachTaskKind && r.size() > kPrefix.size() && r.starts_with(kPrefix) &&
      r.back() == ')') {
    return {kOutreachAction, r.substr(kPrefix.size(), r.size() - kPrefix.size() - 1)};
  }
  return {r, {}};
}

}  // namespace cse::http
