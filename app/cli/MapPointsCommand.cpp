// irplan map-points --registration DIR --points "x,y,z;x,y,z" [--elastix PATH]
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "app/cli/RegistrationCliSupport.h"
#include "registration/Registration.h"

namespace irplan::cli {

namespace {
struct MapPointsOptions {
    std::string registration, points;
    ElastixCliOptions elastix;
};

void addMapPointsCommand(CLI::App& app) {
    auto opt = std::make_shared<MapPointsOptions>();
    CLI::App* cmd = app.add_subcommand("map-points", "Map fixed-space points (LPS mm) into the moving image through a "
                                                     "registration (rigid, affine or deformable); prints JSON");
    cmd->add_option("--registration", opt->registration, "Registration folder (irplan register --out)")->required();
    cmd->add_option("--points", opt->points, "Fixed-space points \"x,y,z;x,y,z\" in LPS mm")->required();
    addElastixOptions(cmd, opt->elastix);
    cmd->callback([opt] {
        const auto reg = registration::Registration::load(opt->registration);
        const auto fixed = parsePointList(opt->points);
        const auto moving = reg.mapPoints(fixed, elastixSettings(opt->elastix));
        Json j;
        j["registration"] = opt->registration;
        j["transform_kind"] = reg.transformKind();
        j["qa_verdict"] = reg.verdict();
        j["convention"] = "fixed-space points (LPS mm) mapped to the same anatomy in the moving image";
        Json f = Json::array(), m = Json::array();
        for (const auto& p : fixed) f.push_back({p.x, p.y, p.z});
        for (const auto& p : moving) m.push_back({p.x, p.y, p.z});
        j["fixed_points_mm"] = f;
        j["moving_points_mm"] = m;
        printJson(j);
    });
}

const CommandRegistrar registrar(42, addMapPointsCommand);
} // namespace

} // namespace irplan::cli
