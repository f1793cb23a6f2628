// irplan response on two lesion tables: categories, JSON, and one-line errors.
#include "core/Case.h"
#include "core/Files.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

using namespace irplan;
namespace fs = std::filesystem;

namespace {
void writeTable(const fs::path& p, const Json& lesions) {
    files::writeTextAtomic(p, Json{{"lesions", lesions}}.dump(2));
}

Json lesion(const std::string& id, double x, double ld, double hu, double suvPeak) {
    return {{"id", id},      {"centre_mm", {x, 10.0, -20.0}}, {"volume_ml", 10.0},   {"longest_axial_diameter_mm", ld},
            {"mean_hu", hu}, {"suv_max", suvPeak * 1.3},      {"suv_peak", suvPeak}, {"mtv_ml", 9.0},
            {"tlg", 50.0},   {"couinaud_segment", 7},         {"source", "ct"}};
}

void expectOneLineError(const test::CliResult& r, const std::string& needle) {
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("irplan: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}
} // namespace

TEST(ResponseCli, PartialResponseByAllThreeCriteria) {
    const fs::path d = test::scratchDir("response_cli");
    // 40 + 30 = 70 mm -> 26 + 20 = 46 mm (-34%); density 90 -> 70 HU; SULpeak 8 x 0.75 = 6.0 -> 3.0.
    writeTable(d / "base.json", Json::array({lesion("1", -60, 40, 90, 8.0), lesion("2", 40, 30, 90, 5.0)}));
    writeTable(d / "fu.json", Json::array({lesion("a", -58, 26, 70, 4.0), lesion("b", 41, 20, 70, 3.0)}));
    const auto r =
        test::runIrplan({"response", "--baseline", (d / "base.json").string(), "--followup", (d / "fu.json").string(),
                         "--sul-per-suv", "0.75", "--json", "--out", (d / "response.json").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json j = Json::parse(r.out);
    EXPECT_EQ(j["recist_1_1"]["category"], "PR");
    EXPECT_NEAR(j["recist_1_1"]["change_from_baseline_pct"].get<double>(), -34.29, 0.01);
    EXPECT_EQ(j["choi"]["category"], "PR");
    EXPECT_EQ(j["percist_1_0"]["category"], "PMR");
    EXPECT_NEAR(j["percist_1_0"]["baseline_sul_peak"].get<double>(), 6.0, 1e-9);
    EXPECT_TRUE(fs::exists(d / "response.json"));
    // Text output, and PERCIST not evaluable without the lean body mass.
    const auto t =
        test::runIrplan({"response", "--baseline", (d / "base.json").string(), "--followup", (d / "fu.json").string()});
    ASSERT_EQ(t.exitCode, 0) << t.err;
    EXPECT_NE(t.out.find("RECIST 1.1: PR"), std::string::npos) << t.out;
    EXPECT_NE(t.out.find("PERCIST 1.0: NE"), std::string::npos) << t.out;
    EXPECT_NE(t.out.find("lean body mass"), std::string::npos) << t.out;
}

TEST(ResponseCli, BadInputGivesOneLine) {
    const fs::path d = test::scratchDir("response_cli_bad");
    writeTable(d / "base.json", Json::array({lesion("1", 0, 40, 90, 8.0)}));
    files::writeTextAtomic(d / "broken.json", "{\"lesions\": [");
    writeTable(d / "negative.json", Json::array({lesion("1", 0, -4, 90, 8.0)}));
    expectOneLineError(test::runIrplan({"response", "--baseline", (d / "missing.json").string(), "--followup",
                                        (d / "base.json").string()}),
                       "missing.json");
    expectOneLineError(test::runIrplan({"response", "--baseline", (d / "base.json").string(), "--followup",
                                        (d / "broken.json").string()}),
                       "not valid JSON");
    expectOneLineError(test::runIrplan({"response", "--baseline", (d / "base.json").string(), "--followup",
                                        (d / "negative.json").string()}),
                       "negative");
    expectOneLineError(
        test::runIrplan({"response", "--baseline", (d / "base.json").string(), "--followup", (d / "base.json").string(),
                         "--height-m", "175", "--weight-kg", "70", "--sex", "M"}),
        "metres");
}
