#include "formats/layout.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace cse::formats {
namespace {

struct TypeName {
  FieldType type;
  std::string_view name;
};
constexpr TypeName kTypeNames[] = {
    {FieldType::kDigits, "digits"},
    {FieldType::kAlpha, "alpha"},
    {FieldType::kName, "name"},
    {FieldType::kText, "text"},
    {FieldType::kDateCcyymmdd, "ccyymmdd"},
    {FieldType::kDateMmddyyyy, "mmddyyyy"},
};

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool ToInt(std::string_view text, int& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

Status LineError(std::string reason, int line_number, const std::string& what) {
  return InvalidArgument(std::move(reason),
                         "layout table line " + std::to_string(line_number) + ": " + what);
}

// The text after the first `words` words ("record_id 4 Newhire Record", 2 → "Newhire Record").
std::string_view RestAfter(std::string_view line, int words) {
  size_t i = 0;
  for (int k = 0; k < words; ++k) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return line.substr(i);
}

Result<FieldSpec> ParseField(const std::vector<std::string_view>& w, int n,
                             const std::vector<std::string_view>& known) {
  if (w.size() < 5) return LineError("layout_syntax", n, "field NAME START LENGTH TYPE [flags]");
  FieldSpec f;
  f.name = std::string(w[1]);
  if (std::find(known.begin(), known.end(), w[1]) == known.end()) {
    return LineError("layout_field_unknown", n, "unknown field '" + f.name + "'");
  }
  if (!ToInt(w[2], f.start) || !ToInt(w[3], f.length) || f.start < 1 || f.length < 1 ||
      f.length > kRecordLengthMax) {
    return LineError("layout_position_invalid", n, "START and LENGTH must be positive integers");
  }
  const auto type = std::find_if(std::begin(kTypeNames), std::end(kTypeNames),
                                 [&](const TypeName& t) { return t.name == w[4]; });
  if (type == std::end(kTypeNames)) {
    return LineError(
        "layout_type_unknown", n,
        "type '" + std::string(w[4]) + "': expected digits|alpha|name|text|ccyymmdd|mmddyyyy");
  }
  f.type = type->type;
  for (size_t i = 5; i < w.size(); ++i) {
    if (w[i] == "required") {
      f.required = true;
    } else if (w[i] == "unverified") {
      f.verified = false;
    } else {
      return LineError("layout_syntax", n, "unknown flag '" + std::string(w[i]) + "'");
    }
  }
  return f;
}

Status CheckPositions(const RecordLayout& l) {
  if (l.name.empty() || l.record_length < 1 || l.record_id.empty()) {
    return InvalidArgument("layout_incomplete",
                           "a layout needs `layout`, `record_length` and `record_id` lines");
  }
  if (l.record_length > kRecordLengthMax) {
    return InvalidArgument("layout_position_invalid",
                           "record_length above " + std::to_string(kRecordLengthMax));
  }
  const int id_end = l.record_id_start + static_cast<int>(l.record_id.size()) - 1;
  if (l.record_id_start < 1 || id_end > l.record_length) {
    return InvalidArgument("layout_position_invalid", "record_id outside the record");
  }
  for (const FieldSpec& f : l.fields) {
    if (f.end() > l.record_length) {
      return InvalidArgument("layout_position_invalid",
                             "field " + f.name + " ends at " + std::to_string(f.end()) +
                                 ", after record_length " + std::to_string(l.record_length));
    }
    if (f.start <= id_end && f.end() >= l.record_id_start) {
      return InvalidArgument("layout_position_invalid",
                             "field " + f.name + " overlaps the record id");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string_view Name(FieldType type) {
  for (const TypeName& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "text";
}

const FieldSpec* RecordLayout::Find(std::string_view field) const {
  for (const FieldSpec& f : fields) {
    if (f.name == field) return &f;
  }
  return nullptr;
}

std::vector<std::string> RecordLayout::UnverifiedFields() const {
  std::vector<std::string> out;
  for (const FieldSpec& f : fields) {
    if (!f.verified) out.push_back(f.name);
  }
  return out;
}

Result<RecordLayout> ParseLayout(std::string_view table,
                                 const std::vector<std::string_view>& known_fields) {
  RecordLayout l;
  int n = 0;
  size_t pos = 0;
  while (pos <= table.size()) {
    const size_t nl = std::min(table.find('\n', pos), table.size());
    std::string_view line = table.substr(pos, nl - pos);
    pos = nl + 1;
    ++n;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::vector<std::string_view> w = Words(line);
    if (w.empty() || w[0].front() == '#') continue;
    if (w[0] == "layout" && w.size() == 2) {
      l.name = std::string(w[1]);
    } else if (w[0] == "description") {
      l.description = std::string(RestAfter(line, 1));
    } else if (w[0] == "record_length" && w.size() == 2 && ToInt(w[1], l.record_length)) {
    } else if ((w[0] == "record_id" || w[0] == "header_id") && w.size() >= 3) {
      int start = 0;
      if (!ToInt(w[1], start)) return LineError("layout_syntax", n, "START must be an integer");
      const std::string text(RestAfter(line, 2));
      (w[0] == "record_id" ? l.record_id_start : l.header_id_start) = start;
      (w[0] == "record_id" ? l.record_id : l.header_id) = text;
    } else if (w[0] == "field") {
      ASSIGN_OR_RETURN(FieldSpec f, ParseField(w, n, known_fields));
      if (l.Find(f.name)) {
        return LineError("layout_field_duplicate", n, "field " + f.name + " given twice");
      }
      if (l.fields.size() >= kLayoutFieldsMax) {
        return LineError("layout_syntax", n,
                         "more than " + std::to_string(kLayoutFieldsMax) + " fields");
      }
      l.fields.push_back(std::move(f));
    } else {
      return LineError("layout_syntax", n, "cannot read '" + std::string(line) + "'");
    }
  }
  RETURN_IF_ERROR(CheckPositions(l));
  return l;
}

std::string FormatLayout(const RecordLayout& l) {
  std::ostringstream o;
  o << "layout " << l.name << "\n";
  if (!l.description.empty()) o << "description " << l.description << "\n";
  o << "record_length " << l.record_length << "\n";
  o << "record_id " << l.record_id_start << " " << l.record_id << "\n";
  if (!l.header_id.empty()) o << "header_id " << l.header_id_start << " " << l.header_id << "\n";
  for (const FieldSpec& f : l.fields) {
    o << "field " << f.name << " " << f.start << " " << f.length << " " << Name(f.type)
      << (f.required ? " required" : "") << (f.verified ? "" : " unverified") << "\n";
  }
  return o.str();
}

}  // namespace cse::formats
