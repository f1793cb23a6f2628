// irplan response --baseline LESIONS --followup LESIONS [--json] [--out FILE]
//                 [--match-by-id | --match-tolerance-mm MM] [--nadir-sum-mm MM]
//                 [--sul-per-suv R | --weight-kg W --height-m H --sex M|F]
//                 [--followup-sul-per-suv R | --followup-weight-kg W ...]
//                 [--liver-sul-mean M [--liver-sul-sd S]]
// Tumour response by RECIST 1.1, Choi and PERCIST 1.0 from two lesion tables
// (lesions.json as the segmentation module writes them).
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "core/Files.h"
#include "review/Response.h"

#include <iostream>

namespace irplan::cli {
namespace {

struct ResponseCliOptions {
    std::string baseline, followup, out;
    bool json = false, byId = false;
    double tolerance_mm = 15.0;
    std::optional<double> nadir;
    review::SulSource base, fu;
    std::optional<double> liverMean, liverSd;
};

void addResponseCommand(CLI::App& app) {
    auto o = std::make_shared<ResponseCliOptions>();
    CLI::App* cmd = app.add_subcommand(
        "response", "Tumour response (RECIST 1.1, Choi, PERCIST 1.0) between a baseline and a follow-up lesion table");
    cmd->add_option("--baseline", o->baseline, "Baseline lesions.json")->required();
    cmd->add_option("--followup", o->followup,
                    "Follow-up lesions.json (centres in the baseline's frame, or use --match-by-id)")
        ->required();
    cmd->add_option("--out", o->out, "Also write the assessment as JSON to this file");
    cmd->add_flag("--json", o->json, "Print JSON instead of text");
    cmd->add_flag("--match-by-id", o->byId, "Pair lesions by their ids (tracked lesions) instead of by position");
    cmd->add_option("--match-tolerance-mm", o->tolerance_mm,
                    "Largest centre distance of a lesion pair (default 15 mm)");
    cmd->add_option("--nadir-sum-mm", o->nadir,
                    "RECIST: smallest sum of diameters on study (default: the baseline sum)");
    cmd->add_option("--sul-per-suv", o->base.sulPerSuv, "PERCIST: lean body mass / body weight at baseline");
    cmd->add_option("--weight-kg", o->base.weightKg, "PERCIST: body weight at baseline (with --height-m and --sex)");
    cmd->add_option("--height-m", o->base.heightM, "PERCIST: height in metres");
    cmd->add_option("--sex", o->base.sex, "PERCIST: M or F");
    cmd->add_option("--followup-sul-per-suv", o->fu.sulPerSuv,
                    "PERCIST: LBM / weight at follow-up (default: baseline's)");
    cmd->add_option("--followup-weight-kg", o->fu.weightKg, "PERCIST: body weight at follow-up");
    cmd->add_option("--followup-height-m", o->fu.heightM, "PERCIST: height at follow-up");
    cmd->add_option("--followup-sex", o->fu.sex, "PERCIST: sex at follow-up");
    cmd->add_option("--liver-sul-mean", o->liverMean, "PERCIST: liver SULmean (3 cm sphere, right lobe) at baseline");
    cmd->add_option("--liver-sul-sd", o->liverSd, "PERCIST: liver SUL standard deviation");
    cmd->callback([o] {
        const review::LesionTable base = review::readLesionTable(o->baseline);
        const review::LesionTable fu = review::readLesionTable(o->followup);
        review::ResponseOptions ro;
        ro.matching.byId = o->byId;
        ro.matching.tolerance_mm = o->tolerance_mm;
        ro.recistNadirSum_mm = o->nadir;
        ro.baselineSul = o->base;
        ro.followupSul = o->fu;
        ro.liverSulMean = o->liverMean;
        ro.liverSulSd = o->liverSd;
        const review::ResponseAssessment a = review::assessResponse(base, fu, ro);
        const Json j = review::toJson(a);
        if (!o->out.empty()) files::writeTextAtomic(o->out, j.dump(2) + "\n");
        if (o->json)
            printJson(j);
        else
            std::cout << review::summaryText(a);
    });
}

const CommandRegistrar registrar(60, addResponseCommand);
} // namespace
} // namespace irplan::cli
