#ifndef SAMENLOOP_TESTS_SUPPORT_DEV_PKI_H_
#define SAMENLOOP_TESTS_SUPPORT_DEV_PKI_H_

// Generates a real deployment PKI for a test with deploy/dev-pki.sh, the
// same script operators use, so tests exercise real certificates.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace samenloop::testing {

// Runs deploy/dev-pki.sh with `extra_args` into `dir`.
absl::Status MakeDevPki(const std::string& dir, absl::string_view extra_args = "");

// The same PKI into a new `dir`, copied from one that an earlier test made
// with the same script and arguments within the hour (made and kept in
// $TMPDIR/samenloop-test-pki/ on first use). Generating a PKI was most of an
// integration test's time. Two calls with the same arguments therefore
// give the same CA: a test that needs a CA of its own (a foreign one)
// calls MakeDevPki. Arguments with --crl-seconds are never cached.
absl::Status MakeCachedDevPki(const std::string& dir, absl::string_view extra_args = "");

// Runs a shell command; OK when it exits 0. Output goes to the test log.
absl::Status RunCommand(const std::string& command);

}  // namespace samenloop::testing

#endif  // SAMENLOOP_TESTS_SUPPORT_DEV_PKI_H_
