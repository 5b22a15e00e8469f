#!/usr/bin/env node
// Poll → result cycles/s of `rxon`'s Worker (Node) beside the reference Python transport loop
// and rxon_core.Worker (Python), one run, against rxon's echo_listener (release) on loopback,
// each point for 8 s after 1 s of warm-up. Needs a release build of bindings-node
// (`npx napi build --platform --release --js native.js --dts native.d.ts`) and the Python
// virtualenv `benches/compare_python.py` makes (.venv-bench-python).
//
//     node benches/compare_node_worker.js

'use strict'
const { spawn, execFileSync } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')
const rxon = require('../bindings-node')

const ROOT = path.resolve(__dirname, '..')
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target')
const DURATION = 8
const POINTS = [1, 16, 64]

async function nodeWorker(url, concurrency) {
  const worker = new rxon.Worker({ url, workerId: 'bench-node', token: 'token', skills: ['echo'], concurrency, signing: 'off', pollTimeout: 5 })
  let done = 0
  let counting = false
  const running = worker.run(async (task) => {
    if (counting) done += 1
    return { n: task.params.n }
  })
  await new Promise((resolve) => setTimeout(resolve, 1000))
  counting = true
  await new Promise((resolve) => setTimeout(resolve, DURATION * 1000))
  counting = false
  await worker.close(1)
  await running
  return done / DURATION
}

function python(impl, url, concurrency) {
  const venv = path.join(ROOT, '.venv-bench-python', 'bin', 'python')
  const script = path.join(__dirname, 'compare_python.py')
  const out = execFileSync(venv, [script, '--inner', '--duration', String(DURATION), '--cycles', impl, url, String(concurrency)])
  return Number(String(out).trim()) / DURATION
}

async function main() {
  execFileSync('cargo', ['build', '--release', '-p', 'rxon-core', '--example', 'echo_listener'], { cwd: ROOT, stdio: 'inherit' })
  const listener = spawn(path.join(TARGET, 'x86_64-unknown-linux-gnu', 'release', 'examples', 'echo_listener'), ['--bind', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let url
  for await (const line of readline.createInterface({ input: listener.stdout })) {
    const match = /^listening on (.+)$/.exec(line)
    if (match) {
      url = `http://${match[1]}`
      break
    }
  }
  const rows = []
  for (const n of POINTS) {
    const node = await nodeWorker(url, n)
    const reference = python('reference', url, n)
    const pyWorker = python('worker', url, n)
    rows.push({ n, node, reference, pyWorker })
    console.error(`${n}: node ${Math.round(node)}, reference ${Math.round(reference)}, rxon_core.Worker ${Math.round(pyWorker)}`)
  }
  listener.kill('SIGTERM')
  const f = (x) => Math.round(x).toLocaleString('en-US')
  console.log('| concurrent tasks | reference HttpTransport (Python) | rxon_core.Worker (Python) | rxon Worker (Node) | Node ÷ reference |')
  console.log('|---:|---:|---:|---:|---:|')
  for (const r of rows) console.log(`| ${r.n} | ${f(r.reference)} | ${f(r.pyWorker)} | ${f(r.node)} | ${(r.node / r.reference).toFixed(1)}× |`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
