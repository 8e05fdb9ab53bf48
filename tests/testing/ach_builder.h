// File: tests/testing/ach_builder.h
//
// Builds NACHA ACH files (94-character records) with X12 DED addenda for tests and fuzz seeds:
// control totals are computed from what was added, so a test changes one thing at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cse::testing {

// A record of 94 spaces with `type` at position 1.
inline std::string AchRecord(char type) {
  std::string r(94, ' ');
  r[0] = type;
  return r;
}

// Writes `text` at 1-based position `pos`.
inline void Put(std::string& record, size_t pos, const std::string& text) {
  record.replace(pos - 1, text.size(), text);
}

// `v` as `width` digits, zero-padded.
inline std::string Digits(int64_t v, size_t width) {
  std::string s = std::to_string(v);
  return std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

class AchBuilder {
 public:
  // Starts a batch for employer `fein` (nine digits) effective `yymmdd`.
  AchBuilder& Batch(const std::string& fein, const std::string& yymmdd,
                    const std::string& sec = "CCD") {
    std::string r = AchRecord('5');
    Put(r, 5, "ACME PAYROLL");
    Put(r, 41, "1" + fein);
    Put(r, 51, sec);
    Put(r, 54, "CHILD SUPP");
    Put(r, 70, yymmdd);
    Put(r, 88, Digits(++batches_, 7));
    records_.push_back(r);
    count_ = hash_ = credit_ = 0;
    return *this;
  }
  // A credit entry of `cents` with trace `trace_seq` (ODFI 09100001 + 7 digits), followed by
  // one addenda per element of `addenda` (each at most 80 characters).
  AchBuilder& Entry(int64_t cents, int64_t trace_seq, const std::vector<std::string>& addenda,
                    const std::string& code = "22") {
    std::string r = AchRecord('6');
    Put(r, 2, code);
    Put(r, 4, "12345678");
    Put(r, 12, "9");
    Put(r, 13, "SDU-ACCOUNT");
    Put(r, 30, Digits(cents, 10));
    Put(r, 55, "STATE DISBURSEMENT UNIT");
    Put(r, 79, addenda.empty() ? "0" : "1");
    Put(r, 80, "09100001" + Digits(trace_seq, 7));
    records_.push_back(r);
    ++count_;
    hash_ += 12345678;
    if (code == "22" || code == "32") credit_ += cents;
    int seq = 0;
    for (const std::string& info : addenda) {
      std::string a = AchRecord('7');
      Put(a, 2, "05");
      Put(a, 4, info);
      Put(a, 84, Digits(++seq, 4));
      Put(a, 88, Digits(trace_seq, 7));
      records_.push_back(a);
      ++count_;
    }
    return *this;
  }
  // Closes the batch; `credit_delta` falsifies its total credit.
  AchBuilder& EndBatch(int64_t credit_delta = 0) {
    std::string r = AchRecord('8');
    Put(r, 2, "220");
    Put(r, 5, Digits(count_, 6));
    Put(r, 11, Digits(hash_ % 10'000'000'000, 10));
    Put(r, 21, Digits(0, 12));
    Put(r, 33, Digits(credit_ + credit_delta, 12));
    Put(r, 88, Digits(batches_, 7));
    records_.push_back(r);
    file_count_ += count_;
    file_credit_ += credit_;
    return *this;
  }
  // The whole file: header, the batches, the file control, padding to a block of ten.
  std::string Build(bool with_control = true) const {
    std::string out = AchRecord('1');
    Put(out, 2, "01");
    out += "\n";
    for (const std::string& r : records_) out += r + "\n";
    if (with_control) {
      std::string c = AchRecord('9');
      Put(c, 2, Digits(batches_, 6));
      Put(c, 14, Digits(file_count_, 8));
      Put(c, 44, Digits(file_credit_, 12));
      out += c + "\n";
      out += std::string(94, '9') + "\n";
    }
    return out;
  }

 private:
  std::vector<std::string> records_;
  int64_t batches_ = 0;
  int64_t count_ = 0, hash_ = 0, credit_ = 0;
  int64_t file_count_ = 0, file_credit_ = 0;
};

}  // namespace cse::testing
