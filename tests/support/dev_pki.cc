#include "tests/support/dev_pki.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace samenloop::testing {

absl::Status RunCommand(const std::string& command) {
  int rc = std::system(command.c_str());
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    return absl::InternalError(absl::StrCat("command failed (", rc, "): ", command));
  }
  return absl::OkStatus();
}

absl::Status MakeDevPki(const std::string& dir, absl::string_view extra_args) {
  return RunCommand(absl::StrCat(SAMENLOOP_SOURCE_DIR, "/deploy/dev-pki.sh ", extra_args, " ", dir,
                                 " > ", dir, ".log 2>&1"));
}

absl::Status MakeCachedDevPki(const std::string& dir, absl::string_view extra_args) {
  if (absl::StrContains(extra_args, "--crl-seconds")) return MakeDevPki(dir, extra_args);
  std::ifstream script_file(absl::StrCat(SAMENLOOP_SOURCE_DIR, "/deploy/dev-pki.sh"));
  std::stringstream script;
  script << script_file.rdbuf();
  // A new entry every hour: no cached CRL comes near its end (7 days).
  const int64_t hour = absl::ToUnixSeconds(absl::Now()) / 3600;
  const size_t key = std::hash<std::string>{}(absl::StrCat(script.str(), "\n", extra_args, "\n", hour));
  const char* tmpdir = std::getenv("TMPDIR");
  const std::filesystem::path root =
      std::filesystem::path(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") / "samenloop-test-pki";
  const std::filesystem::path cached = root / absl::StrCat(key);
  std::error_code error;
  if (!std::filesystem::exists(cached / "ca" / "ca.pem", error)) {
    // Made aside and renamed into place, so a concurrent test never copies
    // half a PKI; if another test was first, its copy is as good.
    std::filesystem::create_directories(root, error);
    const std::string aside = absl::StrCat(cached.string(), ".", ::getpid(), ".tmp");
    if (absl::Status made = MakeDevPki(aside, extra_args); !made.ok()) return made;
    std::filesystem::rename(aside, cached, error);
    if (error) std::filesystem::remove_all(aside, error);
    std::filesystem::remove(aside + ".log", error);
  }
  return RunCommand(absl::StrCat("mkdir -p '", dir, "' && cp -a '", cached.string(), "/.' '", dir, "/'"));
}

}  // namespace samenloop::testing
