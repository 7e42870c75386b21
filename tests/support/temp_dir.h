#ifndef SAMENLOOP_TESTS_SUPPORT_TEMP_DIR_H_
#define SAMENLOOP_TESTS_SUPPORT_TEMP_DIR_H_

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the object goes away. Tests never share state through the file system.

#include <string>

namespace samenloop::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace samenloop::testing

#endif  // SAMENLOOP_TESTS_SUPPORT_TEMP_DIR_H_
