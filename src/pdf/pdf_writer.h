// File: pdf/pdf_writer.h
//
// A small text-and-lines PDF writer over libharu (the only code that includes <hpdf.h>):
// US Letter pages, the standard Helvetica fonts, text placed at points from the bottom-left
// corner. Documents (the IWO form, iwo/iwo_pdf.h) lay themselves out with it.
//
// Ownership: a PdfWriter owns its libharu document and frees it on destruction. Errors from
// libharu are caught by its error handler and returned as Status (internal "pdf_error" with
// libharu's error and detail numbers); after an error every call is a no-op and Save reports
// the first error.
//
// Thread-safety: one PdfWriter per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cse::pdf {

enum class FontWeight { kRegular, kBold };

class PdfWriter {
 public:
  // Page size in points (US Letter).
  static constexpr float kPageWidth = 612;
  static constexpr float kPageHeight = 792;

  PdfWriter();
  ~PdfWriter();
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  // Starts a new page; text and lines go to the latest page.
  // REQUIRES for Text and Line: AddPage was called.
  void AddPage();
  // Writes `text` (printable ASCII; other bytes are written as '?') with its baseline at (x, y).
  void Text(float x, float y, float size_pt, FontWeight weight, std::string_view text);
  // A line from (x1, y1) to (x2, y2), 0.5 pt wide.
  void Line(float x1, float y1, float x2, float y2);
  // Sets the document title in the PDF information dictionary.
  void SetTitle(std::string_view title);
  // Writes the document to `path`. Errors: internal "pdf_error", unavailable "file_write_failed".
  Status Save(const std::string& path);

  struct State;  // libharu handles and the first error (pdf_writer.cc)

 private:
  std::unique_ptr<State> state_;
};

}  // namespace cse::pdf
