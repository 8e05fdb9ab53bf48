// PdfWriter over libharu.
#include "pdf/pdf_writer.h"

#include <hpdf.h>

namespace cse::pdf {

struct PdfWriter::State {
  HPDF_Doc doc = nullptr;
  HPDF_Page page = nullptr;
  HPDF_Font regular = nullptr;
  HPDF_Font bold = nullptr;
  Status error = Status::Ok();
};

namespace {

void OnError(HPDF_STATUS error_no, HPDF_STATUS detail_no, void* user_data) {
  auto* state = static_cast<PdfWriter::State*>(user_data);
  if (!state->error.ok()) return;
  state->error = Internal("pdf_error", "libharu error " + std::to_string(error_no) + " (detail " +
                                           std::to_string(detail_no) + ")");
}

std::string Printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

}  // namespace

PdfWriter::PdfWriter() : state_(std::make_unique<State>()) {
  state_->doc = HPDF_New(OnError, state_.get());
  if (state_->doc == nullptr) {
    state_->error = Internal("pdf_error", "libharu could not create a document");
    return;
  }
  HPDF_SetCompressionMode(state_->doc, HPDF_COMP_ALL);
  state_->regular = HPDF_GetFont(state_->doc, "Helvetica", nullptr);
  state_->bold = HPDF_GetFont(state_->doc, "Helvetica-Bold", nullptr);
}

PdfWriter::~PdfWriter() {
  if (state_->doc != nullptr) HPDF_Free(state_->doc);
}

void PdfWriter::AddPage() {
  if (!state_->error.ok()) return;
  state_->page = HPDF_AddPage(state_->doc);
  if (state_->page == nullptr) return;
  HPDF_Page_SetSize(state_->page, HPDF_PAGE_SIZE_LETTER, HPDF_PAGE_PORTRAIT);
}

void PdfWriter::Text(float x, float y, float size_pt, FontWeight weight, std::string_view text) {
  if (!state_->error.ok() || state_->page == nullptr) return;
  HPDF_Page_BeginText(state_->page);
  HPDF_Page_SetFontAndSize(state_->page,
                           weight == FontWeight::kBold ? state_->bold : state_->regular, size_pt);
  HPDF_Page_TextOut(state_->page, x, y, Printable(text).c_str());
  HPDF_Page_EndText(state_->page);
}

void PdfWriter::Line(float x1, float y1, float x2, float y2) {
  if (!state_->error.ok() || state_->page == nullptr) return;
  HPDF_Page_SetLineWidth(state_->page, 0.5f);
  HPDF_Page_MoveTo(state_->page, x1, y1);
  HPDF_Page_LineTo(state_->page, x2, y2);
  HPDF_Page_Stroke(state_->page);
}

void PdfWriter::SetTitle(std::string_view title) {
  if (!state_->error.ok()) return;
  HPDF_SetInfoAttr(state_->doc, HPDF_INFO_TITLE, Printable(title).c_str());
}

Status PdfWriter::Save(const std::string& path) {
  if (!state_->error.ok()) return state_->error;
  if (HPDF_SaveToFile(state_->doc, path.c_str()) != HPDF_OK) {
    return Unavailable("file_write_failed", "cannot write the PDF to '" + path + "'");
  }
  return Status::Ok();
}

}  // namespace cse::pdf
