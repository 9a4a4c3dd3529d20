-- SPDX-License-Identifier: Apache-2.0
-- The Lua binding against the loopback server: the C API's matches for every page, the
-- iterator, error paths, cancellation, an empty batch, memory.
local S = require("support")
local trawl = require("trawl")
local json = require("trawl.json")

local function lua_patterns()
  local t = {}
  for _, p in ipairs(S.patterns()) do t[p[1]] = { p[3], p[2] } end
  return t
end

S.test("matches equal the C API's JSON on every page", function()
  local urls = S.page_urls()
  local results = trawl.crawl(urls, { jobs = 2, default_patterns = false, patterns = lua_patterns() })
  -- crawl_json adds patterns in the order given; the binding adds them sorted by name.
  local sorted = S.patterns()
  table.sort(sorted, function(a, b) return a[1] < b[1] end)
  local expected = S.c_api(urls, sorted)
  S.eq(#results, 4, "results")
  local nonempty = 0
  for i, r in ipairs(results) do
    local e = expected[i]
    S.eq(r.url, e.url, "url")
    S.eq(r.index, i, "index")
    S.eq(r.error, nil, "error")
    S.eq(r.status, 200, "status")
    S.eq(r.patterns, json.keys(e.matches), "pattern order")
    for _, name in ipairs(r.patterns) do
      S.eq(r.matches[name], e.matches[name], r.url .. " " .. name)
      nonempty = nonempty + #r.matches[name]
    end
  end
  S.ok(nonempty > 10, "the patterns matched something")
end)

S.test("iterator, order and the crawler object", function()
  local urls = S.page_urls()
  -- The slow URL second: a host's first transfer runs alone (per_host_connections).
  local slow = S.base_url() .. "/slow?seconds=1.5"
  table.insert(urls, 2, slow)
  local seen = {}
  for r in trawl.results(urls, { order = "completed" }) do seen[#seen + 1] = r.url end
  S.eq(#seen, #urls, "every URL")
  S.ok(seen[#seen] == slow, "completed order: the slow URL comes last")
  local inorder = {}
  local c = trawl.crawler({ patterns = { title = { "<title>(.*?)</title>", "is" } }, default_patterns = false })
  for r in c:results(urls) do inorder[#inorder + 1] = r.url end
  S.eq(inorder, urls, "input order by default")
  S.eq(c:extract("<TITLE>x\ny</title>"), { title = { "x\ny" } }, "extract")
  c:close()
end)

S.test("headers table and options", function()
  local url = S.base_url() .. "/headers"
  local r = trawl.crawl({ url }, { headers = { ["X-One"] = "1" }, header = { "X-Two: 2" }, user_agent = "lua/1",
                                   default_patterns = false, patterns = { h = '"(x-[a-z]+|user-agent)": "([^"]*)"' } })[1]
  table.sort(r.matches.h, function(a, b) return a[1] < b[1] end)
  S.eq(r.matches.h, { { "user-agent", "lua/1" }, { "x-one", "1" }, { "x-two", "2" } }, "headers")
  local opts = trawl.options()
  S.ok(opts.timeout and opts.timeout.type == "double", "options() describes timeout")
end)

S.test("error paths", function()
  local e = S.raises(function() trawl.crawler({ patterns = { bad = "ab(c" } }) end)
  S.ok(rawequal(getmetatable(e), trawl.Error), "an Error")
  S.eq({ e.code, e.name, e.offset }, { 3, "invalid_regex", 2 }, "bad regex")
  S.ok(e.message:find("bad", 1, true), "names the pattern")
  e = S.raises(function() trawl.crawler({ no_such_option = 1 }) end)
  S.eq({ e.code, e.name }, { 2, "unknown_option" }, "unknown option")
  S.ok(tostring(e):find("no_such_option", 1, true), tostring(e))
  e = S.raises(function() trawl.crawler({ concurrency = "8" }) end)
  S.eq(type(e), "string", "a wrong type is a plain Lua error")
  S.ok(e:find("concurrency", 1, true) and e:find("integer expected, got string", 1, true), e)
  e = S.raises(function() trawl.crawler({ concurrency = -1 }) end)
  S.eq(e.name, "invalid_argument", "out of range")
  local r = trawl.crawl({ "not a url", "ftp://127.0.0.1/x" })
  S.eq({ r[1].error.code, r[1].error.name, r[1].status }, { 20, "invalid_url", nil }, "invalid URL")
  S.eq(r[2].error.name, "unsupported_protocol", "protocol")
  r = trawl.crawl({ S.base_url() .. "/bytes?hex=3c703e&ce=gzip" })
  S.eq({ r[1].error.code, r[1].error.name }, { 37, "bad_response" }, "a body that is not its Content-Encoding")
  S.ok(getmetatable(r[1].error) == trawl.Error, "bad_response is a trawl.Error")
  S.ok(S.raises(function() trawl.crawl("http://one.url/") end):find("table of URLs expected"), "urls type")
  -- Nothing listens on port 1: the batch cannot start, and the error says why.
  e = S.raises(function()
    trawl.crawl({ "http://127.0.0.1:1/" }, { backend = "cluster", redis_url = "redis://127.0.0.1:1/0" })
  end)
  S.eq(e.name, "backend_unavailable", "cluster without Redis")
  S.ok(e.message:find("127.0.0.1:1", 1, true), e.message)
end)

S.test("cancel and an empty batch", function()
  local c = trawl.crawler({ timeout = 120 })
  local slow = S.base_url() .. "/slow?seconds=60"
  local batch = c:start({ slow, slow, slow })
  batch:cancel()
  local n = 0
  for r in function() return batch:next() end do
    S.eq(r.error and r.error.name, "cancelled", "cancelled")
    n = n + 1
  end
  S.eq(n, 3, "every URL has a result")
  S.eq(batch:next(), nil, "done")
  S.eq(c:crawl({}), {}, "empty batch")
  S.eq(trawl.results({}, {})(), nil, "empty iterator")
  c:close()
end)

S.test("stats add up to the batch", function()
  local base = S.base_url()
  local c = trawl.crawler({ jobs = 2, max_retries = 0 })
  S.eq(c:stats(), nil, "no batch yet")
  local batch = c:start({ base .. "/headers", base .. "/headers", base .. "/status/404", "not a url" })
  local attempts = 0
  for r in function() return batch:next() end do attempts = attempts + r.attempts end
  local s = c:stats()
  S.eq(batch:stats(), s, "a finished batch keeps its stats")
  S.eq({ s.results, s.pages, s.attempts, s.retries }, { 4, 3, attempts, 0 }, "counts")
  S.eq(s.statuses, { [200] = 2, [404] = 1 }, "statuses by number")
  S.eq(s.errors, { invalid_url = 1 }, "errors by name")
  S.ok(s.seconds.fetch >= 0 and s.seconds.decode >= 0 and s.seconds.extract >= 0, "seconds")
  S.eq({ s.top_hosts[1].host, s.top_hosts[1].results }, { base:gsub("^http://", ""), 3 }, "top host")
  S.ok(s.bytes > 0, "bytes")
  local list, stats = trawl.crawl({ base .. "/headers" })
  S.eq({ #list, stats.results, stats.statuses[200] }, { 1, 1, 1 }, "trawl.crawl returns the stats too")
  c:close()
end)

S.test("cookie file is loaded and saved", function()
  local base = S.base_url()
  local file = os.tmpname()
  local f = assert(io.open(file, "w"))
  f:write("# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tfrom\tlua\n")
  f:close()
  local r = trawl.crawl({ base .. "/headers", base .. "/set-cookie?made=here" },
                        { cookie_file = file, default_patterns = false, patterns = { cookie = '"cookie": "([^"]*)"' } })
  S.eq(r[1].matches.cookie, { "from=lua" }, "the file's cookie is sent")
  local lines = {}
  for line in io.lines(file) do
    if line ~= "" and line:sub(1, 1) ~= "#" then lines[#lines + 1] = line end
  end
  table.sort(lines)
  S.eq(lines, { "127.0.0.1\tFALSE\t/\tFALSE\t0\tfrom\tlua", "127.0.0.1\tFALSE\t/\tFALSE\t0\tmade\there" }, "saved")
  S.eq(trawl.options().cookies.type, "bool", "cookies is an option")
  f = assert(io.open(file, "wb"))
  f:write("\0\1")
  f:close()
  local e = S.raises(function() trawl.crawl({ base .. "/headers" }, { cookie_file = file }) end)
  S.eq(e.name, "invalid_argument", "a binary cookie file")
  S.ok(e.message:find(file, 1, true), e.message)
  os.remove(file)
end)

S.test("memory stays flat over a thousand cycles", function()
  local url = { S.page_urls()[1] }
  local function cycle()
    local c = trawl.crawler({ jobs = 1, patterns = { t = "<title>(.*?)</title>" } })
    S.eq(#c:crawl(url), 1, "one result")
    c:close()
  end
  for _ = 1, 100 do cycle() end
  collectgarbage()
  local before = S.rss_kib()
  for _ = 1, 1000 do cycle() end
  collectgarbage()
  local after = S.rss_kib()
  S.ok(after <= before * 1.05, string.format("RSS grew from %d KiB to %d KiB", before, after))
end)

S.test("follow mode: depth and parent", function()
  -- /graph/TOKEN/50/N from page 0 within two links is pages 0-6.
  local seed = S.base_url() .. "/graph/lua" .. tostring(os.time()) .. "/50/0"
  local results = trawl.crawl({ seed }, { follow = "link", max_depth = 2 })
  S.eq(#results, 7, "pages within two links")
  S.eq({ results[1].depth, results[1].parent, results[1].parent_url }, { 0, nil, nil }, "the seed")
  for i = 2, #results do
    local r = results[i]
    local p = results[r.parent]
    S.ok(p ~= nil and r.parent < i, "parent before its page")
    S.eq({ r.depth, r.parent_url }, { p.depth + 1, p.url }, "depth and parent_url")
  end
  local ok = pcall(trawl.crawl, { seed }, { follow = "link", follow_scope = "planet" })
  S.ok(not ok, "a bad scope is refused")
end)
