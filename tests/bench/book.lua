-- book.lua — wrk script: school leaders asking for a seat at site visits,
-- each wrk thread one leader with one connection (run it with -tN -cN),
-- each request the next visit for that leader's school (a school is never
-- booked twice on one visit, so every request is a booking: 303).
-- BENCH_BOOKERS names the file tests/bench/bookers.py wrote; BENCH_BOOK_FROM
-- is the first visit (counted from the first) this run books.
local lines = {}
for line in io.lines(os.getenv("BENCH_BOOKERS")) do
  lines[#lines + 1] = line
end
local first_visit, visits = lines[1]:match("^(%d+) (%d+)$")
local given = 1

function setup(thread)
  given = given + 1
  local b = lines[given]
  if not b then
    error("book.lua: more threads than bookers in " .. os.getenv("BENCH_BOOKERS"))
  end
  local session, csrf, school = b:match("^(%S+) (%S+) (%d+)$")
  thread:set("session", session)
  thread:set("csrf", csrf)
  thread:set("school", school)
  thread:set("first_visit", first_visit)
  thread:set("visits", visits)
end

local n = tonumber(os.getenv("BENCH_BOOK_FROM") or "0")

function request()
  if n >= tonumber(visits) then
    error("book.lua: every visit booked; make more (bookers.py VISITS)")
  end
  local path = "/connect/opportunities/" .. (tonumber(first_visit) + n) .. "/request"
  n = n + 1
  local body = "_csrf=" .. csrf .. "&school=" .. school .. "&party=1&names=Bench+visitor"
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "ilnet_session=" .. session,
  }, body)
end
