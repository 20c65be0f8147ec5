-- wrk script: POST touchpoint events generated on the fly, every event id used once.
-- Arguments (after wrk's "--"): KEY TAG OCCURRED_AT CUSTOMERS BATCH.
-- BATCH 0 posts one event per request to /api/v1/events; BATCH n posts {"events": [n events]}
-- to /api/v1/events:batch. Event ids are TAG-<thread>-<counter>, so a run tag used once per
-- database makes every write a real one (a repeated id is answered "duplicate" and stores
-- nothing). Customers are drawn at random from bench-c-1 .. bench-c-CUSTOMERS, with the same
-- details as the benchmark pre-seeds for them, so ingestion never has to update one.
-- Every 2xx answer's body is checked: one that does not accept all its events is counted and
-- reported in done() as "events: answers not accepting every event N" (wrk counts the others).

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  key, tag, occurred = args[1], args[2], args[3]
  customers, batch = tonumber(args[4]), tonumber(args[5])
  math.randomseed(id * 7919 + 17)
  counter = 0
  not_accepted = 0
  headers = {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}
  if batch > 0 then
    path = "/api/v1/events:batch"
    accepted = string.format('"accepted":%d,', batch)
  else
    path = "/api/v1/events"
    accepted = '"status":"accepted"'
  end
end

local function event()
  counter = counter + 1
  local c = math.random(customers)
  local locale = c % 2 == 0 and "zh-CN" or "en"
  return string.format(
    '{"event_id":"%s-%d-%d","touchpoint":"branch_visit","customer":{"external_id":"bench-c-%d",'
      .. '"email":"c%d@example.com","name":"Customer %d","locale":"%s","segment":"mass",'
      .. '"timezone":"Asia/Shanghai"},"occurred_at":"%s","attributes":{"branch":"Central"}}',
    tag, id, counter, c, c, c, locale, occurred
  )
end

function request()
  if batch == 0 then
    return wrk.format("POST", path, headers, event())
  end
  local events = {}
  for i = 1, batch do
    events[i] = event()
  end
  return wrk.format("POST", path, headers, '{"events":[' .. table.concat(events, ",") .. "]}")
end

function response(status, response_headers, body)
  if status < 300 and not body:find(accepted, 1, true) then
    not_accepted = not_accepted + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("not_accepted")
  end
  io.write(string.format("events: answers not accepting every event %d\n", total))
end
