#include "render/ImageFiles.h"

#include "core/Error.h"
#include "core/Files.h"

#include <vtkImageData.h>
#include <vtkImageDifference.h>
#include <vtkPNGReader.h>
#include <vtkPNGWriter.h>
#include <vtkSmartPointer.h>

#include <algorithm>
#include <cstring>

namespace irplan::render {

namespace {
vtkSmartPointer<vtkImageData> toVtk(const RgbaImage& img, int components = 4) {
    auto data = vtkSmartPointer<vtkImageData>::New();
    data->SetDimensions(img.width, img.height, 1);
    data->AllocateScalars(VTK_UNSIGNED_CHAR, components);
    auto* dst = static_cast<unsigned char*>(data->GetScalarPointer());
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
            const std::uint8_t* s = img.at(x, y);
            unsigned char* d = dst + (static_cast<size_t>(img.height - 1 - y) * img.width + x) * components;
            for (int c = 0; c < components; ++c) d[c] = s[c];
        }
    return data;
}

RgbaImage fromVtk(vtkImageData* data) {
    int dims[3];
    data->GetDimensions(dims);
    const int comps = data->GetNumberOfScalarComponents();
    RgbaImage out(dims[0], dims[1]);
    const auto* src = static_cast<const unsigned char*>(data->GetScalarPointer());
    for (int y = 0; y < dims[1]; ++y)
        for (int x = 0; x < dims[0]; ++x) {
            const unsigned char* s = src + (static_cast<size_t>(dims[1] - 1 - y) * dims[0] + x) * comps;
            std::uint8_t* d = out.at(x, y);
            if (comps >= 3) {
                d[0] = s[0];
                d[1] = s[1];
                d[2] = s[2];
            } else {
                d[0] = d[1] = d[2] = s[0];
            }
            d[3] = comps == 4 ? s[3] : (comps == 2 ? s[1] : 255);
        }
    return out;
}
} // namespace

void writePng(const RgbaImage& image, const std::filesystem::path& path) {
    if (image.empty()) throw Error("cannot write an empty picture to " + path.string());
    files::checkNotInput(path);
    files::AtomicFile file(path);
    auto writer = vtkSmartPointer<vtkPNGWriter>::New();
    writer->SetInputData(toVtk(image, 3)); // opaque pictures: RGB keeps files small
    writer->SetFileName(file.tempPath().string().c_str());
    writer->Write();
    if (writer->GetErrorCode() != 0) throw Error("could not write " + path.string());
    file.commit();
}

RgbaImage readPng(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error("picture not found: " + path.string());
    auto reader = vtkSmartPointer<vtkPNGReader>::New();
    if (!reader->CanReadFile(path.string().c_str())) throw Error(path.string() + " is not a PNG file");
    reader->SetFileName(path.string().c_str());
    reader->Update();
    return fromVtk(reader->GetOutput());
}

ImageComparison compareImages(const RgbaImage& rendered, const RgbaImage& baseline) {
    if (rendered.width != baseline.width || rendered.height != baseline.height)
        throw Error("pictures differ in size: " + std::to_string(rendered.width) + "x" + std::to_string(rendered.height) +
                    " vs " + std::to_string(baseline.width) + "x" + std::to_string(baseline.height));
    auto diff = vtkSmartPointer<vtkImageDifference>::New();
    diff->SetInputData(toVtk(rendered, 3));
    diff->SetImageData(toVtk(baseline, 3));
    diff->SetThreshold(16); // per channel; VTK's default of 105 lets real changes pass
    diff->Update();
    ImageComparison out;
    out.error = diff->GetThresholdedError();
    out.diff = fromVtk(diff->GetOutput());
    size_t differing = 0;
    for (int y = 0; y < rendered.height; ++y)
        for (int x = 0; x < rendered.width; ++x) {
            int worst = 0;
            for (int c = 0; c < 3; ++c) worst = std::max(worst, std::abs(rendered.at(x, y)[c] - baseline.at(x, y)[c]));
            out.maxChannelDiff = std::max<double>(out.maxChannelDiff, worst);
            if (worst > 16) ++differing;
        }
    out.differingPixels = static_cast<double>(differing) / (static_cast<double>(rendered.width) * rendered.height);
    return out;
}

void blit(RgbaImage& canvas, const RgbaImage& tile, int x0, int y0) {
    for (int y = 0; y < tile.height; ++y) {
        const int cy = y0 + y;
        if (cy < 0 || cy >= canvas.height) continue;
        for (int x = 0; x < tile.width; ++x) {
            const int cx = x0 + x;
            if (cx < 0 || cx >= canvas.width) continue;
            std::memcpy(canvas.at(cx, cy), tile.at(x, y), 4);
        }
    }
}

} // namespace irplan::render
