#include "registration/detail/Transformix.h"

#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "registration/detail/ElastixLog.h"
#include "registration/detail/ElastixProcess.h"
#include "registration/detail/ImageOps.h"
#include "registration/detail/TransformChain.h"

#include <itkImageFileReader.h>
#include <itkMetaImageIO.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace irplan::registration::detail {
namespace fs = std::filesystem;

namespace {

FloatImage::Pointer readMha(const fs::path& path, const std::string& what) {
    auto r = itk::ImageFileReader<FloatImage>::New();
    r->SetImageIO(itk::MetaImageIO::New());
    r->SetFileName(path.string());
    try {
        r->Update();
    } catch (const itk::ExceptionObject& e) {
        throw Error("transformix did not produce " + what + " (" + path.filename().string() + ")");
    }
    FloatImage::Pointer img = r->GetOutput();
    img->DisconnectPipeline();
    return img;
}

} // namespace

TransformixOutput runTransformix(const TransformixJob& job) {
    const fs::path exe = findTransformix(job.settings);
    files::TempDir tmp("irplan-transformix");
    if (job.settings.keepTemporaryFiles) {
        tmp.release();
        log::info("transformix temporary folder kept: " + tmp.path().string());
    }
    // Copy the chain with absolute links between its files (transformix resolves
    // InitialTransformParametersFileName against its working directory).
    TransformChain chain = readChain(job.finalTransformFile);
    fs::path previous;
    for (size_t i = 0; i < chain.transforms.size(); ++i) {
        ParameterFile p = chain.transforms[i].parameters;
        p.setString("InitialTransformParametersFileName", previous.empty() ? "NoInitialTransform" : previous.string());
        const bool last = i + 1 == chain.transforms.size();
        if (last) {
            p.setNumber("FinalBSplineInterpolationOrder", job.nearest ? 0 : 1);
            p.setString("ResampleInterpolator", "FinalBSplineInterpolator");
            p.setString("Resampler", "DefaultResampler");
            p.setString("ResultImagePixelType", "float");
            p.setString("ResultImageFormat", "mha");
            p.setString("CompressResultImage", "false");
            p.setNumber("DefaultPixelValue", job.outsideValue);
            if (job.grid) setOutputGrid(p, job.grid);
        }
        const fs::path f = tmp.path() / ("chain." + std::to_string(i) + ".txt");
        p.write(f);
        previous = f;
    }
    std::vector<std::string> args{"-out", (tmp.path() / "out").string(), "-tp", previous.string()};
    fs::create_directories(tmp.path() / "out");
    if (job.image) {
        writeTempMha(job.image, tmp.path() / "moving.mha");
        args.insert(args.end(), {"-in", (tmp.path() / "moving.mha").string()});
    }
    if (job.jacobian) args.insert(args.end(), {"-jac", "all"});
    if (!job.points.empty()) {
        std::ostringstream s;
        s.precision(17);
        s << "point\n" << job.points.size() << "\n";
        for (const auto& p : job.points) s << p.x << " " << p.y << " " << p.z << "\n";
        std::ofstream(tmp.path() / "points.txt") << s.str();
        args.insert(args.end(), {"-def", (tmp.path() / "points.txt").string()});
    }
    const int threads = job.settings.threads > 0 ? job.settings.threads
                                                  : int(std::max(1u, std::thread::hardware_concurrency()));
    args.insert(args.end(), {"-threads", std::to_string(threads)});
    job.progress.update(0.0, "transformix");
    std::vector<std::string> errors;
    const ProcessResult r = runProcess(
        exe, args, tmp.path(),
        [&](const std::string& line) {
            if (line.find("ERROR") != std::string::npos || line.rfind("Description:", 0) == 0) errors.push_back(line);
        },
        job.progress, job.settings.timeLimit_s, "transformix");
    if (r.signalled || r.exitCode != 0)
        throw Error(explainElastixFailure("transformix", r.exitCode, r.signalled, r.signal, errors, r.tail));
    TransformixOutput out;
    if (job.image) out.image = readMha(tmp.path() / "out" / "result.mha", "the resampled image");
    if (job.jacobian) out.jacobian = readMha(tmp.path() / "out" / "spatialJacobian.mha", "the Jacobian");
    if (!job.points.empty()) {
        std::ifstream in(tmp.path() / "out" / "outputpoints.txt");
        std::string line;
        while (std::getline(in, line)) {
            const auto at = line.find("OutputPoint = [");
            if (at == std::string::npos) continue;
            std::istringstream v(line.substr(at + 15));
            Vec3 p;
            v >> p.x >> p.y >> p.z;
            out.points.push_back(p);
        }
        if (out.points.size() != job.points.size())
            throw Error("transformix mapped " + std::to_string(out.points.size()) + " of " +
                        std::to_string(job.points.size()) + " points");
    }
    job.progress.update(1.0, "transformix done");
    return out;
}

} // namespace irplan::registration::detail
