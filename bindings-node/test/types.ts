// Compiled by `tsc --strict --noEmit` (tsconfig.json): the published types as a user meets them.
import { jsonDumps, decode, RxonError, validateData, PROTOCOL_VERSION, constants, createTransport, MockTransport, Worker } from 'rxon'
const text: string = jsonDumps({ a: 1 })
const v = validateData({ a: 1 }, { type: 'object' })
const ok: boolean = v.valid
try { decode('TaskPayload', {}) } catch (e) { if (e instanceof RxonError) { const d: Record<string, unknown> = e.details } }
const p: string = PROTOCOL_VERSION
console.log(text, ok, p, constants.ERROR_CODE_TRANSIENT)

async function worker(): Promise<void> {
  const transport = createTransport('http://127.0.0.1:1', 'w1', 'token', { requestTimeout: 5 })
  const task = await transport.pollTask(30, ['echo'])
  if (task !== null) {
    const accepted: boolean = await transport.sendResult({ job_id: task.job_id, task_id: task.task_id, data: {} })
    console.log(accepted)
  }
  const mock = new MockTransport('w1')
  mock.pushTask({ job_id: 'j', task_id: 't', type: 'echo' })
  await transport.close()
}
void worker

async function serve(): Promise<void> {
  const worker = new Worker({ url: 'http://127.0.0.1:1', workerId: 'w1', token: 't', skills: ['echo', { name: 'render', input_schema: { type: 'object' } }], concurrency: 2 })
  worker.skill('render', async (task) => {
    task.signal.throwIfAborted()
    await task.progress(0.5, 'half')
    return { frames: task.params.frames }
  })
  await worker.start()
  for await (const task of worker) {
    task.complete({ n: task.params.n })
  }
  await worker.close(5)
}
void serve

// Messages are typed by their wire names; decode gives the message named.
import { type TaskPayload, type Heartbeat, Listener, setLogger, type ListenerHandler } from 'rxon'
const decoded = decode('TaskPayload', { job_id: 'j', task_id: 't', type: 'echo' })
const jobId: string = decoded.job_id
const priority: number | undefined = decoded.priority
const heartbeat: Heartbeat = { worker_id: 'w1', status: 'idle' }
const task: TaskPayload = { job_id: 'j', task_id: 't', type: 'echo', params: { n: 1 } }
console.log(jobId, priority, heartbeat, task)

const handler: ListenerHandler = async (action, payload, context) => {
  if (action === 'poll') {
    context.signal.addEventListener('abort', () => {})
    return task
  }
  return context.token === 'secret' ? undefined : { status: 'ok' }
}
async function orchestrate(): Promise<void> {
  setLogger(console, { level: 'warn' })
  const listener = await new Listener({ port: 0, handler }).listen()
  const port: number | null = listener.port
  const sent: boolean = await listener.sendCommand('w1', { command: 'drain' })
  console.log(port, sent, listener.connectedWorkers())
  await listener.close()
}
void orchestrate

const contracted = new Worker({ url: 'http://127.0.0.1:1', workerId: 'w2' })
contracted.skill('resize', { input_schema: { type: 'object' }, output_statuses: ['needs_review'] }, async (task) => ({ ok: task.id }))
