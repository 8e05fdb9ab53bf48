// One spelling per office (service/office_spelling.h).
#include "service/office_spelling.h"

#include <algorithm>
#include <vector>

#include "core/text.h"

namespace cse {

namespace {
constexpr size_t kOfficeLengthMax = 64;
}  // namespace

Status ValidateOfficeName(std::string_view field, const std::string& office) {
  const std::string f(field);
  if (office.size() > kOfficeLengthMax) {
    return InvalidArgument("office_invalid", f + ": at most 64 characters");
  }
  for (char c : office) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("office_invalid", f + ": control characters are not allowed");
    }
  }
  // Nor a character that prints as nothing or as a plain space (QA: "Alder" followed by a
  // no-break or zero-width space made a second caseload that printed as "Alder").
  if (!IsValidUtf8(office)) return InvalidArgument("office_invalid", f + ": not valid UTF-8");
  for (size_t i = 0; i < office.size();) {
    const size_t n = Utf8SequenceLength(office, i);
    const uint32_t cp = CodePointAt(office, i, n);
    const bool unusual_space = cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200d) ||
                               cp == 0x202f || cp == 0x205f || cp == 0x2060 || cp == 0x3000 ||
                               cp == 0xfeff;
    if (unusual_space || IsLineForgingControl(cp)) {
      return InvalidArgument("office_invalid",
                             f + ": " + CodePointName(cp) +
                                 " (an invisible, no-break or control character) is not allowed; "
                                 "caseloads compare office names exactly");
    }
    i += n;
  }
  // Caseloads compare office names exactly: " North" would be an office of its own. (A blank
  // office is the callers' to refuse: office_required.)
  if (!IsBlank(office) && (office.front() == ' ' || office.back() == ' ')) {
    return InvalidArgument("office_invalid", f + " '" + office +
                                                 "': no space at the start or the end (caseloads "
                                                 "compare office names exactly)");
  }
  return Status::Ok();
}

Status CheckOfficeSpelling(Store& store, std::string_view field, const std::string& office) {
  if (IsBlank(office)) return Status::Ok();
  // A case already in the office by this spelling: in use as given (an index seek; the search
  // ignoring letter case below reads every case's county, which a caseload of 100,000 cases
  // added one by one would pay each time).
  ASSIGN_OR_RETURN(std::vector<CaseId> in_office, store.ListCaseIdsInOffice(office, 0, 1));
  if (!in_office.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(std::vector<std::string> spellings, store.FindOfficeSpellings(office));
  if (spellings.empty() ||
      std::find(spellings.begin(), spellings.end(), office) != spellings.end()) {
    return Status::Ok();
  }
  std::string names;
  for (const std::string& n : spellings) names += (names.empty() ? "'" : ", '") + n + "'";
  return InvalidArgument("office_case_mismatch",
                         std::string(field) + " '" + office +
                             "' differs only in letter case from " + names +
                             " in use; caseloads compare office names exactly: give it as spelled");
}

}  // namespace cse
