#ifndef SAMENLOOP_COMMON_TLS_FILES_H_
#define SAMENLOOP_COMMON_TLS_FILES_H_

// Loads the PEM files of an mTLS identity and turns them into gRPC
// credentials. Servers always require and verify a client certificate from
// the deployment CA; there is no insecure mode. A server given a CRL
// directory also refuses revoked client certificates in the handshake.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace samenloop {

struct TlsFiles {
  std::string ca_cert_path;  // the deployment CA that signs every peer
  std::string cert_path;     // own certificate (chain)
  std::string key_path;      // own private key; must not be readable by others
  // Servers only, optional: a directory of CRLs in OpenSSL's hashed layout
  // (<CA subject hash>.r0, .r1, ..., made by deploy/dev-pki.sh), looked up
  // in every handshake, so a CRL published under the next suffix takes
  // effect without a restart. Empty: revocation is not checked. See
  // common/crl_directory.h and docs/pki.md, Revocation.
  std::string crl_dir;
};

// The conventional layout made by deploy/dev-pki.sh: DIR/{ca.pem,cert.pem,key.pem}.
// `crl_dir` is passed through (empty: no revocation checking).
TlsFiles TlsFilesFromDirectory(const std::string& dir, const std::string& crl_dir = "");

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const TlsFiles& files);
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(const TlsFiles& files);

// Reads a whole file; NOT_FOUND / PERMISSION_DENIED name the path.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// Creates `path` with mode 0600 and writes `contents` durably (fsync).
// Refuses to overwrite an existing file: a secret is never replaced by
// accident.
absl::Status WriteNewSecretFile(const std::string& path, absl::string_view contents);

// Refuses a secret file that group or others can read (mode must be 0600 or
// stricter), so a secret never silently sits in a world-readable place.
absl::Status CheckSecretFilePermissions(const std::string& path);

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_TLS_FILES_H_
