#include "sim/groups.h"

namespace cse::sim {

Result<std::map<int64_t, std::string>> ObligorGroups(Store& store) {
  ASSIGN_OR_RETURN(std::vector<TruthPerson> persons, store.ListTruthPersons());
  std::map<int64_t, std::string> out;
  for (const TruthPerson& p : persons) {
    if (p.role == "obligor") out[p.person.value] = p.group;
  }
  return out;
}

}  // namespace cse::sim
