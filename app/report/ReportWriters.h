#pragma once
// Writers of the report document: HTML (escaped, images referenced beside it)
// and PDF (cairo: A4 pages, text and PNG images, no external process).
#include "app/report/ReportDocument.h"

#include <filesystem>
#include <string>

namespace irplan::report {

// Escapes & < > " ' for HTML text and attribute values.
std::string escapeHtml(const std::string& text);

// Writes the HTML atomically. Images are linked relative to `file`'s folder.
// `pdfPages` is the page count of the PDF written from the same document
// (stated in the HTML so the two can be checked against each other).
void writeHtml(const Document& document, const std::filesystem::path& file, int pdfPages);

// Writes the PDF atomically and returns its number of pages. Every page carries
// the document's banner (drawn, and as the page label) when there is one.
int writePdf(const Document& document, const std::filesystem::path& file);

} // namespace irplan::report
