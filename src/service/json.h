// File: service/json.h
//
// JSON shapes of the domain and ledger values, shared by the CLI's --json output, the audit
// trail and (later) the HTTP API. Money is always a decimal string ("123.45"), dates are
// "YYYY-MM-DD". Persons, cases and orders carry their display id ("CASE-000042") and the
// numeric id; collections, episodes and balances carry numeric ids.
#pragma once

#include <nlohmann/json.hpp>
#include <span>

#include "ledger/engine.h"
#include "storage/store.h"

namespace cse {

using Json = nlohmann::ordered_json;

Json ToJson(const Person& p);
Json ToJson(const Case& c);
Json ToJson(const Order& o);
Json ToJson(const AssistanceEpisode& e);
Json ToJson(const Collection& c);
Json ToJson(const DistributionLine& l);
Json ToJson(const Distribution& d);
Json ToJson(const CaseBalance& b);
Json ToJson(const ObligorBalance& b);
Json BucketsJson(const Money (&buckets)[kBucketCount]);

// The postings an `import.batch` audit row lists (docs/ARCHITECTURE.md §2.2, §7), one JSON
// array per posting with its values in PostingColumns() order:
//   [17,"PMT-0001",3,5,"1069.00","2024-01-01","withholding"]
// about 60 bytes a posting where a ToJson(c) object takes about 185. A posting is never
// reversed when it is created, so the reversal fields are not among the columns. Rows written
// before 2026-12-03 list ToJson(c) objects under "postings"; replay reads both.
const Json& PostingColumns();
// PostingColumns().dump() for each of `collections`, as one compact JSON array of arrays,
// built without JSON objects: the bulk poster lists every posting of a batch in its audit rows
// (up to limits::kAuditPostingsPerRowMax a row), and this is its hot path. Byte-identical to
// dumping the arrays with the general serializer. Errors: internal "posting_reversed" when a
// collection has a reversal (its row could not say so).
Result<std::string> PostingRowsJson(std::span<const Collection> collections);
// Appends ToJson(c).dump() to `out`, with `"office": office` added last when `office` is
// given, without building a JSON object: the caseload list's hot path. Byte-identical to the
// general serializer.
void AppendCaseJson(std::string& out, const Case& c, const std::string* office = nullptr);
// A JSON string literal for `text` (quoted, escaped; invalid UTF-8 replaced with U+FFFD).
std::string JsonQuote(std::string_view text);
// `j` serialized compactly, with any invalid UTF-8 in its strings replaced by U+FFFD: the
// form for output (CLI --json, HTTP bodies), which must never fail because an error message
// or report echoes a malformed byte of its input. Json::dump() throws on such bytes.
std::string DumpJson(const Json& j);

// Parsers for the audit replay (the shapes above). Errors: data_loss "audit_json_invalid".
Result<Case> CaseFromJson(const Json& j);
Result<Order> OrderFromJson(const Json& j);
Result<AssistanceEpisode> AssistanceFromJson(const Json& j);
Result<Collection> CollectionFromJson(const Json& j);
// One row of PostingRowsJson: an array of PostingColumns().size() values of the columns' types.
Result<Collection> PostingFromJsonRow(const Json& row);

// A case's ledger (`opencse ledger --json`, GET /v1/cases/{id}/ledger): the case, orders,
// assistance, balance with every debt, and collections with their distribution.
struct CaseLedger;
Json LedgerJson(const CaseLedger& ledger);

}  // namespace cse
