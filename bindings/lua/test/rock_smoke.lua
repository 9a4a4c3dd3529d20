-- SPDX-License-Identifier: Apache-2.0
-- Run by `make lua-rock-test` with only the installed rock on LUA_PATH: it loads and extracts.
local trawl = require("trawl")
local where = package.searchpath("trawl", package.path)
assert(where and where:find("rock%-tree"), "not the installed rock: " .. tostring(where))
local got = trawl.extract("<title>Rock</title> a=1", { default_patterns = false,
  patterns = { t = { "<title>(.*?)</title>", "i" }, kv = "(\\w)=(\\d)" } })
assert(got.t[1] == "Rock" and got.kv[1][1] == "a" and got.kv[1][2] == "1", "unexpected matches")
print("rock " .. trawl.VERSION .. " from " .. where .. ", libtrawl " .. trawl.library_version .. ": ok")
