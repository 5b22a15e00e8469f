#!/usr/bin/env node
// Poll → result cycles/s of `rxon`'s Worker (Node) beside the reference Python transport loop,
// rxon_core.Worker (Python) and the core's runtime driven from Rust (the worker_cycles
// example), one run, against rxon's echo_listener (release) on loopback,
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

const EXAMPLES = path.join(TARGET, 'x86_64-unknown-linux-gnu', 'release', 'examples')

function rust(url, slots) {
  const out = execFileSync(path.join(EXAMPLES, 'worker_cycles'), ['--url', url, '--slots', String(slots), '--duration', String(DURATION)])
  return Number(String(out).trim())
}

async function main() {
  for (const example of ['echo_listener', 'worker_cycles']) {
    execFileSync('cargo', ['build', '--release', '-p', 'rxon-core', '--example', example], { cwd: ROOT, stdio: 'inherit' })
  }
  const listener = spawn(path.join(EXAMPLES, 'echo_listener'), ['--bind', '127.0.0.1:0'], {
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
    const core = rust(url, n)
    rows.push({ n, node, reference, pyWorker, core })
    console.error(`${n}: node ${Math.round(node)}, reference ${Math.round(reference)}, rxon_core.Worker ${Math.round(pyWorker)}, Rust ${Math.round(core)}`)
  }
  listener.kill('SIGTERM')
  const f = (x) => Math.round(x).toLocaleString('en-US')
  console.log('| concurrent tasks | reference HttpTransport (Python) | rxon_core.Worker (Python) | rxon Worker (Node) | core runtime (Rust) | Node ÷ reference | Node ÷ Rust |')
  console.log('|---:|---:|---:|---:|---:|---:|---:|')
  for (const r of rows) {
    const ratios = `${(r.node / r.reference).toFixed(1)}× | ${Math.round((100 * r.node) / r.core)} %`
    console.log(`| ${r.n} | ${f(r.reference)} | ${f(r.pyWorker)} | ${f(r.node)} | ${f(r.core)} | ${ratios} |`)
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
