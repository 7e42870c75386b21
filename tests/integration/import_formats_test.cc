// `samenloop import` reads files as spreadsheets write them (issue 22 item
// 3): a Dutch Excel export (UTF-8 byte order mark, ';' separators, CRLF,
// quoted fields holding ';'), detected or given with --delimiter; and
// --dry-run checks every row without contacting any server. The real CLI
// binary as a child process; the last test imports such a file into real
// servers.

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "common/tls_files.h"
#include "tests/integration/dev_stack.h"
#include "tests/support/child_process.h"
#include "tests/support/dev_pki.h"
#include "tests/support/temp_dir.h"

namespace samenloop::testing {
namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

// Two good rows (one relating a second person, in a quoted field with the
// multi-value ';' inside) and one with a BSN failing the 11-check.
std::string DutchExport() {
  return absl::StrCat(kBom,
                      "idempotency_key;bsn;age_band;category;nature;contact_name;related;local_reference\r\n"
                      "imp-1;100000009;23_plus;debt;fact;\"Schuldhulp; team Noord\";\"200000007:parent\";D-1\r\n"
                      "imp-2;111222334;23_plus;debt;fact;Team;;D-2\r\n"
                      "imp-3;300000005;23_plus;debt;fact;Team;\"200000007:parent;400000003:sibling\";D-3\r\n");
}

struct DryRunResult {
  bool ok;
  std::string out;
};

DryRunResult DryRun(const TempDir& dir, const std::string& content, const std::string& flags = "") {
  const std::string csv = dir.Sub("rows.csv");
  std::ofstream(csv, std::ios::binary) << content;
  // No --broker, no --pseudonymiser, no certificates: nothing to contact.
  const bool ok = RunCommand(absl::StrCat(BinaryPath("samenloop"), " import --dry-run ", flags, " ", csv, " > ",
                                          dir.Sub("out"), " 2>&1"))
                      .ok();
  return {ok, *ReadFileToString(dir.Sub("out"))};
}

TEST(ImportFormats, ADutchExcelExportIsReadWithItsSeparatorDetected) {
  TempDir dir;
  const DryRunResult run = DryRun(dir, DutchExport());
  EXPECT_FALSE(run.ok) << "a refused row makes the exit status 1";
  EXPECT_NE(run.out.find("rows.csv:2: ok"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("rows.csv:3: refused: bsn: fails the 11-check"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("rows.csv:4: ok"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("dry run: 2 row(s) valid, 1 refused; nothing was sent"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("111222334"), std::string::npos) << "never echo a BSN";
}

TEST(ImportFormats, CommasWithoutAByteOrderMarkAndAGivenDelimiter) {
  TempDir dir;
  const std::string commas =
      "idempotency_key,bsn,age_band,category,nature,contact_name,local_reference\n"
      "imp-1,100000009,23_plus,debt,fact,\"Team, Noord\",D-1\n";
  DryRunResult run = DryRun(dir, commas);
  EXPECT_TRUE(run.ok) << run.out;
  EXPECT_NE(run.out.find("dry run: 1 row(s) valid, 0 refused"), std::string::npos) << run.out;
  // The header alone decides: told ';', the comma file is one unknown column.
  run = DryRun(dir, commas, "--delimiter ';'");
  EXPECT_FALSE(run.ok);
  EXPECT_NE(run.out.find("unknown column"), std::string::npos) << run.out;
  run = DryRun(dir, DutchExport(), "--delimiter ';'");
  EXPECT_NE(run.out.find("dry run: 2 row(s) valid, 1 refused"), std::string::npos) << run.out;
  run = DryRun(dir, commas, "--delimiter '|'");
  EXPECT_FALSE(run.ok);
  EXPECT_NE(run.out.find("--delimiter: expected ',', ';' or 'tab'"), std::string::npos) << run.out;
  const std::string tabs =
      "idempotency_key\tbsn\tage_band\tcategory\tnature\tcontact_name\tlocal_reference\n"
      "imp-1\t100000009\t23_plus\tdebt\tfact\tTeam\tD-1\n";
  run = DryRun(dir, tabs, "--delimiter tab");
  EXPECT_TRUE(run.ok) << run.out;
}

TEST(ImportFormats, TheExportImportsIntoRealServers) {
  DevStack stack;
  absl::Status started = stack.Start();
  ASSERT_TRUE(started.ok()) << started;
  const std::string csv = stack.Sub("export.csv");
  std::ofstream(csv, std::ios::binary) << DutchExport();
  const std::string run = absl::StrCat(stack.CliAs("schuldhulp-amsterdam"), "import ", csv, " > ", stack.Sub("out"),
                                       " 2> ", stack.Sub("err"));
  EXPECT_FALSE(RunCommand(run).ok());
  EXPECT_EQ(*ReadFileToString(stack.Sub("out")), "imported 2, already present 0, refused 1\n")
      << *ReadFileToString(stack.Sub("err"));
}

}  // namespace
}  // namespace samenloop::testing
