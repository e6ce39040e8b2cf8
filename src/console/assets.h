// SPDX-License-Identifier: Apache-2.0
// The console's front end, compiled into the binary: every file under web/console/ (served at
// /console/static/<path>) and the npm-installed vendor files (uPlot, at /console/vendor/<file>).
// Each asset carries its content type (by extension) and a strong ETag (a SHA-256 prefix),
// computed once. Immutable after construction; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tw::console {

struct Asset {
  std::string_view body;
  std::string content_type;
  std::string etag;  // "\"<hex>\""
};

class AssetTable {
 public:
  // The embedded assets (web/console/ and the vendor files).
  static const AssetTable& Embedded();

  void Add(std::string path, std::string_view body);  // path: "static/app.js", "vendor/x.js"
  const Asset* Find(std::string_view path) const;
  std::size_t size() const { return assets_.size(); }

 private:
  std::map<std::string, Asset, std::less<>> assets_;
};

// "text/javascript; charset=utf-8" for ".js", ...; application/octet-stream when unknown.
std::string ContentTypeFor(std::string_view path);

}  // namespace tw::console
