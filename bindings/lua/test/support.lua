-- SPDX-License-Identifier: Apache-2.0
-- Test support: a minimal runner, the loopback test server with Tests/bindings/pages, the C
-- API's answer for comparison, and RSS.

local S = { tests = {} }
local here = debug.getinfo(1, "S").source:sub(2):match("^(.*)/[^/]*$")
S.repo = here .. "/../../.."
S.pages = S.repo .. "/Tests/bindings/pages"
S.c_crawl = os.getenv("TRAWL_C_CRAWL_JSON") or (S.repo .. "/.build/ctest/crawl_json")

function S.test(name, fn) S.tests[#S.tests + 1] = { name = name, fn = fn } end

local function show(v)
  if type(v) ~= "table" then return type(v) == "string" and string.format("%q", v) or tostring(v) end
  local parts = {}
  for k, x in pairs(v) do parts[#parts + 1] = tostring(k) .. "=" .. show(x) end
  table.sort(parts)
  return "{" .. table.concat(parts, ", ") .. "}"
end
S.show = show

function S.deep_equal(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do if not S.deep_equal(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

function S.eq(got, want, what)
  if not S.deep_equal(got, want) then
    error(string.format("%s: got %s, want %s", what or "value", show(got), show(want)), 2)
  end
end

function S.ok(cond, what)
  if not cond then error(what or "assertion failed", 2) end
end

-- The error a call raises (it must raise).
function S.raises(fn)
  local ok, err = pcall(fn)
  if ok then error("expected an error", 2) end
  return err
end

function S.run()
  local passed, failed = 0, 0
  for _, t in ipairs(S.tests) do
    local ok, err = xpcall(t.fn, debug.traceback)
    if ok then
      passed = passed + 1
    else
      failed = failed + 1
      io.stderr:write("FAIL ", t.name, ": ", tostring(err), "\n")
    end
  end
  print(string.format("lua: %d passed, %d failed", passed, failed))
  os.exit(failed == 0 and 0 or 1)
end

-- The server reads its stdin until EOF: hold the write end of popen, so that it dies with
-- this process; its port goes to a file.
function S.base_url()
  if S.url then return S.url end
  local portfile = os.tmpname()
  S.server = io.popen(string.format("python3 %q --corpus %q --no-tls > %q 2>/dev/null",
    S.repo .. "/Tests/TrawlTestSupport/Resources/testserver.py", S.pages, portfile), "w")
  for _ = 1, 200 do
    local f = io.open(portfile)
    local port = f and f:read("*l")
    if f then f:close() end
    if port and port:match("^%d+$") then
      os.remove(portfile)
      S.url = "http://127.0.0.1:" .. port
      return S.url
    end
    os.execute("sleep 0.05")
  end
  error("the test server did not start")
end

function S.page_names()
  local names = {}
  local p = io.popen("ls " .. string.format("%q", S.pages))
  for line in p:lines() do if line:match("%.html$") then names[#names + 1] = line end end
  p:close()
  table.sort(names)
  return names
end

function S.page_urls()
  local urls = {}
  for i, n in ipairs(S.page_names()) do urls[i] = S.base_url() .. "/corpus/" .. n end
  return urls
end

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- Decoded JSON lines of crawl_json for {name, flags, regex} patterns.
function S.c_api(urls, patterns)
  local json = require("trawl.json")
  local args = { shell_quote(S.c_crawl), "-n" }
  for _, p in ipairs(patterns) do
    args[#args + 1] = "-p " .. shell_quote(p[1]) .. " " .. p[2] .. " " .. shell_quote(p[3])
  end
  args[#args + 1] = "--"
  for _, u in ipairs(urls) do args[#args + 1] = shell_quote(u) end
  local p = io.popen(table.concat(args, " "))
  local rows = {}
  for line in p:lines() do rows[#rows + 1] = json.decode(line) end
  p:close()
  return rows
end

function S.patterns()
  local rows = {}
  for line in io.lines(S.repo .. "/Tests/bindings/patterns.tsv") do
    if line ~= "" and line:sub(1, 1) ~= "#" then
      local name, flags, regex = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
      rows[#rows + 1] = { name, tonumber(flags), regex }
    end
  end
  return rows
end

function S.rss_kib()
  for line in io.lines("/proc/self/status") do
    local kib = line:match("^VmRSS:%s+(%d+)")
    if kib then return tonumber(kib) end
  end
end

return S
