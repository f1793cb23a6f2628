#include "app/gui/window/FileBrowser.h"

#include <imgui.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace irplan::viewer {

namespace fs = std::filesystem;

void FileBrowser::open(const std::string& title, Mode mode, Done done, const fs::path& start) {
    title_ = title;
    mode_ = mode;
    done_ = std::move(done);
    std::error_code ec;
    dir_ = !start.empty() && fs::is_directory(start, ec) ? start : fs::current_path(ec);
    name_[0] = 0;
    error_.clear();
    list();
    openRequested_ = true;
}

void FileBrowser::list() {
    entries_.clear();
    std::error_code ec;
    for (fs::directory_iterator it(dir_, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
         it.increment(ec))
        if (it->path().filename().string()[0] != '.') entries_.push_back(*it);
    std::sort(entries_.begin(), entries_.end(), [](const fs::directory_entry& a, const fs::directory_entry& b) {
        std::error_code e1, e2;
        const bool da = a.is_directory(e1), db = b.is_directory(e2);
        if (da != db) return da;
        return a.path().filename() < b.path().filename();
    });
    std::snprintf(dirField_, sizeof dirField_, "%s", dir_.string().c_str());
    if (ec) error_ = "cannot list " + dir_.string() + ": " + ec.message();
}

void FileBrowser::draw() {
    if (openRequested_) {
        ImGui::OpenPopup(title_.c_str());
        openRequested_ = false;
    }
    ImGui::SetNextWindowSize(ImVec2(720, 520), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal(title_.c_str(), nullptr)) return;
    if (ImGui::Button("Up")) {
        dir_ = dir_.parent_path();
        list();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputText("##dir", dirField_, sizeof dirField_, ImGuiInputTextFlags_EnterReturnsTrue)) {
        std::error_code ec;
        if (fs::is_directory(dirField_, ec)) {
            dir_ = dirField_;
            list();
        }
    }
    ImGui::BeginChild("entries", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() * 2.4f), true);
    for (const auto& e : entries_) {
        std::error_code ec;
        const bool isDir = e.is_directory(ec);
        const std::string label = (isDir ? "[dir]  " : "       ") + e.path().filename().string();
        if (ImGui::Selectable(label.c_str(), std::strcmp(name_, e.path().filename().string().c_str()) == 0,
                              ImGuiSelectableFlags_AllowDoubleClick)) {
            std::snprintf(name_, sizeof name_, "%s", e.path().filename().string().c_str());
            if (ImGui::IsMouseDoubleClicked(0)) {
                if (isDir) {
                    dir_ = e.path();
                    name_[0] = 0;
                    list();
                    break;
                }
                done_(e.path());
                ImGui::CloseCurrentPopup();
            }
        }
    }
    ImGui::EndChild();
    ImGui::SetNextItemWidth(-220);
    ImGui::InputText("##name", name_, sizeof name_);
    ImGui::SameLine();
    const char* action = mode_ == Mode::SaveFile ? "Save" : "Open";
    if (ImGui::Button(action)) {
        const fs::path chosen = name_[0] ? dir_ / name_ : dir_;
        std::error_code ec;
        if (mode_ == Mode::OpenFile && (!fs::exists(chosen, ec) || fs::is_directory(chosen, ec))) {
            error_ = "choose a file";
        } else if (mode_ == Mode::SaveFile && !name_[0]) {
            error_ = "type a file name";
        } else {
            done_(chosen);
            ImGui::CloseCurrentPopup();
        }
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    if (mode_ == Mode::OpenFileOrDirectory) ImGui::TextDisabled("Open with no file selected opens the directory (DICOM).");
    if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.5f, 0.2f, 1), "%s", error_.c_str());
    ImGui::EndPopup();
}

} // namespace irplan::viewer
