// File: storage/sqlite/migrations.h
//
// Versioned schema migrations, applied in ascending version order; each runs in its own
// transaction and records its number in schema_version. Never edit a shipped migration: add
// the next one. Version ranges by subsystem: 1-99 core, ledger, simulator and risk model;
// 100-199 web/API (users, sessions, access log); 200-299 enforcement and workflows;
// 300-399 employer and federal interfaces. Versions must be unique.
#pragma once

#include <vector>

namespace cse::sqlite {

struct Migration {
  int version;
  const char* sql;
};

const std::vector<Migration>& Migrations();

}  // namespace cse::sqlite
