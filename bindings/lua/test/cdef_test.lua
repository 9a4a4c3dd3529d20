-- SPDX-License-Identifier: Apache-2.0
-- The binding's ffi.cdef declarations are the header's: every function prototype, typedef and
-- enum value in trawl/cdef.lua appears in include/trawl.h exactly (whitespace aside).
local S = require("support")

local function normalize(s)
  return (s:gsub("%s+", " "):gsub("%( ", "("):gsub(" %)", ")"):gsub("^ ", ""):gsub(" $", ""))
end

local function statements(text)
  text = text:gsub("/%*.-%*/", " "):gsub("#[^\n]*", " ")
  local out = {}
  for stmt in text:gmatch("[^;{}]+") do out[#out + 1] = normalize(stmt) end
  return out
end

local function enum_values(text)
  local values = {}
  for name, value in text:gsub("/%*.-%*/", " "):gmatch("(TRAWL_[A-Z_]+)%s*=%s*(%d+)") do values[name] = tonumber(value) end
  return values
end

S.test("cdef declarations match include/trawl.h", function()
  local path = os.getenv("TRAWL_HEADER") or (S.repo .. "/include/trawl.h")
  local header = assert(io.open(path)):read("*a")
  local known = {}
  for _, stmt in ipairs(statements(header)) do known[stmt:gsub("^TRAWL_API ", "")] = true end
  local cdef = require("trawl.cdef")
  local checked = 0
  for _, stmt in ipairs(statements(cdef)) do
    if stmt ~= "" and not stmt:match("^enum") and not stmt:match("^TRAWL_") then
      S.ok(known[stmt], "not in trawl.h: " .. stmt)
      checked = checked + 1
    end
  end
  S.ok(checked >= 40, "checked only " .. checked .. " declarations")
  local want = enum_values(header)
  for name, value in pairs(enum_values(cdef)) do S.eq(value, want[name], name) end
end)
