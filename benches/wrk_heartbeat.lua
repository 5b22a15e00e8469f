-- wrk script: PATCH /_worker/workers/{id} with a heartbeat body, as a worker sends it.
wrk.method = "PATCH"
wrk.path = "/_worker/workers/wrk-1"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Worker-Token"] = "token"
wrk.headers["X-Worker-ID"] = "wrk-1"
wrk.headers["X-RXON-Version"] = "1.0b17"
wrk.body = '{"current_tasks":["t1"],"status":"busy","usage":{"cpu_load_percent":37.5,"devices_usage":[{"load_percent":91.5,"metrics":{"temp_c":71},"unit_id":"gpu0"}],"ram_used_gb":22.75},"worker_id":"wrk-1"}'
