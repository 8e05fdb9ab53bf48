// File: storage/sqlite/migrations.h
//
// Versioned schema migrations. Migration N upgrades a database at version N-1; each runs in
// its own transaction and records its number in schema_version. Never edit a shipped
// migration: add the next one.
#pragma once

#include <vector>

namespace cse::sqlite {

struct Migration {
  int version;
  const char* sql;
};

const std::vector<Migration>& Migrations();

}  // namespace cse::sqlite
