// SPDX-License-Identifier: Apache-2.0
// `trailwatch import --log-group NAME PATH...`: sends real CloudTrail log files to a running
// server (trailwatch:ImportCloudTrail, one request per file, each file checked whole first and
// applied by the server whole), then replays the account's alarms over the imported time span
// (trailwatch:ReplayAlarms) so their history shows when they would have fired. Progress on
// stderr; the summary on stdout. Exit status: 0 all files imported, 2 some files were skipped
// (reported), 1 nothing could be done (no files, or a server/transport error other than a
// rejected file, which stops the import).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/aws_client.h"

namespace tw::cli {

struct ImportOptions {
  std::string log_group;
  std::vector<std::string> paths;
  bool replay_alarms = true;
  bool progress_terminal = false;  // stderr is a TTY
  std::size_t terminal_width = 100;
  double progress_interval_seconds = 5.0;
};

int RunImport(AwsClient& client, const ImportOptions& options, std::ostream& out,
              std::ostream& err);

}  // namespace tw::cli
