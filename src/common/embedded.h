// SPDX-License-Identifier: Apache-2.0
// Files compiled into the binary at build time (cmake/embed.cmake): service models, SQL
// migrations, console assets. Each embedding namespace defines kFiles/kFileCount.
#pragma once

#include <cstddef>
#include <string_view>

namespace tw {

struct EmbeddedFile {
  std::string_view name;  // file name without directories
  std::string_view data;
};

}  // namespace tw
