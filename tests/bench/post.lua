-- post.lua — wrk script: a POST the size of a section save (for the bare
-- responder's insert, the ceiling of a save).
wrk.method = "POST"
wrk.body = "_csrf=0123456789abcdef0123456789abcdef0123456789a&section=about&go=autosave" ..
           "&revision=1&q_role=principal&q_years=7&q_community=Benchmark+families"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
