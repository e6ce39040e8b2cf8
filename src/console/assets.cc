// SPDX-License-Identifier: Apache-2.0
#include "console/assets.h"

#include "common/crypto.h"
#include "common/embedded.h"
#include "common/strings.h"

namespace tw::embedded_console_assets {
extern const tw::EmbeddedFile kFiles[];
extern const std::size_t kFileCount;
}  // namespace tw::embedded_console_assets
namespace tw::embedded_console_vendor {
extern const tw::EmbeddedFile kFiles[];
extern const std::size_t kFileCount;
}  // namespace tw::embedded_console_vendor

namespace tw::console {

std::string ContentTypeFor(std::string_view path) {
  struct Type {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const Type& t : kTypes) {
    if (path.ends_with(t.extension)) return std::string(t.type);
  }
  return "application/octet-stream";
}

void AssetTable::Add(std::string path, std::string_view body) {
  Asset asset;
  asset.body = body;
  asset.content_type = ContentTypeFor(path);
  asset.etag = "\"" + HexEncode(Sha256(body)).substr(0, 32) + "\"";
  assets_[std::move(path)] = std::move(asset);
}

const Asset* AssetTable::Find(std::string_view path) const {
  auto it = assets_.find(path);
  return it == assets_.end() ? nullptr : &it->second;
}

const AssetTable& AssetTable::Embedded() {
  static const AssetTable table = [] {
    AssetTable t;
    for (std::size_t i = 0; i < embedded_console_assets::kFileCount; ++i) {
      const EmbeddedFile& f = embedded_console_assets::kFiles[i];
      t.Add("static/" + std::string(f.name), f.data);
    }
    for (std::size_t i = 0; i < embedded_console_vendor::kFileCount; ++i) {
      const EmbeddedFile& f = embedded_console_vendor::kFiles[i];
      t.Add("vendor/" + std::string(f.name), f.data);
    }
    return t;
  }();
  return table;
}

}  // namespace tw::console
