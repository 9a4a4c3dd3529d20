-- SPDX-License-Identifier: Apache-2.0
-- luajit test/run.lua (from bindings/lua): every Lua binding test.
local dir = debug.getinfo(1, "S").source:sub(2):match("^(.*)/[^/]*$")
package.path = dir .. "/../?.lua;" .. dir .. "/../?/init.lua;" .. dir .. "/?.lua;" .. package.path
require("cdef_test")
require("crawl_test")
require("support").run()
