-- SPDX-License-Identifier: Apache-2.0
--- trawl for LuaJIT: crawl batches of URLs in parallel and extract data with named regular
-- expressions (Python `re` syntax), through libtrawl.so's C API and the FFI.
--
--   local trawl = require("trawl")
--   local results = trawl.crawl(urls, { jobs = 2, patterns = { title = { "<title>(.*?)</title>", "is" } } })
--   for r in trawl.results(urls, { order = "completed" }) do print(r.url, r.status) end
--
-- Pull-style: results are pulled with trawl_batch_next on the calling thread; no C function
-- ever calls back into Lua (LuaJIT cannot take callbacks from trawl's threads). Handles are
-- freed by ffi.gc, or at once with :close().

local ffi = require("ffi")
local json = require("trawl.json")

ffi.cdef(require("trawl.cdef"))

local M = { VERSION = "0.1.0", HEADER_VERSION_NUM = 0x000100, json_null = json.null }

-- MARK: loading

local function module_dir()
  local source = debug.getinfo(1, "S").source
  return source:sub(1, 1) == "@" and source:sub(2):match("^(.*)/[^/]*$") or "."
end

local function load_library()
  local env = os.getenv("TRAWL_LIBRARY")
  local candidates = (env and env ~= "") and { env }
    or { module_dir() .. "/libtrawl.so", module_dir() .. "/../../../../lib/libtrawl.so.0", "libtrawl.so.0", "trawl" }
  local errors = {}
  for _, path in ipairs(candidates) do
    local ok, lib = pcall(ffi.load, path)
    if ok then return lib end
    errors[#errors + 1] = path .. ": " .. tostring(lib)
  end
  error("cannot load libtrawl.so (set TRAWL_LIBRARY to its path, or install it with `make install`): "
        .. table.concat(errors, "; "), 0)
end

local C = load_library()
do
  local num = C.trawl_version_num()
  if bit.rshift(num, 16) ~= bit.rshift(M.HEADER_VERSION_NUM, 16) or num < M.HEADER_VERSION_NUM then
    error(string.format("libtrawl %s (0x%06x) does not match this binding, which needs 0x%06x",
                        ffi.string(C.trawl_version()), num, M.HEADER_VERSION_NUM), 0)
  end
end
M.library_version = ffi.string(C.trawl_version())

-- MARK: errors

--- Errors are tables {code = 3, name = "invalid_regex", message = "..."} with this metatable
-- (tostring gives "invalid_regex: ..."); raised with error(), caught with pcall.
M.Error = {}
M.Error.__index = M.Error
M.Error.__tostring = function(e) return e.name .. ": " .. e.message end

local function new_error(code, message)
  local e = setmetatable({ code = tonumber(code), name = ffi.string(C.trawl_status_name(code)),
                           message = message }, M.Error)
  if e.code == C.TRAWL_INVALID_REGEX then e.offset = tonumber(message:match("offset (%d+)")) end
  return e
end

local function check(status, message_fn)
  if status ~= C.TRAWL_OK then
    error(new_error(status, message_fn and message_fn() or ffi.string(C.trawl_strerror(status))), 2)
  end
end

-- MARK: options

local described
--- Every option of the loaded library as a list of tables {name, type, default, min, max,
-- choices, scope, flag, repeatable, doc}, in the library's order (trawl_options_describe_json);
-- also indexed by name.
function M.options()
  if not described then
    described = json.decode(ffi.string(C.trawl_options_describe_json()))
    for _, o in ipairs(described) do described[o.name] = o end
  end
  return described
end

local KIND = { int = "integer", double = "number", bool = "boolean", string = "string",
               choice = "string", list = "string" }
local FLAGS = { i = 2, m = 8, s = 16, x = 64, a = 256, u = 32 }

local function bad_option(name, expected, value)
  error(string.format("bad option '%s' (%s expected, got %s)", name, expected, type(value)), 4)
end

local function set_one(opts, key, value, opt)
  local function last() return ffi.string(C.trawl_options_last_error(opts)) end
  local t = type(value)
  if opt then
    local want = KIND[opt.type] or t
    local ok = (want == t) or (want == "integer" and t == "number" and value % 1 == 0)
      or (opt.type == "bool" and t == "number" and (value == 0 or value == 1))
    if not ok then bad_option(key, want, value) end
  end
  if t == "boolean" then
    check(C.trawl_options_set_int(opts, key, value and 1 or 0), last)
  elseif t == "number" then
    if (opt and opt.type == "double") or (not opt and value % 1 ~= 0) then
      check(C.trawl_options_set_double(opts, key, value), last)
    else
      check(C.trawl_options_set_int(opts, key, value), last)
    end
  elseif t == "string" then
    check(C.trawl_options_set_str(opts, key, value), last)
  else
    bad_option(key, "string or number", value)
  end
end

local function options_handle(o)
  -- A library from before trawl_options_describe_json: the C setters judge alone.
  local described_ok, known = pcall(M.options)
  if not described_ok then known = nil end
  local out = ffi.new("trawl_options *[1]")
  check(C.trawl_options_new(out))
  local opts = ffi.gc(out[0], C.trawl_options_free)
  local function last() return ffi.string(C.trawl_options_last_error(opts)) end
  for key, value in pairs(o) do
    if key == "patterns" then
      if type(value) ~= "table" then bad_option(key, "table", value) end
    elseif key == "headers" then
      if type(value) ~= "table" then bad_option(key, "table", value) end
      for name, v in pairs(value) do
        if type(name) ~= "string" or type(v) ~= "string" then bad_option("headers", "string = string", v) end
        set_one(opts, "header", name .. ": " .. v, known and known.header)
      end
    else
      local opt = known and known[key]
      if known and not opt then error(new_error(C.TRAWL_UNKNOWN_OPTION, "unknown option '" .. tostring(key) .. "'"), 3) end
      if type(value) == "table" and (not opt or opt.repeatable) then
        for _, v in ipairs(value) do set_one(opts, key, v, opt) end
      else
        set_one(opts, key, value, opt)
      end
    end
  end
  -- Patterns in name order, so that a table (unordered in Lua) gives a stable order.
  local names = {}
  for name in pairs(o.patterns or {}) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    local p = o.patterns[name]
    local regex, flags = p, 0
    if type(p) == "table" then
      regex, flags = p[1], p[2] or 0
      if type(flags) == "string" then
        local n = 0
        for ch in flags:gmatch(".") do
          if not FLAGS[ch] then bad_option("patterns." .. name, "flags from 'aimsux'", flags) end
          n = bit.bor(n, FLAGS[ch])
        end
        flags = n
      end
    end
    if type(regex) ~= "string" then bad_option("patterns." .. name, "string", regex) end
    check(C.trawl_options_add_pattern(opts, name, regex, flags), last)
  end
  return opts
end

-- MARK: results

local function cstr(p)
  return p ~= nil and ffi.string(p) or nil
end

local ptr_out, len_out = ffi.new("const char *[1]"), ffi.new("size_t[1]")

--- A result as a table: index (1-based), url, final_url, status (nil when no response),
-- content_type, charset, bytes, elapsed, error (nil or an Error), matches {name = list}, and
-- patterns (the names in order); with the follow option, depth (0 for a seed), parent (the
-- 1-based index of the result of the page the URL was found on, nil for a seed) and
-- parent_url. Matches are as Python's re.findall gives them: strings for
-- patterns with at most one group, arrays of group strings otherwise.
local function read_result(h)
  local status = C.trawl_result_status(h)
  local code = C.trawl_result_error(h)
  local r = { index = tonumber(C.trawl_result_index(h)) + 1, url = cstr(C.trawl_result_url(h)),
              final_url = cstr(C.trawl_result_final_url(h)), status = status >= 0 and status or nil,
              content_type = cstr(C.trawl_result_content_type(h)), charset = cstr(C.trawl_result_charset(h)),
              bytes = tonumber(C.trawl_result_bytes(h)), elapsed = C.trawl_result_elapsed(h),
              attempts = tonumber(C.trawl_result_attempts(h)),
              depth = tonumber(C.trawl_result_depth(h)), parent_url = cstr(C.trawl_result_parent_url(h)),
              matches = {}, patterns = {} }
  local parent = tonumber(C.trawl_result_parent(h))
  if parent >= 0 then r.parent = parent + 1 end
  if code ~= C.TRAWL_OK then r.error = new_error(code, ffi.string(C.trawl_result_error_message(h))) end
  for p = 0, tonumber(C.trawl_result_pattern_count(h)) - 1 do
    local name = ffi.string(C.trawl_result_pattern_name(h, p))
    local groups = tonumber(C.trawl_result_group_count(h, p))
    local list = {}
    for i = 0, tonumber(C.trawl_result_match_count(h, p)) - 1 do
      local strings = {}
      for j = 0, math.max(1, groups) - 1 do
        C.trawl_result_match(h, p, i, j, ptr_out, len_out)
        strings[j + 1] = ffi.string(ptr_out[0], len_out[0])
      end
      list[i + 1] = groups > 1 and strings or strings[1]
    end
    r.matches[name] = list
    r.patterns[#r.patterns + 1] = name
  end
  return r
end

-- MARK: batch

local Batch = {}
Batch.__index = Batch

--- The next result (in the crawler's order), or nil once every result was handed out.
-- timeout_ms (optional): nil waits as long as it takes; otherwise at most that long, and
-- returns false if none arrived in time.
function Batch:next(timeout_ms)
  if self.handle == nil then return nil end
  local out = ffi.new("trawl_result *[1]")
  local st = C.trawl_batch_next(self.handle, out, timeout_ms or -1)
  if st == C.TRAWL_DONE then
    self:close()
    return nil
  end
  if st == C.TRAWL_TIMED_OUT then return false end
  check(st)
  local h = ffi.gc(out[0], C.trawl_result_free)
  local r = read_result(h)
  C.trawl_result_free(ffi.gc(h, nil))
  return r
end

-- JSON objects as plain tables (the decoder's __order lists dropped), statuses by number.
local function plain(v)
  if type(v) ~= "table" or v == json.null then return v end
  local t = {}
  for k, x in pairs(v) do
    if k ~= "__order" then t[k] = plain(x) end
  end
  return t
end

local function read_stats(h)
  local n = ffi.new("size_t[1]")
  local p = C.trawl_batch_stats_json(h, n)
  if p == nil then return {} end
  local s = plain(json.decode(ffi.string(p, n[0])))
  if type(s.statuses) == "table" then
    local by_number = {}
    for k, v in pairs(s.statuses) do by_number[tonumber(k) or k] = v end
    s.statuses = by_number
  end
  return s
end

--- What the batch did (so far while it runs, all of it once done; kept after close), from
-- trawl_batch_stats_json: a table with results, pages, wall_seconds, pages_per_second, bytes,
-- attempts, retries, robots_refusals, statuses ({[200] = n, ...}), errors ({timeout = n, ...}),
-- seconds ({fetch, decode, extract}) and top_hosts (a list of {host, results, seconds}). Keys
-- may be added, never removed (docs/politeness.md).
function Batch:stats()
  if self.handle ~= nil then return read_stats(self.handle) end
  return self.last_stats or {}
end

--- Stops the batch soon: URLs not yet done come back with "cancelled" errors.
function Batch:cancel()
  if self.handle ~= nil then C.trawl_batch_cancel(self.handle) end
end

--- Cancels the batch if it still runs and frees it now (ffi.gc would, later); its stats are
-- kept, and become its crawler's.
function Batch:close()
  local h = self.handle
  self.handle = nil
  if h ~= nil then
    self.last_stats = read_stats(h)
    if self.crawler then self.crawler.last_stats = self.last_stats end
    C.trawl_batch_free(ffi.gc(h, nil))
  end
end

-- MARK: crawler

local Crawler = {}
Crawler.__index = Crawler

--- A crawler: options and compiled patterns, reusable for many crawls.
-- opts: the library's option names (trawl.options()), plus patterns = {name = regex or
-- {regex, "ims"}}, headers = {Name = "value"}. Raises an Error (unknown option, invalid
-- regex with its offset, invalid value) or a string error for a value of the wrong type.
function M.crawler(opts)
  opts = opts or {}
  if type(opts) ~= "table" then error("bad argument #1 to 'crawler' (table expected, got " .. type(opts) .. ")", 2) end
  local handle_opts = options_handle(opts)
  local out = ffi.new("trawl_crawler *[1]")
  local st = C.trawl_crawler_new(handle_opts, out)
  local h = ffi.gc(out[0], C.trawl_crawler_free)
  check(st, function() return ffi.string(C.trawl_crawler_last_error(h)) end)
  C.trawl_options_free(ffi.gc(handle_opts, nil))
  return setmetatable({ handle = h }, Crawler)
end

local function url_array(urls)
  if type(urls) ~= "table" then error("bad argument #1 (table of URLs expected, got " .. type(urls) .. ")", 3) end
  local n = #urls
  local arr = ffi.new("const char *[?]", math.max(1, n))
  for i = 1, n do
    if type(urls[i]) ~= "string" then error("bad URL #" .. i .. " (string expected, got " .. type(urls[i]) .. ")", 3) end
    arr[i - 1] = urls[i]
  end
  return arr, n
end

--- Starts a batch now; returns a Batch (:next, :cancel, :close).
function Crawler:start(urls)
  if self.handle == nil then error(new_error(C.TRAWL_INVALID_STATE, "the crawler is closed"), 2) end
  local arr, n = url_array(urls)
  local out = ffi.new("trawl_batch *[1]")
  -- A failed start hands back no batch to hold its message: the library keeps it per thread.
  check(C.trawl_batch_start(self.handle, arr, n, out), function() return ffi.string(C.trawl_last_error()) end)
  -- arr must outlive the call only: the library copies the URLs.
  return setmetatable({ handle = ffi.gc(out[0], C.trawl_batch_free), size = n, crawler = self }, Batch)
end

--- The stats of this crawler's last finished batch (crawl, a results loop run to its end, or
-- a closed batch), as Batch:stats gives them; nil before the first.
function Crawler:stats()
  return self.last_stats
end

--- An iterator over the results: `for r in crawler:results(urls) do ... end`. The second
-- value is the Batch, to cancel or close it early.
function Crawler:results(urls)
  local batch = self:start(urls)
  return function() return batch:next() end, batch
end

--- Every result, in input order, as a table indexed like urls.
function Crawler:crawl(urls)
  local batch, list = self:start(urls), {}
  for r in function() return batch:next() end do list[r.index] = r end
  return list
end

--- Runs the patterns over text with no network: {name = matches}.
function Crawler:extract(text)
  if type(text) ~= "string" then error("bad argument #1 to 'extract' (string expected, got " .. type(text) .. ")", 2) end
  local out = ffi.new("trawl_result *[1]")
  check(C.trawl_extract(self.handle, text, #text, out))
  local h = ffi.gc(out[0], C.trawl_result_free)
  local r = read_result(h)
  C.trawl_result_free(ffi.gc(h, nil))
  if r.error then error(r.error, 2) end
  return r.matches
end

--- Frees the compiled patterns now.
function Crawler:close()
  local h = self.handle
  self.handle = nil
  if h ~= nil then C.trawl_crawler_free(ffi.gc(h, nil)) end
end

-- MARK: one-call forms

--- Crawls urls with a new crawler: a table of results in input order, and the batch's stats.
function M.crawl(urls, opts)
  local c = M.crawler(opts)
  local list = c:crawl(urls)
  c:close()
  return list, c:stats()
end

--- `for r in trawl.results(urls, opts) do ... end`: results as the "order" option has them.
function M.results(urls, opts)
  local c = M.crawler(opts)
  local batch = c:start(urls)
  c:close()
  return function() return batch:next() end, batch
end

--- Runs the patterns over text (no network).
function M.extract(text, opts)
  local c = M.crawler(opts)
  local ok, res = pcall(c.extract, c, text)
  c:close()
  if not ok then error(res, 2) end
  return res
end

return M
