// File: core/ids.h
//
// Identifiers. Every stored entity has a positive int64 row id assigned by the store, and a
// display id ("CASE-000042") derived from it for people and paper. Typed wrappers keep a case
// id from being passed where a person id is expected.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cse {

template <typename Tag>
struct Id {
  int64_t value = 0;
  constexpr bool valid() const { return value > 0; }
  friend constexpr auto operator<=>(Id, Id) = default;
};

struct PersonTag {};
struct CaseTag {};
struct OrderTag {};
struct EmployerTag {};
struct CollectionTag {};
using PersonId = Id<PersonTag>;
using CaseId = Id<CaseTag>;
using OrderId = Id<OrderTag>;
using EmployerId = Id<EmployerTag>;
using CollectionId = Id<CollectionTag>;

// Display ids: prefix + '-' + six-or-more digit zero-padded number ("CASE-000042").
std::string FormatDisplayId(std::string_view prefix, int64_t value);
// Accepts "CASE-000042", "case-42" or "42" for prefix "CASE". Errors: invalid_argument
// "id_malformed".
Result<int64_t> ParseDisplayId(std::string_view prefix, std::string_view text);

}  // namespace cse
