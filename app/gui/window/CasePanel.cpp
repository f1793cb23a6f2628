#include "app/gui/window/Panels.h"
#include "app/gui/window/Widgets.h"

#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "io/DicomSeries.h"

#include <imgui.h>

#include <cstdio>

namespace irplan::viewer {

namespace fs = std::filesystem;

namespace {
// Phantom voxel sizes offered: coarse ones generate in seconds.
const std::pair<const char*, double> kPhantomSpacings[] = {{"2 mm (fast)", 2.0}, {"1.5 mm", 1.5}, {"1 mm", 1.0}};
} // namespace

void CasePanel::openCaseFile(const fs::path& file) {
    guarded(gui_, [&] {
        viewer_.openCase(file);
        recent_.add(file);
    });
}

void CasePanel::openCaseDialog() {
    browser_.open("Open case", FileBrowser::Mode::OpenFile, [this](const fs::path& p) { openCaseFile(p); },
                  viewer_.caseFile().parent_path());
}

void CasePanel::openImageDialog() {
    browser_.open("Open image or DICOM directory", FileBrowser::Mode::OpenFileOrDirectory, [this](const fs::path& p) {
        guarded(gui_, [&] {
            std::error_code ec;
            if (fs::is_directory(p, ec)) scanDicom(p);
            else if (looksLikeLabelMap(p)) viewer_.openLabels(p);
            else viewer_.openVolume(p);
        });
    });
}

void CasePanel::saveCaseDialog() {
    browser_.open("Save case as", FileBrowser::Mode::SaveFile, [this](const fs::path& p) {
        guarded(gui_, [&] {
            const fs::path file = files::extensionOf(p) == ".json" ? p : fs::path(p.string() + ".json");
            viewer_.saveCase(file);
            recent_.add(file);
        });
    });
}

void CasePanel::scanDicom(const fs::path& dir) {
    const fs::path d = fs::absolute(dir);
    viewer_.tasks().start("scanning " + d.filename().string(), [this, d](const Progress& progress) {
        auto scan = std::make_shared<DicomScan>(scanDicomDirectory(d, progress));
        return [this, scan, d] {
            const auto images = scan->imageSeries();
            if (images.empty()) {
                gui_.notices.push_back("no image series in " + d.string() + " (" + std::to_string(scan->filesSeen) +
                                       " files seen)");
                return;
            }
            if (images.size() == 1) {
                guarded(gui_, [&] { viewer_.openVolume(d, "", images.front()->seriesUid); });
                return;
            }
            series_.clear();
            for (const auto* s : images) series_.push_back({s->seriesUid, s->modality, s->description, s->files.size()});
            seriesDir_ = d;
            seriesPopup_ = true;
        };
    });
}

void CasePanel::drawSeriesChooser() {
    if (seriesPopup_) {
        ImGui::OpenPopup("DICOM series");
        seriesPopup_ = false;
    }
    ImGui::SetNextWindowSize(ImVec2(820, 360), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal("DICOM series")) return;
    ImGui::TextWrapped("%s holds several image series. Open one:", seriesDir_.string().c_str());
    if (ImGui::BeginTable("series", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY,
                          ImVec2(0, -ImGui::GetFrameHeightWithSpacing() * 1.5f))) {
        ImGui::TableSetupColumn("modality");
        ImGui::TableSetupColumn("files");
        ImGui::TableSetupColumn("description");
        ImGui::TableSetupColumn("open as");
        ImGui::TableHeadersRow();
        for (const auto& s : series_) {
            ImGui::PushID(s.uid.c_str());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(s.modality.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%zu", s.files);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(s.description.empty() ? s.uid.c_str() : s.description.c_str());
            ImGui::TableNextColumn();
            for (const char* role : {"ct", "pet", "mr"}) {
                if (ImGui::SmallButton(role)) {
                    guarded(gui_, [&] { viewer_.openVolume(seriesDir_, role, s.uid); });
                    ImGui::CloseCurrentPopup();
                }
                ImGui::SameLine();
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

void CasePanel::draw() {
    guarded(gui_, [&] {
        if (ImGui::Button("Open case...")) openCaseDialog();
        ImGui::SameLine();
        if (ImGui::Button("Open image / DICOM...")) openImageDialog();
        ImGui::BeginDisabled(!viewer_.hasImage() && viewer_.currentCase().volumes.empty());
        if (ImGui::Button("Save case")) {
            if (viewer_.caseFile().empty()) saveCaseDialog();
            else viewer_.saveCase(viewer_.caseFile());
        }
        ImGui::SameLine();
        if (ImGui::Button("Save case as...")) saveCaseDialog();
        ImGui::EndDisabled();

        section("Built-in phantom (demo case)");
        ImGui::SetNextItemWidth(-80);
        ImGui::InputText("folder", phantomDir_, sizeof phantomDir_);
        ImGui::SetNextItemWidth(-80);
        if (ImGui::BeginCombo("voxels", kPhantomSpacings[phantomSpacing_].first)) {
            for (int i = 0; i < 3; ++i)
                if (ImGui::Selectable(kPhantomSpacings[i].first, i == phantomSpacing_)) phantomSpacing_ = i;
            ImGui::EndCombo();
        }
        ImGui::BeginDisabled(viewer_.tasks().busy());
        if (ImGui::Button("Generate and open")) viewer_.openPhantom(phantomDir_, kPhantomSpacings[phantomSpacing_].second);
        ImGui::EndDisabled();

        if (!recent_.files().empty()) {
            section("Recent cases");
            for (const auto& f : recent_.files())
                if (ImGui::Selectable(f.c_str())) openCaseFile(f);
        }

        const Case& c = viewer_.currentCase();
        section("This case");
        if (c.volumes.empty() && !viewer_.hasImage()) {
            ImGui::TextDisabled("nothing open");
            return;
        }
        ImGui::TextWrapped("%s", c.name.empty() ? "(unnamed)" : c.name.c_str());
        if (!viewer_.caseFile().empty()) ImGui::TextDisabled("%s", viewer_.caseFile().string().c_str());
        const LoadedImages& im = viewer_.images();
        if (ImGui::BeginTable("volumes", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) {
            ImGui::TableSetupColumn("id");
            ImGui::TableSetupColumn("role");
            ImGui::TableSetupColumn("units");
            ImGui::TableSetupColumn("shown");
            ImGui::TableHeadersRow();
            for (const auto& v : c.volumes) {
                ImGui::PushID(v.id.c_str());
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(v.id.c_str());
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", c.resolve(v.path).string().c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%s%s%s", v.role.c_str(), v.phase.empty() ? "" : " ", v.phase.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(v.units.c_str());
                ImGui::TableNextColumn();
                if (v.id == im.ctId || v.id == im.petId) ImGui::TextUnformatted("yes");
                else if ((v.role == "ct" || v.role == "mr") && ImGui::SmallButton("show")) viewer_.useCt(v.id);
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        if (im.pet) {
            if (im.ctToPet) ImGui::TextWrapped("PET aligned by %s", im.petAlignment.c_str());
            else ImGui::TextColored(kWarn, "PET not registered to the CT (scanner coordinates)");
        }
        for (const auto& s : c.segmentations)
            ImGui::BulletText("segmentation '%s' (%s)%s", s.id.c_str(), s.kind.c_str(), s.id == im.labelsId ? ", shown" : "");
        for (const auto& t : c.transforms)
            ImGui::BulletText("transform '%s': %s -> %s, %s%s%s", t.id.c_str(), t.fixedId.c_str(), t.movingId.c_str(),
                              t.kind.c_str(), t.qaVerdict.empty() ? "" : ", QA ", t.qaVerdict.c_str());
        if (!viewer_.scene().vesselSource.empty())
            ImGui::BulletText("vessel centrelines: %s (%zu branches)", viewer_.scene().vesselSource.c_str(),
                              viewer_.scene().vessels.size());
        ImGui::BulletText("%zu applicator(s), %zu measurement(s)", c.probes.size(), viewer_.scene().measurements.size());
        for (const auto& w : im.warnings) ImGui::TextColored(kWarn, "%s", w.c_str());
    });
}

} // namespace irplan::viewer
