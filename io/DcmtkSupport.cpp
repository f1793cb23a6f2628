#include "io/DcmtkSupport.h"

#include "io/DicomWriter.h"

#include <ctime>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/oflog/oflog.h>
#include <functional>
#include <mutex>

namespace irplan::dcmtk {

void prepare() {
    static std::once_flag once;
    std::call_once(once, [] { OFLog::configure(OFLogger::FATAL_LOG_LEVEL); });
    if (!dcmDataDict.isDictionaryLoaded())
        throw Error("DCMTK's DICOM dictionary is not loaded (is the libdcmtk package installed completely? "
                    "set DCMDICTPATH to its dicom.dic)");
}

namespace {
std::string stamp(const char* format) {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}
} // namespace

std::string today() {
    return stamp("%Y%m%d");
}
std::string now() {
    return stamp("%H%M%S");
}

std::string exportUid(const std::string& kind, const std::string& seriesUid, const void* data, size_t bytes,
                      const std::string& extra) {
    // FNV-1a over the label voxels: different content, different UID.
    uint64_t h = 1469598103934665603ull;
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < bytes; ++i)
        h = (h ^ p[i]) * 1099511628211ull;
    return dicomUidFor("irplan-export/" + kind + "/" + seriesUid + "/" + std::to_string(h) + "/" + extra);
}

} // namespace irplan::dcmtk
