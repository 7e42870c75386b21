#include "common/tls_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/crl_directory.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace samenloop {

TlsFiles TlsFilesFromDirectory(const std::string& dir, const std::string& crl_dir) {
  return TlsFiles{dir + "/ca.pem", dir + "/cert.pem", dir + "/key.pem", crl_dir};
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string reason = std::strerror(err);
    if (err == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": ", reason));
    if (err == EACCES) return absl::PermissionDeniedError(absl::StrCat(path, ": ", reason));
    return absl::FailedPreconditionError(absl::StrCat(path, ": ", reason));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::Status WriteNewSecretFile(const std::string& path, absl::string_view contents) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": ", std::strerror(errno), " (an existing secret file is never overwritten)"));
  }
  ssize_t written = ::write(fd, contents.data(), contents.size());
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (written != static_cast<ssize_t>(contents.size()) || !synced) {
    return absl::InternalError(absl::StrCat(path, ": could not write the secret file"));
  }
  return absl::OkStatus();
}

absl::Status CheckSecretFilePermissions(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": secret file is accessible by group or others; run chmod 600 on it"));
  }
  return absl::OkStatus();
}

namespace {

struct LoadedFiles {
  std::string ca, cert, key;
};

absl::StatusOr<LoadedFiles> Load(const TlsFiles& files) {
  if (absl::Status s = CheckSecretFilePermissions(files.key_path); !s.ok()) return s;
  LoadedFiles loaded;
  absl::StatusOr<std::string> ca = ReadFileToString(files.ca_cert_path);
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> cert = ReadFileToString(files.cert_path);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFileToString(files.key_path);
  if (!key.ok()) return key.status();
  return LoadedFiles{*std::move(ca), *std::move(cert), *std::move(key)};
}

// With a CRL directory: gRPC's TLS credentials, the only server credentials
// in gRPC 1.51 that take one. The same client-certificate requirement and
// the same CA as without; OpenSSL then also checks every certificate of the
// client's chain against the CRLs (X509_V_FLAG_CRL_CHECK_ALL).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeRevocationCheckingCredentials(
    const TlsFiles& files, const LoadedFiles& loaded) {
  if (absl::Status s = CheckCrlDirectory(files.crl_dir, loaded.ca); !s.ok()) return s;
  auto provider = std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
      loaded.ca, std::vector<grpc::experimental::IdentityKeyCertPair>{{loaded.key, loaded.cert}});
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.set_crl_directory(files.crl_dir);
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::experimental::TlsServerCredentials(options);
  if (credentials == nullptr) return absl::InternalError("TLS server credentials with a CRL directory were refused");
  return credentials;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const TlsFiles& files) {
  absl::StatusOr<LoadedFiles> loaded = Load(files);
  if (!loaded.ok()) return loaded.status();
  if (!files.crl_dir.empty()) return MakeRevocationCheckingCredentials(files, *loaded);
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = loaded->ca;
  options.pem_key_cert_pairs.push_back({loaded->key, loaded->cert});
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(const TlsFiles& files) {
  absl::StatusOr<LoadedFiles> loaded = Load(files);
  if (!loaded.ok()) return loaded.status();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = loaded->ca;
  options.pem_private_key = loaded->key;
  options.pem_cert_chain = loaded->cert;
  return grpc::SslCredentials(options);
}

}  // namespace samenloop
