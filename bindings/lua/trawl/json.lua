-- SPDX-License-Identifier: Apache-2.0
-- A small JSON decoder (LuaJIT has none built in) for the library's option description and
-- the tests' C API output. Objects keep their key order in a `__order` list; null is json.null.

local json = { null = setmetatable({}, { __tostring = function() return "null" end }) }

local escapes = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n",
                  r = "\r", t = "\t" }

local function utf8(cp)
  if cp < 0x80 then return string.char(cp) end
  if cp < 0x800 then return string.char(0xC0 + math.floor(cp / 0x40), 0x80 + cp % 0x40) end
  if cp < 0x10000 then
    return string.char(0xE0 + math.floor(cp / 0x1000), 0x80 + math.floor(cp / 0x40) % 0x40,
                       0x80 + cp % 0x40)
  end
  return string.char(0xF0 + math.floor(cp / 0x40000), 0x80 + math.floor(cp / 0x1000) % 0x40,
                     0x80 + math.floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
end

local decode_value

local function fail(s, i, what)
  error(string.format("JSON: %s at byte %d", what, i), 0)
end

local function skip(s, i)
  return s:find("[^ \t\r\n]", i) or #s + 1
end

local function decode_string(s, i)
  local out, j = {}, i + 1
  while true do
    local k = s:find('["\\]', j)
    if not k then fail(s, i, "unterminated string") end
    out[#out + 1] = s:sub(j, k - 1)
    if s:sub(k, k) == '"' then return table.concat(out), k + 1 end
    local e = s:sub(k + 1, k + 1)
    if e == "u" then
      local cp = tonumber(s:sub(k + 2, k + 5), 16)
      if not cp then fail(s, k, "bad \\u escape") end
      j = k + 6
      if cp >= 0xD800 and cp < 0xDC00 and s:sub(j, j + 1) == "\\u" then
        local lo = tonumber(s:sub(j + 2, j + 5), 16)
        if lo and lo >= 0xDC00 and lo < 0xE000 then
          cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
          j = j + 6
        end
      end
      out[#out + 1] = utf8(cp)
    elseif escapes[e] then
      out[#out + 1] = escapes[e]
      j = k + 2
    else
      fail(s, k, "bad escape")
    end
  end
end

local function decode_array(s, i)
  local arr, n = {}, 0
  i = skip(s, i + 1)
  if s:sub(i, i) == "]" then return arr, i + 1 end
  while true do
    local v
    v, i = decode_value(s, i)
    n = n + 1
    arr[n] = v
    i = skip(s, i)
    local c = s:sub(i, i)
    if c == "]" then return arr, i + 1 end
    if c ~= "," then fail(s, i, "expected , or ]") end
    i = skip(s, i + 1)
  end
end

local function decode_object(s, i)
  local obj, order = {}, {}
  i = skip(s, i + 1)
  if s:sub(i, i) == "}" then return setmetatable(obj, { __order = order }), i + 1 end
  while true do
    if s:sub(i, i) ~= '"' then fail(s, i, "expected a key") end
    local k, v
    k, i = decode_string(s, i)
    i = skip(s, i)
    if s:sub(i, i) ~= ":" then fail(s, i, "expected :") end
    v, i = decode_value(s, skip(s, i + 1))
    obj[k] = v
    order[#order + 1] = k
    i = skip(s, i)
    local c = s:sub(i, i)
    if c == "}" then return setmetatable(obj, { __order = order }), i + 1 end
    if c ~= "," then fail(s, i, "expected , or }") end
    i = skip(s, i + 1)
  end
end

decode_value = function(s, i)
  i = skip(s, i)
  local c = s:sub(i, i)
  if c == "{" then return decode_object(s, i) end
  if c == "[" then return decode_array(s, i) end
  if c == '"' then return decode_string(s, i) end
  if s:sub(i, i + 3) == "true" then return true, i + 4 end
  if s:sub(i, i + 4) == "false" then return false, i + 5 end
  if s:sub(i, i + 3) == "null" then return json.null, i + 4 end
  local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
  if num and #num > 0 then return tonumber(num), i + #num end
  fail(s, i, "unexpected character")
end

--- Decodes one JSON document.
function json.decode(s)
  local v, i = decode_value(s, 1)
  if skip(s, i) <= #s then fail(s, i, "trailing characters") end
  return v
end

--- The keys of a decoded object in document order.
function json.keys(obj)
  local mt = getmetatable(obj)
  return mt and mt.__order or {}
end

return json
