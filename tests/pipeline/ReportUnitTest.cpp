// The report's writers without a pipeline: HTML escaping (a case name or a
// message can hold < > & " '), and a document with a banner written as a PDF
// whose every page carries the warning label, with the page count the HTML states.
#include "app/report/ReportWriters.h"
#include "core/Files.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace irplan;
namespace fs = std::filesystem;

TEST(ReportWriters, HtmlEscapesEverythingItPrints) {
    EXPECT_EQ(report::escapeHtml("<script>alert('x')</script> & \"q\""),
              "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    report::Document d;
    d.title = "T";
    d.subtitle = "<b>patient</b>";
    d.banner = "WARNING <i>";
    report::Page p;
    p.title = "A & B";
    p.blocks.push_back({report::Block::Kind::Table, "", {"<h>"}, {{"<td>"}}, {}});
    d.pages.push_back(p);
    const fs::path out = test::scratchDir("report_escape") / "r.html";
    report::writeHtml(d, out, 1);
    const std::string html = files::readText(out);
    EXPECT_EQ(html.find("<b>patient"), std::string::npos);
    EXPECT_NE(html.find("&lt;b&gt;patient&lt;/b&gt;"), std::string::npos);
    EXPECT_NE(html.find("WARNING &lt;i&gt;"), std::string::npos);
    EXPECT_NE(html.find("<td>&lt;td&gt;</td>"), std::string::npos);
    EXPECT_NE(html.find("A &amp; B"), std::string::npos);
}

TEST(ReportWriters, LongDocumentPaginatesWithTheBannerOnEveryPage) {
    report::Document d;
    d.title = "IRPlan test report";
    d.banner = "WARNING: test banner";
    d.footer = "IRPlan test";
    for (int s = 0; s < 3; ++s) {
        report::Page p;
        p.title = "Section " + std::to_string(s);
        std::vector<std::vector<std::string>> rows;
        for (int r = 0; r < 120; ++r) rows.push_back({std::to_string(r), "a longer cell with several words to wrap", "x"});
        p.blocks.push_back({report::Block::Kind::Table, "", {"n", "text", "x"}, rows, {}});
        d.pages.push_back(p);
    }
    const fs::path dir = test::scratchDir("report_paginate");
    const int n = report::writePdf(d, dir / "r.pdf");
    std::ifstream in(dir / "r.pdf", std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    const std::string pdf = s.str();
    std::cout << "3 sections of 120 rows: " << n << " PDF pages\n";
    EXPECT_GT(n, 3); // the tables overflow onto more sheets
    EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
    EXPECT_NE(pdf.find("0 << /S /D /St 1 /P (WARNING ) >>"), std::string::npos);
    // Without a banner: no warning label at all.
    d.banner.clear();
    report::writePdf(d, dir / "plain.pdf");
    EXPECT_EQ(files::readText(dir / "plain.pdf").find("(WARNING"), std::string::npos);
}
