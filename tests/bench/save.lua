-- save.lua — wrk script: school leaders autosaving a scan section, each
-- wrk thread one leader with one connection (run it with -tN -cN), so each
-- keeps its own revision: every answer carries the new one (X-Revision),
-- which the next save sends, as the page's script does.
-- BENCH_WRITERS names a file of lines "session csrf path revision"
-- (tests/bench/writers.py), one per thread.
local writers = {}
for line in io.lines(os.getenv("BENCH_WRITERS")) do
  writers[#writers + 1] = line
end
local given = 0

function setup(thread)
  given = given + 1
  local w = writers[given]
  if not w then
    error("save.lua: more threads than writers in " .. os.getenv("BENCH_WRITERS"))
  end
  local session, csrf, path, rev = w:match("^(%S+) (%S+) (%S+) (%d+)$")
  thread:set("session", session)
  thread:set("csrf", csrf)
  thread:set("path", path)
  thread:set("rev", rev)
end

local n = 0

function request()
  n = n + 1
  local body = "_csrf=" .. csrf .. "&section=about&go=autosave&revision=" .. rev ..
               "&q_role=principal&q_years=" .. (n % 40) .. "&q_community=Benchmark+families"
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "ilnet_session=" .. session,
  }, body)
end

function response(status, headers, body)
  local r = headers["X-Revision"]
  if r then rev = r end
end
