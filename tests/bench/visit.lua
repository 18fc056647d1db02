-- visit.lua — wrk script: an intermediary logging coaching visits.
local csrf = os.getenv("BENCH_CSRF")
local cookie = os.getenv("BENCH_COOKIE")
local school = os.getenv("BENCH_SCHOOL")
local date = os.getenv("BENCH_DATE")

request = function()
  local body = "_csrf=" .. csrf .. "&school=" .. school .. "&date=" .. date ..
               "&time=09:30&minutes=60&mode=onsite&activity=leadership&dimensions=cultural" ..
               "&who_teachers=5&notes=Benchmark+visit&next_steps=Keep+going"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end
