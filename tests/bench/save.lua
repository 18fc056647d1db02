-- save.lua — wrk script: a leader's section autosave, again and again.
-- Each answer carries the new revision (X-Revision), which the next save
-- sends, as the page's script does; run it with one connection.
local rev = tonumber(os.getenv("BENCH_REV") or "0")
local csrf = os.getenv("BENCH_CSRF")
local cookie = os.getenv("BENCH_COOKIE")
local n = 0

request = function()
  n = n + 1
  local body = "_csrf=" .. csrf .. "&section=about&go=autosave&revision=" .. rev ..
               "&q_role=principal&q_years=" .. (n % 40) .. "&q_community=Benchmark+families"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end

response = function(status, headers, body)
  local r = headers["X-Revision"]
  if r then rev = tonumber(r) end
end
