// File: service/office_spelling.h
//
// One spelling per office. Caseloads, `?office=` and the staffing check compare office names
// exactly, so a name that differs from one in use only by letter case ("alder" beside
// "Alder") would be an office of its own. Every writer of an office name (a user's office, a
// case's assignment: auth/auth_service.h; a case's county: LedgerService::AddCase) refuses
// such a name through this check. Stateless; uses the caller's store (one thread at a time).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/store.h"

namespace cse {

// Ok when `office` is blank, is itself a name in use (a user's office, a case's county or
// assignment), or no name in use equals it ignoring ASCII letter case. `field` names the
// input in the message ("office", "county"). Reads inside the caller's transaction. Errors:
// invalid_argument "office_case_mismatch" (the message names the spelling in use); the store's.
Status CheckOfficeSpelling(Store& store, std::string_view field, const std::string& office);

// Ok when `office` can name an office (blank is the caller's to refuse or allow): at most 64
// bytes of valid UTF-8, no control, invisible or no-break character, no space at the start or
// the end (caseloads compare office names exactly: " North" would be an office of its own).
// `field` names the input in the message. Every writer of an office name checks it (a user's
// office and a case's assignment through auth::ValidateOffice; a case's county in AddCase,
// since 2026-12-05). Errors: invalid_argument "office_invalid".
Status ValidateOfficeName(std::string_view field, const std::string& office);

}  // namespace cse
