// elastix as a child process: a missing executable, a crash, a failure message,
// a cancel and a time limit each give a clear message, stop the child and leave
// no temporary files. Fake elastix scripts stand in for the real one, so these
// run in a second.
#include "core/Error.h"
#include "core/Files.h"
#include "core/Progress.h"
#include "registration/Register.h"
#include "registration/detail/ElastixProcess.h"
#include "tests/registration/RegistrationTestUtil.h"
#include "tests/support/TestSupport.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

using namespace irplan;
using namespace irplan::registration;
namespace fs = std::filesystem;

namespace {

class ElastixProcess : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        work_ = test::scratchDir("elastix_process_" + name);
        tmp_ = work_ / "tmp";
        fs::create_directories(tmp_);
        // TempDir honours TMPDIR: every private folder of this test lands here.
        ::setenv("TMPDIR", tmp_.c_str(), 1);
        ::unsetenv("IRPLAN_ELASTIX");
        ::unsetenv("IRPLAN_TRANSFORMIX");
        fixed_ = test::blobVolume();
        moving_ = test::blobVolume({3, 0, 0});
    }
    void TearDown() override { ::unsetenv("TMPDIR"); }

    RegisterRequest request(const fs::path& elastix) {
        RegisterRequest r;
        r.fixed = &fixed_;
        r.moving = &moving_;
        r.preset = "pet-ct-rigid";
        r.outputDir = work_ / "out";
        r.elastix.elastix = elastix;
        r.elastix.threads = 1;
        return r;
    }

    fs::path work_, tmp_;
    Volume fixed_, moving_;
};

// Alive = exists and is not a zombie (an orphan killed with its group waits for
// init to reap it; it no longer runs).
bool running(int pid) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string content;
        if (!std::getline(stat, content)) return false;
        const auto close = content.rfind(')');
        if (close == std::string::npos || close + 2 >= content.size() || content[close + 2] == 'Z') return false;
        ::usleep(20000);
    }
    return true;
}

std::string messageOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_F(ElastixProcess, MissingElastixSaysWhatToInstallAndLeavesNothing) {
    const std::string m = messageOf([&] { registerVolumes(request("/nonexistent/bin/elastix")); });
    std::cout << "message: " << m << "\n";
    EXPECT_NE(m.find("elastix not found at /nonexistent/bin/elastix"), std::string::npos);
    EXPECT_NE(m.find("Debian"), std::string::npos);
    ::setenv("IRPLAN_ELASTIX", (work_ / "nothing-here").c_str(), 1);
    const std::string m2 = messageOf([&] { registerVolumes(request("")); });
    EXPECT_NE(m2.find("IRPLAN_ELASTIX"), std::string::npos) << m2;
    ::unsetenv("IRPLAN_ELASTIX");
    EXPECT_TRUE(test::listDir(tmp_).empty());
    EXPECT_FALSE(fs::exists(work_ / "out" / "result.json"));
}

TEST_F(ElastixProcess, ACrashIsReportedAsACrash) {
    test::writeScript(work_ / "elastix", "echo 'ELASTIX version: fake'\necho 'Resolution: 0'\nkill -SEGV $$\n");
    const std::string m = messageOf([&] { registerVolumes(request(work_ / "elastix")); });
    std::cout << "message: " << m << "\n";
    EXPECT_NE(m.find("stopped unexpectedly"), std::string::npos);
    EXPECT_NE(m.find("crashed"), std::string::npos);
    EXPECT_TRUE(test::listDir(tmp_).empty());
}

TEST_F(ElastixProcess, ElastixErrorsAreTranslated) {
    test::writeScript(work_ / "elastix",
                      "echo 'Description: ITK ERROR: AdvancedMattesMutualInformationMetric(0x55): Too many samples map "
                      "outside moving image buffer: 2816 / 35200'\necho 'Errors occurred!'\nexit 1\n");
    const std::string m = messageOf([&] { registerVolumes(request(work_ / "elastix")); });
    std::cout << "message: " << m << "\n";
    EXPECT_NE(m.find("barely overlap"), std::string::npos);
    EXPECT_NE(m.find("--init"), std::string::npos);
    EXPECT_TRUE(test::listDir(tmp_).empty());
}

TEST_F(ElastixProcess, AProgramThatCannotStartIsNamed) {
    test::writeScript(work_ / "elastix", "");
    files::writeTextAtomic(work_ / "elastix", "#!/nonexistent/interpreter\n");
    fs::permissions(work_ / "elastix", fs::perms::owner_all, fs::perm_options::replace);
    const std::string m = messageOf([&] { registerVolumes(request(work_ / "elastix")); });
    std::cout << "message: " << m << "\n";
    EXPECT_NE(m.find("cannot start elastix"), std::string::npos);
    EXPECT_TRUE(test::listDir(tmp_).empty());
}

TEST_F(ElastixProcess, CancelKillsTheWholeProcessGroupAndCleansUp) {
    // A fake elastix that reports iterations forever, from a child process of its own.
    const fs::path pidFile = work_ / "pids";
    test::writeScript(work_ / "elastix", "echo $$ > " + pidFile.string() +
                                             "\necho 'Running elastix with parameter file 0: \"x\".'\n"
                                             "echo 'Resolution: 0'\n(i=0; while true; do i=$((i+1)); printf '%d\\t-0.5\\n' $i; "
                                             "sleep 0.05; done) &\necho $! >> " +
                                             pidFile.string() + "\nwait\n");
    auto token = std::make_shared<CancelToken>();
    int updates = 0;
    RegisterRequest r = request(work_ / "elastix");
    r.progress = Progress(
        [&](double, const std::string& stage) {
            if (stage.find("iteration") != std::string::npos && ++updates >= 2) token->cancel();
        },
        token);
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_THROW(registerVolumes(r), Cancelled);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "cancelled after " << seconds << " s, " << updates << " progress reports\n";
    EXPECT_LT(seconds, 10.0);
    std::ifstream pids(pidFile);
    int pid = 0, n = 0;
    while (pids >> pid) {
        ++n;
        EXPECT_FALSE(running(pid)) << "process " << pid << " still runs";
    }
    EXPECT_EQ(n, 2);
    EXPECT_TRUE(test::listDir(tmp_).empty());
    EXPECT_FALSE(fs::exists(work_ / "out" / "result.json"));
}

TEST_F(ElastixProcess, TheTimeLimitStopsElastix) {
    test::writeScript(work_ / "elastix", "echo 'Resolution: 0'\nexec sleep 30\n");
    RegisterRequest r = request(work_ / "elastix");
    r.elastix.timeLimit_s = 1.0;
    const auto t0 = std::chrono::steady_clock::now();
    const std::string m = messageOf([&] { registerVolumes(r); });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "message after " << seconds << " s: " << m << "\n";
    EXPECT_NE(m.find("time limit of 1 s"), std::string::npos);
    EXPECT_LT(seconds, 8.0);
    EXPECT_TRUE(test::listDir(tmp_).empty());
}

TEST_F(ElastixProcess, OutputIsStreamedLineByLine) {
    test::writeScript(work_ / "tool", "printf 'one\\ntwo\\r\\nthree'\necho ' more' >&2\nexit 3\n");
    std::vector<std::string> lines;
    const auto r = registration::detail::runProcess(work_ / "tool", {}, work_, [&](const std::string& l) { lines.push_back(l); },
                                                    Progress(), 5.0, "tool");
    EXPECT_EQ(r.exitCode, 3);
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[0], "one");
    EXPECT_EQ(lines[1], "two");
}
