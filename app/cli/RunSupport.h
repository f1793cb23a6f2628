#pragma once
// What `irplan run` and `irplan demo` share: the pipeline, then the report,
// with a summary on stdout.
#ifdef IRPLAN_HAVE_PIPELINE
#include "app/pipeline/Pipeline.h"
#include "core/Case.h"

#include <string>

namespace irplan::cli {

struct RunRequest {
    pipeline::PipelineOptions pipeline; // its progress is set here
    bool report = true;
    bool pictures = true;
    bool quiet = false;      // no progress lines, no text summary
    std::string extraScript; // more viewer script lines for the report's headless session
};

// Runs the pipeline and writes CASE_DIR/report/. When the pipeline stops on a
// failed check it still writes the report of the stopped case (with its
// warning banner), then throws the pipeline's irplan::Error. Returns a summary.
Json runAndReport(const RunRequest& request);

} // namespace irplan::cli
#endif
