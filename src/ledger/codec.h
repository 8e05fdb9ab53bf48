// File: ledger/codec.h
//
// A compact, stable text encoding of distribution lines, shared by every store adapter so the
// same distribution reads back identically from SQLite or PostgreSQL. One line is
//   case_id:applied:type:due:bucket:payee:cents     (applied c|a|h, type cs|cm|ap,
//   bucket na|un|ta|ca|pa, payee f|s|g|h — family, state, government-federal, held)
// and lines are joined with ';'. A line passed through to the family (42 USC 657(a)(6),
// DistributionLine::pass_through) has an eighth field "pt":
//   case_id:applied:type:due:bucket:f:cents:pt
// Lines stored before that field existed have seven fields and decode with pass_through false.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ledger/engine.h"

namespace cse {

std::string EncodeLines(const std::vector<DistributionLine>& lines);
// Errors: data_loss "distribution_lines_corrupt" naming the bad line.
Result<std::vector<DistributionLine>> DecodeLines(std::string_view text);

}  // namespace cse
