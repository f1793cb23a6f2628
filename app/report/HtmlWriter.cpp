#include "app/report/ReportWriters.h"

#include "core/Files.h"

#include <sstream>

namespace irplan::report {

namespace fs = std::filesystem;

std::string escapeHtml(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += ch;
        }
    }
    return out;
}

namespace {

// Screen: pages one below the other; print: one section per sheet, the banner
// repeated at the top of each.
const char* kStyle = R"(body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:10pt;margin:2em;color:#111}
h1{font-size:16pt;margin:0}h2{font-size:13pt;border-bottom:1px solid #888;margin-top:0}h3{font-size:11pt;margin-bottom:.3em}
section.page{border:1px solid #ccc;padding:1.5em;margin-bottom:2em;page-break-after:always}
.banner{background:#b00020;color:#fff;font-weight:bold;padding:.6em;margin-bottom:1em}
.warning{background:#fff3cd;border-left:4px solid #d39e00;padding:.3em .6em}
table{border-collapse:collapse;margin:.5em 0;font-size:9pt}th,td{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#eee}figure{margin:1em 0}img{max-width:100%;border:1px solid #999}footer{font-size:8pt;color:#555;margin-top:1em}
pre{font-size:8.5pt;background:#f6f6f6;padding:.5em})";

} // namespace

void writeHtml(const Document& d, const fs::path& file, int pdfPages) {
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
    h << "<meta name=\"generator\" content=\"" << escapeHtml(d.footer) << "\">\n";
    h << "<meta name=\"irplan-pdf-pages\" content=\"" << pdfPages << "\">\n";
    h << "<title>" << escapeHtml(d.title + " - " + d.subtitle) << "</title>\n<style>" << kStyle << "</style></head>\n<body>\n";
    h << "<header><h1>" << escapeHtml(d.title) << "</h1><p>" << escapeHtml(d.subtitle) << "</p>";
    h << "<p>The PDF version (report.pdf) has <span id=\"pdf-pages\">" << pdfPages << "</span> page"
      << (pdfPages == 1 ? "" : "s") << ".</p></header>\n";
    int n = 0;
    for (const auto& page : d.pages) {
        h << "<section class=\"page\" id=\"page" << ++n << "\">\n";
        if (!d.banner.empty()) h << "<div class=\"banner\" role=\"alert\">" << escapeHtml(d.banner) << "</div>\n";
        h << "<h2>" << escapeHtml(page.title) << "</h2>\n";
        for (const auto& b : page.blocks) {
            switch (b.kind) {
            case Block::Kind::Heading: h << "<h3>" << escapeHtml(b.text) << "</h3>\n"; break;
            case Block::Kind::Paragraph: h << "<p>" << escapeHtml(b.text) << "</p>\n"; break;
            case Block::Kind::Warning: h << "<p class=\"warning\">" << escapeHtml(b.text) << "</p>\n"; break;
            case Block::Kind::Preformatted: h << "<pre>" << escapeHtml(b.text) << "</pre>\n"; break;
            case Block::Kind::Table:
                h << "<table><thead><tr>";
                for (const auto& c : b.header) h << "<th>" << escapeHtml(c) << "</th>";
                h << "</tr></thead><tbody>\n";
                for (const auto& r : b.rows) {
                    h << "<tr>";
                    for (const auto& c : r) h << "<td>" << escapeHtml(c) << "</td>";
                    h << "</tr>\n";
                }
                h << "</tbody></table>\n";
                break;
            case Block::Kind::Image: {
                const fs::path rel = b.image.lexically_relative(fs::absolute(file).parent_path());
                const std::string src = rel.empty() ? b.image.generic_string() : rel.generic_string();
                h << "<figure><img src=\"" << escapeHtml(src) << "\" alt=\"" << escapeHtml(b.text) << "\"><figcaption>"
                  << escapeHtml(b.text) << "</figcaption></figure>\n";
                break;
            }
            }
        }
        h << "<footer>" << escapeHtml(d.footer) << " Page " << n << " of " << d.pages.size() << ".</footer>\n";
        h << "</section>\n";
    }
    h << "</body></html>\n";
    files::writeTextAtomic(file, h.str());
}

} // namespace irplan::report
