#pragma once
// The case report as a small document model (pages of headings, paragraphs,
// tables and images) built from a case file, so the HTML and the PDF say the
// same thing. Content follows the case-report form: target lesions (location,
// size, density, SUVmax/SUVpeak), device and settings, probes and path checks,
// margins and coverage, heat-sink warnings, registration QA, software version
// and the inputs' identifiers; with a baseline, the response (RECIST 1.1, Choi,
// PERCIST).
#include "core/Case.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan::report {

struct Block {
    enum class Kind { Heading, Paragraph, Warning, Table, Image, Preformatted };
    Kind kind = Kind::Paragraph;
    std::string text; // heading/paragraph text, image caption
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::filesystem::path image; // PNG, for Kind::Image
};

struct Page {
    std::string title;
    std::vector<Block> blocks;
};

struct Document {
    std::string title;
    std::string subtitle;
    // Shown on every page when not empty (failed or warned registration, a
    // stopped pipeline): nobody may read a plan without seeing it.
    std::string banner;
    std::vector<Page> pages;
    std::string footer; // software version, date
};

// One screenshot the report shows.
struct Picture {
    std::string caption;
    std::filesystem::path file;
};

struct DocumentInputs {
    const Case* caseData = nullptr;
    std::filesystem::path caseFile;
    std::filesystem::path baselineCaseFile; // optional: response assessment
    std::vector<Picture> pictures;          // empty: `picturesNote` says why
    std::string picturesNote;
    std::string softwareVersion;
    std::string createdUtc;
};

// Throws irplan::Error when a file the case names cannot be read.
Document buildDocument(const DocumentInputs& inputs);

// The lesion table rows as the report prints them (for tests and report.json).
Json lesionTableJson(const Case& c);

// The worst registration verdict in the case ("pass", "warn", "fail" or "").
std::string worstRegistrationVerdict(const Case& c);

// Formatting shared by the writers: "12.3", "-" for null.
std::string fixed(const Json& value, int decimals);

} // namespace irplan::report
