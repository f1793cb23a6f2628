// The PDF of the report, drawn with cairo's PDF surface: A4 portrait, DejaVu
// Sans (fonts-dejavu-core), text wrapped by measuring, tables with wrapped
// cells, PNG screenshots scaled to the text width. New sheets start whenever a
// block does not fit; every sheet carries the banner (when there is one), the
// page title and a footer with "page i of n" written once the count is known.
#include "app/report/ReportWriters.h"

#include "core/Error.h"
#include "core/Files.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <memory>

namespace irplan::report {

namespace fs = std::filesystem;

namespace {

constexpr double kPageW = 595.276, kPageH = 841.89; // A4 in points
constexpr double kMargin = 40;
constexpr double kTextW = kPageW - 2 * kMargin;
constexpr double kBottom = kPageH - kMargin - 18; // room for the footer
const char* kFont = "DejaVu Sans";

class PdfLayout {
public:
    PdfLayout(cairo_surface_t* s, const Document& d) : surface_(s), doc_(d) { cr_ = cairo_create(s); }
    ~PdfLayout() { cairo_destroy(cr_); }

    void run() {
        for (const auto& page : doc_.pages) {
            title_ = page.title;
            newSheet(false);
            for (const auto& b : page.blocks) block(b);
        }
        finishSheet();
    }
    int sheets() const { return sheets_; }
    // Footers with the page count are drawn at the end of each sheet with a
    // placeholder total; the count is known only after layout, so the caller
    // lays out twice (first to count).
    int totalForFooter = 0;

private:
    void font(double size, bool bold) {
        cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr_, size);
    }
    double width(const std::string& t) {
        cairo_text_extents_t e;
        cairo_text_extents(cr_, t.c_str(), &e);
        return e.x_advance;
    }
    // Greedy word wrap; words longer than the width are cut.
    std::vector<std::string> wrap(const std::string& text, double w) {
        std::vector<std::string> lines;
        std::string line, word;
        auto flushWord = [&] {
            if (word.empty()) return;
            const std::string candidate = line.empty() ? word : line + " " + word;
            if (width(candidate) <= w) {
                line = candidate;
            } else {
                if (!line.empty()) lines.push_back(line);
                line.clear();
                while (width(word) > w && word.size() > 1) {
                    size_t n = word.size() - 1;
                    while (n > 1 && width(word.substr(0, n)) > w) --n;
                    lines.push_back(word.substr(0, n));
                    word = word.substr(n);
                }
                line = word;
            }
            word.clear();
        };
        for (char ch : text) {
            if (ch == ' ') flushWord();
            else if (ch == '\n') {
                flushWord();
                lines.push_back(line);
                line.clear();
            } else word += ch;
        }
        flushWord();
        if (!line.empty() || lines.empty()) lines.push_back(line);
        return lines;
    }
    void text(const std::string& t, double x, double baseline) {
        cairo_move_to(cr_, x, baseline);
        cairo_show_text(cr_, t.c_str());
    }

    void newSheet(bool continued) {
        if (sheets_ > 0) finishSheet();
        ++sheets_;
        y_ = kMargin;
        if (!doc_.banner.empty()) {
            // The page label carries the warning too, so it survives text extraction.
            cairo_pdf_surface_set_page_label(surface_, ("WARNING " + std::to_string(sheets_)).c_str());
            font(9, true);
            const auto lines = wrap(doc_.banner, kTextW - 12);
            const double h = 8 + 12 * lines.size();
            cairo_set_source_rgb(cr_, 0.69, 0, 0.125);
            cairo_rectangle(cr_, kMargin, y_, kTextW, h);
            cairo_fill(cr_);
            cairo_set_source_rgb(cr_, 1, 1, 1);
            for (size_t i = 0; i < lines.size(); ++i) text(lines[i], kMargin + 6, y_ + 13 + 12 * i);
            y_ += h + 10;
        } else {
            cairo_pdf_surface_set_page_label(surface_, std::to_string(sheets_).c_str());
        }
        cairo_set_source_rgb(cr_, 0, 0, 0);
        if (sheets_ == 1) {
            font(15, true);
            text(doc_.title, kMargin, y_ + 15);
            font(9, false);
            text(doc_.subtitle, kMargin, y_ + 29);
            y_ += 40;
        }
        font(12, true);
        text(title_ + (continued ? " (continued)" : ""), kMargin, y_ + 12);
        cairo_set_line_width(cr_, 0.5);
        cairo_move_to(cr_, kMargin, y_ + 16);
        cairo_line_to(cr_, kMargin + kTextW, y_ + 16);
        cairo_stroke(cr_);
        y_ += 26;
    }
    void finishSheet() {
        font(7, false);
        cairo_set_source_rgb(cr_, 0.35, 0.35, 0.35);
        const std::string f = doc_.footer + "  Page " + std::to_string(sheets_) +
                              (totalForFooter > 0 ? " of " + std::to_string(totalForFooter) : "");
        const auto lines = wrap(f, kTextW);
        for (size_t i = 0; i < lines.size(); ++i) text(lines[i], kMargin, kPageH - kMargin + 8 * i);
        cairo_set_source_rgb(cr_, 0, 0, 0);
        cairo_show_page(cr_);
    }
    void need(double h) {
        if (y_ + h > kBottom) newSheet(true);
    }

    void paragraph(const std::string& t, double size, bool bold, bool warn) {
        font(size, bold);
        const double lh = size * 1.35;
        const auto lines = wrap(t, kTextW - (warn ? 10 : 0));
        for (const auto& l : lines) {
            need(lh);
            if (warn) {
                cairo_set_source_rgb(cr_, 1.0, 0.953, 0.804);
                cairo_rectangle(cr_, kMargin, y_, kTextW, lh);
                cairo_fill(cr_);
                cairo_set_source_rgb(cr_, 0.83, 0.62, 0);
                cairo_rectangle(cr_, kMargin, y_, 3, lh);
                cairo_fill(cr_);
                cairo_set_source_rgb(cr_, 0, 0, 0);
            }
            text(l, kMargin + (warn ? 8 : 0), y_ + size);
            y_ += lh;
        }
        y_ += size * 0.5;
    }

    void tableBlock(const Block& b) {
        const size_t nc = b.header.size();
        if (nc == 0) return;
        const double size = 7.5, lh = size * 1.3, pad = 3;
        font(size, false);
        // Column widths: proportional to each column's longest content, at least 40 pt.
        std::vector<double> want(nc, 40);
        auto consider = [&](const std::vector<std::string>& row) {
            for (size_t c = 0; c < nc && c < row.size(); ++c) want[c] = std::max(want[c], std::min(220.0, width(row[c]) + 2 * pad));
        };
        consider(b.header);
        for (const auto& r : b.rows) consider(r);
        double total = 0;
        for (double w : want) total += w;
        const double scale = total > kTextW ? kTextW / total : 1.0;
        for (double& w : want) w *= scale;
        auto drawRow = [&](const std::vector<std::string>& row, bool header) {
            font(size, header);
            std::vector<std::vector<std::string>> cells(nc);
            size_t lines = 1;
            for (size_t c = 0; c < nc; ++c) {
                cells[c] = wrap(c < row.size() ? row[c] : "", want[c] - 2 * pad);
                lines = std::max(lines, cells[c].size());
            }
            const double h = lines * lh + 2 * pad;
            need(h);
            double x = kMargin;
            for (size_t c = 0; c < nc; ++c) {
                if (header) {
                    cairo_set_source_rgb(cr_, 0.92, 0.92, 0.92);
                    cairo_rectangle(cr_, x, y_, want[c], h);
                    cairo_fill(cr_);
                }
                cairo_set_source_rgb(cr_, 0.5, 0.5, 0.5);
                cairo_set_line_width(cr_, 0.4);
                cairo_rectangle(cr_, x, y_, want[c], h);
                cairo_stroke(cr_);
                cairo_set_source_rgb(cr_, 0, 0, 0);
                for (size_t i = 0; i < cells[c].size(); ++i) text(cells[c][i], x + pad, y_ + pad + size + i * lh);
                x += want[c];
            }
            y_ += h;
        };
        drawRow(b.header, true);
        for (const auto& r : b.rows) drawRow(r, false);
        y_ += 6;
    }

    void image(const Block& b) {
        cairo_surface_t* img = cairo_image_surface_create_from_png(b.image.string().c_str());
        if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(img);
            paragraph("(picture missing: " + b.image.filename().string() + ") " + b.text, 9, false, true);
            return;
        }
        const double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
        const double maxH = kBottom - kMargin - 120; // leaves room for banner and title on a fresh sheet
        const double s = std::min({kTextW / iw, maxH / ih, 1.0});
        need(ih * s + 16);
        cairo_save(cr_);
        cairo_translate(cr_, kMargin, y_);
        cairo_scale(cr_, s, s);
        cairo_set_source_surface(cr_, img, 0, 0);
        cairo_paint(cr_);
        cairo_restore(cr_);
        cairo_surface_destroy(img);
        y_ += ih * s + 4;
        paragraph(b.text, 8.5, false, false);
    }

    void block(const Block& b) {
        switch (b.kind) {
        case Block::Kind::Heading: need(30); y_ += 4; paragraph(b.text, 10.5, true, false); break;
        case Block::Kind::Paragraph: paragraph(b.text, 9, false, false); break;
        case Block::Kind::Warning: paragraph(b.text, 9, false, true); break;
        case Block::Kind::Preformatted: paragraph(b.text, 8, false, false); break;
        case Block::Kind::Table: tableBlock(b); break;
        case Block::Kind::Image: image(b); break;
        }
    }

    cairo_surface_t* surface_;
    const Document& doc_;
    cairo_t* cr_ = nullptr;
    std::string title_;
    double y_ = 0;
    int sheets_ = 0;
};

int layout(const Document& d, const fs::path& file, int total) {
    cairo_surface_t* s = cairo_pdf_surface_create(file.string().c_str(), kPageW, kPageH);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        throw Error("cannot create the PDF " + file.string());
    }
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d.title.c_str());
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, d.footer.substr(0, d.footer.find(',')).c_str());
    if (!d.banner.empty()) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, d.banner.c_str());
    int n = 0;
    {
        PdfLayout l(s, d);
        l.totalForFooter = total;
        l.run();
        n = l.sheets();
    }
    cairo_surface_finish(s);
    const cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS)
        throw Error("writing the PDF " + file.string() + " failed: " + cairo_status_to_string(st));
    return n;
}

} // namespace

int writePdf(const Document& d, const fs::path& file) {
    files::AtomicFile out(file);
    const int n = layout(d, out.tempPath(), 0);
    // Same layout again with the total in each footer (the page count does not
    // depend on the footer text: the footer lies below the text area).
    const int n2 = layout(d, out.tempPath(), n);
    if (n2 != n) throw Error("PDF layout is unstable (" + std::to_string(n) + " vs " + std::to_string(n2) + " pages)");
    out.commit();
    return n;
}

} // namespace irplan::report
