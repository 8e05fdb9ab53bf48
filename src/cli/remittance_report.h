// File: cli/remittance_report.h
//
// The report of a payments-in import (remittance CSV, DED, SDU batch) as JSON and text, shared
// by remittance_commands.cc and payments_in_commands.cc.
#pragma once

#include <string>

#include "cli/context.h"
#include "iwo/remittance.h"
#include "service/json.h"

namespace cse::cli {

// {"file", "lines", "committed", "posted", "posted_amount", "already_posted", "held",
// "held_amount", "already_held", "rejected", "held_lines": [...], "rejections": [{"line",
// "field", "code", "message"}]}.
Json RemittanceReportJson(const iwo::RemittanceReport& r);
// "<command> FILE: N lines, ..." then one line per held line and per rejection.
std::string RemittanceReportText(const iwo::RemittanceReport& r, const std::string& command);

// Prints the report of `command` (with the members of `extra` added to its JSON) and answers
// the exit status (kExitRule when the file was refused). When payments were posted, the
// enforcement workflow reacts once per obligor (RunBulkPaymentEvents) and the JSON gets an
// "enforcement" object, as for `import payments`.
int EmitRemittanceImport(Context& ctx, const Result<iwo::RemittanceReport>& rep,
                         const std::string& command, const Json& extra = Json::object());

}  // namespace cse::cli
