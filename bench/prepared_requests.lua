-- wrk script: send requests prepared in a file, one line each, instead of one fixed request.
-- Line: METHOD <tab> PATH <tab> BODY <tab> "Name: value" headers, each after its own tab.
-- Arguments (after wrk's "--"): FILE THREADS MODE. MODE "cycle" wraps around (reads);
-- "once" sends each line at most once (single-use links), then asks for /__prepared_exhausted__
-- so the extra requests are counted as non-2xx rather than repeated.
-- Each wrk thread has its own Lua state: in "once" mode thread k of n takes lines k, k+n,
-- k+2n, ... so no two threads share a line; in "cycle" mode every thread takes every line,
-- thread k starting at line k.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function split_tabs(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local file, step = args[1], tonumber(args[2])
  once = args[3] == "once"
  requests = {}
  local number = 0
  for line in io.lines(file) do
    if not once or number % step == id then
      local fields = split_tabs(line)
      local headers = {}
      for i = 4, #fields do
        local name, value = fields[i]:match("^([^:]+):%s*(.*)$")
        headers[name] = value
      end
      local body = fields[3] ~= "" and fields[3] or nil
      table.insert(requests, wrk.format(fields[1], fields[2], headers, body))
    end
    number = number + 1
  end
  assert(#requests > 0 or once, "no prepared requests in " .. file)
  -- the last line index (0-based, over all threads) this thread has taken; -1 for none
  last_line = -1
  taken = once and 0 or id % #requests
  exhausted = 0
  stride = step
end

function request()
  if taken >= #requests then
    if once then
      exhausted = 1
      return wrk.format("GET", "/__prepared_exhausted__")
    end
    taken = 0
  end
  taken = taken + 1
  if once then
    last_line = id + (taken - 1) * stride
  end
  return requests[taken]
end

function done(summary, latency, requests)
  local last, dry = -1, 0
  for _, thread in ipairs(threads) do
    last = math.max(last, thread:get("last_line"))
    dry = dry + thread:get("exhausted")
  end
  io.write(string.format("prepared lines: used up to %d, threads exhausted %d\n", last + 1, dry))
end
