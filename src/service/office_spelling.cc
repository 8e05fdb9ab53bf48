// One spelling per office (service/office_spelling.h).
#include "service/office_spelling.h"

#include <algorithm>
#include <vector>

#include "core/text.h"

namespace cse {

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
