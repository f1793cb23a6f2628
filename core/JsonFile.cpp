#include "core/JsonFile.h"

#include "core/Error.h"
#include "core/Files.h"

namespace irplan {

Json parseJsonFile(const std::filesystem::path& file) {
    try {
        return Json::parse(files::readText(file));
    } catch (const Json::exception& e) {
        throw Error(file.string() + " is not valid JSON: " + e.what());
    }
}

} // namespace irplan
