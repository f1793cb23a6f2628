#pragma once
// A small file/directory chooser drawn with ImGui (Dear ImGui has none): a path
// field, the entries of the current directory, Open and Cancel.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace irplan::viewer {

class FileBrowser {
public:
    enum class Mode { OpenFile, OpenFileOrDirectory, SaveFile };
    using Done = std::function<void(const std::filesystem::path&)>;

    // Opens the popup; `done` runs with the chosen path.
    void open(const std::string& title, Mode mode, Done done, const std::filesystem::path& start = {});
    // Call every frame.
    void draw();

private:
    void list();
    std::string title_;
    Mode mode_ = Mode::OpenFile;
    Done done_;
    std::filesystem::path dir_;
    std::vector<std::filesystem::directory_entry> entries_;
    char name_[1024] = {0};
    char dirField_[1024] = {0};
    bool openRequested_ = false;
    std::string error_;
};

} // namespace irplan::viewer
