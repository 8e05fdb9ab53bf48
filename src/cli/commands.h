// File: cli/commands.h
//
// Subcommand registration, one function per subsystem file. RunCli (cli/cli.cc) calls each;
// a command's callback sets `action`, which RunCli runs after parsing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/ids.h"
#include "service/json.h"
#include "service/ledger_service.h"

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace cse::cli {

class Context;

// A whole number of at least `min`, for an option's check(): CLI11's PositiveNumber and
// NonNegativeNumber print their limits as doubles ("not in range 0.000000 to 1797...").
CLI::Validator WholeNumberAtLeast(int64_t min);  // cli.cc
// A file a command is about to write (`flag`, e.g. "--out"): never the database `db` or one of its
// companion files (out_is_database), never a directory (out_is_directory), and not a file
// that exists unless `overwrite` (already_exists "out_exists"). cli.cc.
Status CheckOutputPath(const std::string& db, const std::string& flag, const std::string& path,
                       bool overwrite);

void AddModel(CLI::App& app, Context& ctx, std::function<int()>& action);  // ai_commands.cc
void AddScore(CLI::App& app, Context& ctx, std::function<int()>& action);  // ai_commands.cc
void AddIwo(CLI::App& app, Context& ctx, std::function<int()>& action);    // iwo_commands.cc
// case close-notice, close, closure-cancel, reopen, show (45 CFR 303.11), under the `case`
// command: case_commands.cc.
void AddCaseClosureCmds(CLI::App& case_cmd, Context& ctx, std::function<int()>& action);
// import remittance, unidentified list: remittance_commands.cc
void AddRemittance(CLI::App& app, Context& ctx, std::function<int()>& action);
// import ded, import sdu, unidentified resolve/report, iwo review confirm/dismiss:
// payments_in_commands.cc (after AddImport, AddIwo and AddRemittance)
void AddPaymentsIn(CLI::App& app, Context& ctx, std::function<int()>& action);
// iwo pdf: iwo_docs_commands.cc
void AddIwoDocuments(CLI::App& app, Context& ctx, std::function<int()>& action);
// iwo export-eiwo, import eiwo-ack: eiwo_commands.cc
void AddEiwo(CLI::App& app, Context& ctx, std::function<int()>& action);
// serve, user add, token add, assign-office, access-log
void AddHttp(CLI::App& app, Context& ctx, std::function<int()>& action);  // http_commands.cc
// recommend, action, staff, enforce, batch, queue: enforce_commands.cc
void AddEnforcement(CLI::App& app, Context& ctx, std::function<int()>& action);
void AddContact(CLI::App& app, Context& ctx, std::function<int()>& action);  // contact_commands.cc
// The enforcement workflow after a payment is posted (re-score, close outreach tasks,
// withdraw moot recommendations): JSON and text for post-payment's output.
Result<std::pair<Json, std::string>> RunPaymentEvents(Context& ctx, CaseId case_id, Date date);
// The reversal event of the payment `key` (enforce::OnPaymentReversed): the `enforcement`
// object (enforce::PaymentEffectsJson) and the text lines; errors as OnPaymentReversed's.
Result<std::pair<Json, std::string>> RunReversalEvents(Context& ctx, const std::string& key,
                                                       Date date);
// The same once per obligor after an import (or `unidentified resolve`) committed `posted`:
// sets `report["enforcement"]` (the counts, or {"error": reason} when the events failed, the
// payments staying posted) and answers the text line for the command's output.
std::string AddBulkPaymentEvents(Context& ctx, const std::vector<PaymentRequest>& posted,
                                 Json& report);

}  // namespace cse::cli
