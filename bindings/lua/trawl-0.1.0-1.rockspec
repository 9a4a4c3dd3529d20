-- SPDX-License-Identifier: Apache-2.0
rockspec_format = "3.0"
package = "trawl"
version = "0.1.0-1"
source = { url = "git+file://../.." }
description = {
  summary = "Crawl batches of URLs in parallel and extract data with named regular expressions",
  detailed = "LuaJIT FFI bindings to libtrawl.so (trawl's C API): libcurl transfers in parallel, "
    .. "PCRE2 extraction with Python re semantics, pull-style results.",
  license = "Apache-2.0",
}
dependencies = { "lua == 5.1" }
build = {
  type = "builtin",
  modules = {
    ["trawl"] = "trawl/init.lua",
    ["trawl.cdef"] = "trawl/cdef.lua",
    ["trawl.json"] = "trawl/json.lua",
  },
}
