// File: storage/transaction.h
//
// One transaction around `body`: Begin, then Commit when `body` answers ok, Rollback when it
// does not (its error is returned and nothing it wrote stays). Nests as Store::Begin does (a
// savepoint inside an open transaction). `body` answers a Status or a Result<T>.
//
// Thread-safety: as the store's (one thread at a time).
#pragma once

#include "core/status.h"
#include "storage/store.h"

namespace cse {

template <typename F>
auto InTransaction(Store& store, F&& body) -> decltype(body()) {
  RETURN_IF_ERROR(store.Begin());
  auto result = body();
  if (!result.ok()) {
    store.Rollback();
    return result;
  }
  RETURN_IF_ERROR(store.Commit());
  return result;
}

}  // namespace cse
