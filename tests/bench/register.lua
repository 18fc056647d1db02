-- register.lua — wrk script: school leaders registering a party of one for
-- the convening, as its form does (CSRF token, a fresh one-time key each,
-- the school they lead), each wrk thread one connection (run it with -tN
-- -cN) with leaders of its own.  Each request is the next of the thread's
-- leaders; once all of them are registered for an event, the next event
-- (a leader registers once an event), so every request is a registration:
-- 303.  BENCH_REGISTRANTS names the file tests/bench/registrants.py wrote;
-- BENCH_REG_FROM is the first event (counted from the first) this run
-- uses, BENCH_REG_EVENTS how many it may use.
local lines = {}
for line in io.lines(os.getenv("BENCH_REGISTRANTS")) do
  lines[#lines + 1] = line
end
local first_year, per = lines[1]:match("^(%d+) %d+ (%d+)$")
first_year, per = tonumber(first_year), tonumber(per)
local given = 0

function setup(thread)
  given = given + 1
  if 1 + given * per > #lines then
    error("register.lua: more threads than leaders in " .. os.getenv("BENCH_REGISTRANTS"))
  end
  thread:set("me", given)
  thread:set("first", 2 + (given - 1) * per)    -- the line of its first leader
end

local from = tonumber(os.getenv("BENCH_REG_FROM") or "0")
local upto = tonumber(os.getenv("BENCH_REG_EVENTS"))
local n = 0

function request()
  local event = math.floor(n / per)
  local k = n % per
  if event >= upto then
    error("register.lua: every event of this run used; make more (registrants.py EVENTS)")
  end
  n = n + 1
  local session, csrf, school = lines[first + k]:match("^(%S+) (%S+) (%d+)$")
  local key = string.format("%08x%08x%08x00000000", me, k, from + event)
  local body = "_csrf=" .. csrf .. "&_key=" .. key .. "&people=1&school=" .. school ..
               "&name1=Bench+leader&role1=Principal&access1=&diet1=&note="
  return wrk.format("POST", "/convening/" .. (first_year + from + event) .. "/register", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "ilnet_session=" .. session,
  }, body)
end
