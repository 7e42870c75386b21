#ifndef SAMENLOOP_TESTS_SUPPORT_CHILD_PROCESS_H_
#define SAMENLOOP_TESTS_SUPPORT_CHILD_PROCESS_H_

// A server started as a real child process for integration tests. It is
// told to listen on port 0 and write its port to a file; Start() waits for
// that file. The destructor stops the process (SIGTERM, then SIGKILL).

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace samenloop::testing {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts `argv` (argv[0] is a path) with stdout/stderr appended to
  // `log_path`, and waits up to `timeout` for `port_file` to hold a port.
  absl::StatusOr<int> Start(const std::vector<std::string>& argv, const std::string& port_file,
                            const std::string& log_path, absl::Duration timeout = absl::Seconds(20));
  // Sends `signal` and waits for the exit; returns the wait status.
  int Stop(int signal);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Path of a built binary, e.g. BinaryPath("samenloop-broker").
std::string BinaryPath(const std::string& name);

}  // namespace samenloop::testing

#endif  // SAMENLOOP_TESTS_SUPPORT_CHILD_PROCESS_H_
