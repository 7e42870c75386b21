#include "tests/support/dev_pki.h"

#include <sys/wait.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

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

}  // namespace samenloop::testing
